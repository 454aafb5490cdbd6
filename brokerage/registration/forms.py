"""Registration forms: validation only. Choices come from the event, so an id from another
event or an unknown country fails validation with a field error."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from brokerage.events.models import Event
from brokerage.registration.models import OpportunityKind, OrganisationSize, ParticipantStatus
from brokerage.registration.services import (
    OpportunityData,
    ParticipantFilters,
    RegistrationData,
)
from brokerage.templating import countries

MAX_OPPORTUNITIES = 20
SIZE_LABELS = {
    OrganisationSize.MICRO: "1–9 employees",
    OrganisationSize.SMALL: "10–49 employees",
    OrganisationSize.MEDIUM: "50–249 employees",
    OrganisationSize.LARGE: "250 or more employees",
}
KIND_LABELS = {
    OpportunityKind.OFFER: "Offer",
    OpportunityKind.REQUEST: "Request",
    OpportunityKind.PARTNERSHIP: "Partnership sought",
}


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; the field macro renders it as a fieldset with a legend."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choice(value: object, label: str) -> SelectChoice:
    return SelectChoice(str(value), label)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _add_scheme(value: Any) -> Any:
    # People type "example.org"; store a link that works.
    if isinstance(value, str) and value and "://" not in value:
        return "https://" + value
    return value


def _web_scheme_only(form: Form, field: URLField) -> None:
    if field.data and urlsplit(field.data).scheme.lower() not in ("http", "https"):
        raise ValidationError("Use a web address starting with http:// or https://.")


def _optional_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


class OpportunityForm(Form):
    # No CSRF of its own: it is always part of a RegistrationForm.
    id = HiddenField(filters=[_strip])
    kind = SelectField(
        "Kind",
        choices=[choice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[DataRequired()],
    )
    title = StringField("Title", filters=[_strip], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        "Description", filters=[_strip], validators=[Optional(), Length(max=5000)]
    )
    topics = MultiCheckboxField("Topics", coerce=int, validators=[Optional()])

    def validate_id(self, field: HiddenField) -> None:
        if field.data and not str(field.data).isdigit():
            raise ValidationError("Not a valid opportunity.")


class RegistrationForm(FlaskForm):
    first_name = StringField(
        "First name", filters=[_strip], validators=[DataRequired(), Length(max=100)]
    )
    last_name = StringField(
        "Last name", filters=[_strip], validators=[DataRequired(), Length(max=100)]
    )
    job_title = StringField(
        "Job title", filters=[_strip], validators=[DataRequired(), Length(max=150)]
    )
    phone = TelField(
        "Phone",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^[0-9+()./ -]+$", message="Use digits, spaces and + ( ) - . / only."),
        ],
        description="Optional. Include the country code, e.g. +32 2 123 45 67.",
    )

    organisation_name = StringField(
        "Organisation name", filters=[_strip], validators=[DataRequired(), Length(max=200)]
    )
    type_id = SelectField("Organisation type", coerce=_optional_int, validators=[DataRequired()])
    country = SelectField("Country", validators=[DataRequired()])
    city = StringField(
        "City or region", filters=[_strip], validators=[DataRequired(), Length(max=120)]
    )
    website = URLField(
        "Website",
        filters=[_strip, _add_scheme],
        validators=[
            Optional(),
            Length(max=300),
            URL(message="Enter a web address like https://example.org."),
            _web_scheme_only,
        ],
    )
    size = SelectField(
        "Organisation size",
        choices=[choice("", "Not stated")]
        + [choice(size.value, label) for size, label in SIZE_LABELS.items()],
        validators=[Optional()],
    )
    organisation_description = TextAreaField(
        "About the organisation",
        filters=[_strip],
        validators=[DataRequired(), Length(max=5000)],
        description="What your organisation does, in a few sentences. Shown in the marketplace.",
    )

    topics = MultiCheckboxField("Topics of interest", coerce=int, validators=[Optional()])
    opportunities = FieldList(
        FormField(OpportunityForm), min_entries=0, max_entries=MAX_OPPORTUNITIES
    )

    marketplace_consent = BooleanField(
        "Show my profile and opportunities to other participants in the marketplace"
    )
    terms_accepted = BooleanField(
        "I accept the terms and conditions of the event",
        validators=[DataRequired(message="Please accept the terms to register.")],
    )

    def __init__(self, *args: Any, event: Event, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        if editing:
            # The terms were accepted on registration; an edit does not ask again.
            self.terms_accepted.validators = []
            self.terms_accepted.flags.required = False
        self.type_id.choices = [choice("", "Choose…")] + [
            choice(participant_type.id, participant_type.name)
            for participant_type in event.participant_types
        ]
        self.country.choices = [choice("", "Choose…")] + [
            choice(code, name) for code, name in countries()
        ]
        self.topics.choices = self.topic_choices()
        for entry in self.opportunities:
            entry.form.topics.choices = self.topic_choices()

    def topic_choices(self) -> list[SelectChoice]:
        return [choice(topic.id, topic.name) for topic in self.event.topics]

    def add_opportunity(self) -> None:
        if len(self.opportunities.entries) < MAX_OPPORTUNITIES:
            entry = self.opportunities.append_entry()
            entry.form.topics.choices = self.topic_choices()
            # The page comes back scrolled to the opportunities; start typing in the new one.
            entry.form.title.render_kw = {"autofocus": True}

    def remove_opportunity(self, index: int) -> None:
        if 0 <= index < len(self.opportunities.entries):
            del self.opportunities.entries[index]

    def fill_from(self, data: RegistrationData) -> None:
        """Pre-fill from a registration (GET of an edit page)."""
        self.first_name.data = data.first_name
        self.last_name.data = data.last_name
        self.job_title.data = data.job_title
        self.phone.data = data.phone
        self.organisation_name.data = data.organisation_name
        self.type_id.data = data.type_id
        self.country.data = data.country
        self.city.data = data.city
        self.website.data = data.website
        self.size.data = data.size.value if data.size else ""
        self.organisation_description.data = data.organisation_description
        self.topics.data = list(data.topic_ids)
        self.marketplace_consent.data = data.marketplace_consent
        self.terms_accepted.data = data.terms_accepted
        self.opportunities.entries = []
        for item in data.opportunities:
            entry = self.opportunities.append_entry(
                {
                    "id": str(item.id) if item.id else "",
                    "kind": item.kind.value,
                    "title": item.title,
                    "description": item.description,
                    "topics": list(item.topic_ids),
                }
            )
            entry.form.topics.choices = self.topic_choices()

    def to_data(self) -> RegistrationData:
        return RegistrationData(
            first_name=self.first_name.data,
            last_name=self.last_name.data,
            job_title=self.job_title.data or "",
            phone=self.phone.data or "",
            organisation_name=self.organisation_name.data,
            type_id=self.type_id.data,
            country=self.country.data,
            city=self.city.data or "",
            website=self.website.data or "",
            size=OrganisationSize(self.size.data) if self.size.data else None,
            organisation_description=self.organisation_description.data or "",
            topic_ids=list(self.topics.data or []),
            opportunities=[
                OpportunityData(
                    id=int(entry.form.id.data) if entry.form.id.data else None,
                    kind=OpportunityKind(entry.form.kind.data),
                    title=entry.form.title.data,
                    description=entry.form.description.data or "",
                    topic_ids=list(entry.form.topics.data or []),
                )
                for entry in self.opportunities
            ],
            marketplace_consent=bool(self.marketplace_consent.data),
            terms_accepted=bool(self.terms_accepted.data),
        )


class ConfirmForm(FlaskForm):
    """An empty form: CSRF for POST-only actions (cancel, approve, reject)."""


class ParticipantFilterForm(FlaskForm):
    """The organiser's search and filters, read from the query string."""

    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("Search", filters=[_strip], validators=[Optional(), Length(max=200)])
    status = SelectField(
        "Status",
        choices=[choice("", "Any status")]
        + [choice(status.value, status.value.title()) for status in ParticipantStatus],
        validators=[Optional()],
    )
    type_id = SelectField("Type", coerce=_optional_int, validators=[Optional()])
    country = SelectField("Country", validators=[Optional()])
    topic_id = SelectField("Topic", coerce=_optional_int, validators=[Optional()])

    def __init__(self, *args: Any, event: Event, country_codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type_id.choices = [choice("", "Any type")] + [
            choice(participant_type.id, participant_type.name)
            for participant_type in event.participant_types
        ]
        names = dict(countries())
        self.country.choices = [choice("", "Any country")] + [
            choice(code, names.get(code, code))
            for code in sorted(country_codes, key=lambda c: names.get(c, c))
        ]
        self.topic_id.choices = [choice("", "Any topic")] + [
            choice(topic.id, topic.name) for topic in event.topics
        ]

    def to_filters(self) -> ParticipantFilters:
        """The valid filters; an invalid one (shown as a field error) is left out."""
        return ParticipantFilters(
            query=(self.q.data or "") if not self.q.errors else "",
            status=ParticipantStatus(self.status.data)
            if self.status.data and not self.status.errors
            else None,
            type_id=self.type_id.data if not self.type_id.errors else None,
            country=self.country.data or None if not self.country.errors else None,
            topic_id=self.topic_id.data if not self.topic_id.errors else None,
        )
