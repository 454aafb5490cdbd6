"""Event set-up forms: validation only; the services apply the rules that need the database."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from brokerage.events.services import MAX_YEAR, MIN_YEAR, SLUG_PATTERN, is_valid_timezone

SLUG_HELP = "The event's address: /events/<slug>. Lower-case letters, digits and hyphens."
LOCAL_TIME_HELP = "In the event's time zone."
# ISO first: that is what browsers send and expect back in a datetime-local input.
LOCAL_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _timezone_is_known(form: FlaskForm, field: TimeZoneField) -> None:
    if field.data and not is_valid_timezone(field.data):
        raise ValidationError("Choose a time zone from the list, such as Europe/Brussels.")


class TimeZoneField(StringField):
    """A text field offering common zones through a <datalist>; any IANA name is accepted."""

    def __init__(self, label: str = "Time zone", **kwargs: object) -> None:
        kwargs.setdefault("validators", [DataRequired(), Length(max=64), _timezone_is_known])
        kwargs.setdefault("render_kw", {"list": "timezone-options", "autocomplete": "off"})
        kwargs.setdefault("description", "An IANA time zone, e.g. Europe/Brussels.")
        super().__init__(label, **kwargs)


def _plausible_year(form: FlaskForm, field: DateField | DateTimeLocalField) -> None:
    if field.data and not MIN_YEAR <= field.data.year <= MAX_YEAR:
        raise ValidationError(f"Choose a date from {MIN_YEAR} to {MAX_YEAR}.")


def _end_not_before_start(form: FlaskForm, field: DateField) -> None:
    start = form.start_date.data
    if start and field.data and field.data < start:
        raise ValidationError("The event cannot end before it starts.")


class _EventNameForm(FlaskForm):
    """The title and URL slug every event form starts with."""

    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        "URL slug",
        validators=[
            DataRequired(),
            Length(max=64),
            Regexp(SLUG_PATTERN, message="Use lower-case letters, digits and single hyphens."),
        ],
        description=SLUG_HELP,
    )


class NewEventForm(_EventNameForm):
    timezone = TimeZoneField()
    start_date = DateField("First day", validators=[InputRequired(), _plausible_year])
    end_date = DateField(
        "Last day", validators=[InputRequired(), _plausible_year, _end_not_before_start]
    )
    organiser_email = EmailField(
        "Organiser's e-mail",
        validators=[Optional(), Email(), Length(max=254)],
        description="Optional: an existing account to name as organiser.",
    )


class EventSettingsForm(_EventNameForm):
    description = TextAreaField(
        "Description", validators=[Optional(), Length(max=5000)], render_kw={"rows": 5}
    )
    venue = StringField("Venue", validators=[Optional(), Length(max=300)])
    timezone = TimeZoneField(
        description="An IANA time zone, e.g. Europe/Brussels. Sessions keep their local times "
        "if you change it."
    )
    start_date = DateField("First day", validators=[InputRequired(), _plausible_year])
    end_date = DateField(
        "Last day", validators=[InputRequired(), _plausible_year, _end_not_before_start]
    )
    registration_opens_at = DateTimeLocalField(
        "Registration opens",
        validators=[Optional(), _plausible_year],
        description=LOCAL_TIME_HELP,
        format=LOCAL_DATETIME_FORMATS,
    )
    registration_closes_at = DateTimeLocalField(
        "Registration closes",
        validators=[Optional(), _plausible_year],
        description=LOCAL_TIME_HELP,
        format=LOCAL_DATETIME_FORMATS,
    )
    booking_deadline = DateTimeLocalField(
        "Deadline for meeting requests",
        validators=[Optional(), _plausible_year],
        description=LOCAL_TIME_HELP,
        format=LOCAL_DATETIME_FORMATS,
    )
    meeting_minutes = IntegerField(
        "Meeting length (minutes)", validators=[InputRequired(), NumberRange(min=1, max=480)]
    )
    changeover_minutes = IntegerField(
        "Changeover (minutes)",
        validators=[InputRequired(), NumberRange(min=0, max=120)],
        description="Time between two meetings at a table.",
    )
    max_meetings_per_participant = IntegerField(
        "Maximum meetings per participant",
        validators=[Optional(), NumberRange(min=1, max=1000)],
        description="Leave empty for no limit.",
    )
    max_requests_per_participant = IntegerField(
        "Maximum meeting requests per participant",
        validators=[Optional(), NumberRange(min=1, max=1000)],
        description="Outgoing requests that are pending or accepted. Leave empty for no limit.",
    )
    request_expiry_days = IntegerField(
        "Pending requests expire after (days)",
        validators=[Optional(), NumberRange(min=1, max=365)],
        description="The sender is told. Leave empty to keep requests open until the deadline.",
    )
    requires_approval = BooleanField("Registrations need the organisers' approval")
    capacity = IntegerField(
        "Capacity (participants)",
        validators=[Optional(), NumberRange(min=1, max=100_000)],
        description="Leave empty for no limit.",
    )

    def validate_registration_closes_at(self, field: DateTimeLocalField) -> None:
        opens = self.registration_opens_at.data
        if opens and field.data and field.data <= opens:
            raise ValidationError("Registration must close after it opens.")


class SessionForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=120)],
        description="For example “Day 1 morning”.",
    )
    day = DateField("Day", validators=[InputRequired()])
    start_time = TimeField("Starts at", validators=[InputRequired()], description=LOCAL_TIME_HELP)
    end_time = TimeField("Ends at", validators=[InputRequired()], description=LOCAL_TIME_HELP)

    def validate_end_time(self, field: TimeField) -> None:
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError("The session must end after it starts.")


class GenerateTablesForm(FlaskForm):
    count = IntegerField(
        "Number of tables to add", validators=[InputRequired(), NumberRange(min=1, max=500)]
    )
    prefix = StringField(
        "Label prefix",
        validators=[Optional(), Length(max=30)],
        description="Optional, e.g. “T” gives T1, T2, … Numbers already used are skipped.",
    )


class TableForm(FlaskForm):
    label = StringField("Label", validators=[DataRequired(), Length(max=40)])
    booth_owner = SelectField(
        "Booth of",
        coerce=int,
        description="A booth is a table one participant (an exhibitor) hosts all meetings at.",
    )


class NameForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])


class ParticipantTypeForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    colour = StringField(
        "Badge colour",
        validators=[
            DataRequired(),
            Regexp(r"^#[0-9a-fA-F]{6}$", message="Use a colour such as #1e7145."),
        ],
        render_kw={"type": "color"},
        default="#4a5057",
    )


class OrganiserForm(FlaskForm):
    email = EmailField(
        "E-mail of an existing account", validators=[DataRequired(), Email(), Length(max=254)]
    )


class ConfirmForm(FlaskForm):
    """A bare form for destructive POSTs: the CSRF token is all it carries."""
