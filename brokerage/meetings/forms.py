"""Meeting request forms: validation only; the rules that need the database are services'."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from brokerage.meetings.models import RequestPriority, RequestStatus
from brokerage.meetings.services import MAX_MESSAGE_LENGTH, MAX_REASON_LENGTH, RequestFilters
from brokerage.registration.models import Opportunity

PRIORITY_LABELS = {
    RequestPriority.NORMAL: "Normal",
    RequestPriority.MUST_MEET: "Must meet",
}
STATUS_LABELS = {
    RequestStatus.PENDING: "Pending",
    RequestStatus.ACCEPTED: "Accepted",
    RequestStatus.DECLINED: "Declined",
    RequestStatus.CANCELLED: "Cancelled",
    RequestStatus.EXPIRED: "Expired",
}


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _priority_field() -> RadioField:
    return RadioField(
        "Priority",
        choices=[
            SelectChoice(priority.value, label) for priority, label in PRIORITY_LABELS.items()
        ],
        default=RequestPriority.NORMAL.value,
        validators=[DataRequired(message="Choose a priority.")],
        description="“Must meet” tells the scheduler to place this meeting first.",
    )


class RequestForm(FlaskForm):
    message = TextAreaField(
        "Message",
        filters=[_strip],
        validators=[Optional(), Length(max=MAX_MESSAGE_LENGTH)],
        description=f"Why you would like to meet; up to {MAX_MESSAGE_LENGTH:,} characters.",
        render_kw={"rows": 6, "maxlength": MAX_MESSAGE_LENGTH},
    )
    priority = _priority_field()
    opportunity = SelectField(
        "About an opportunity (optional)",
        choices=[SelectChoice("", "No particular opportunity")],
        validators=[Optional()],
        description="The offer or request of theirs, or of yours, that you would like to discuss.",
    )

    @property
    def priority_value(self) -> RequestPriority:
        return RequestPriority(self.priority.data)

    def offer_opportunities(self, theirs: list[Opportunity], mine: list[Opportunity]) -> None:
        """Fill the opportunity choices: the recipient's first, then the sender's own."""
        self.opportunity.choices = [
            SelectChoice("", "No particular opportunity"),
            *(SelectChoice(str(item.id), f"Theirs: {item.title}") for item in theirs),
            *(SelectChoice(str(item.id), f"Mine: {item.title}") for item in mine),
        ]

    def offers(self, value: str) -> bool:
        return any(choice.value == value for choice in self.opportunity.choices)

    @property
    def opportunity_id(self) -> int | None:
        return int(self.opportunity.data) if self.opportunity.data else None


class ResponseForm(FlaskForm):
    """Accept, decline or cancel: the CSRF token, and an optional reason."""

    reason = TextAreaField(
        "Reason (optional)",
        filters=[_strip],
        validators=[Optional(), Length(max=MAX_REASON_LENGTH)],
        render_kw={"rows": 2, "maxlength": MAX_REASON_LENGTH},
    )


class SettingsForm(FlaskForm):
    auto_accept_requests = BooleanField(
        "Accept every meeting request I receive automatically",
        description="Useful for exhibitors and investors who meet everyone who asks.",
    )
    essential_emails_only = BooleanField(
        "Send me essential e-mails only",
        description="You will still hear about accepted, declined, expired and cancelled "
        "meetings, but not about each new request or reminders.",
    )


class OnBehalfForm(FlaskForm):
    first = SelectField("First participant", coerce=int, validators=[DataRequired()])
    second = SelectField("Second participant", coerce=int, validators=[DataRequired()])
    priority = _priority_field()
    message = TextAreaField(
        "Note to both (optional)",
        filters=[_strip],
        validators=[Optional(), Length(max=MAX_MESSAGE_LENGTH)],
        render_kw={"rows": 3, "maxlength": MAX_MESSAGE_LENGTH},
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [SelectChoice(0, "Choose a participant…")] + [
            SelectChoice(i, n) for i, n in people
        ]
        self.first.choices = choices
        self.second.choices = choices

    def validate_second(self, field: SelectField) -> None:
        if field.data and field.data == self.first.data:
            raise ValidationError("Choose two different participants.")

    @property
    def priority_value(self) -> RequestPriority:
        return RequestPriority(self.priority.data)


class RequestFilterForm(FlaskForm):
    """The organiser's filters; read from the query string, so no CSRF."""

    class Meta:
        csrf = False

    q = StringField(
        "Name or organisation", filters=[_strip], validators=[Optional(), Length(max=100)]
    )
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any status")]
        + [SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()],
        validators=[Optional()],
    )
    priority = SelectField(
        "Priority",
        choices=[SelectChoice("", "Any priority")]
        + [SelectChoice(p.value, label) for p, label in PRIORITY_LABELS.items()],
        validators=[Optional()],
    )
    mutual = SelectField(
        "Mutual",
        choices=[
            SelectChoice("", "Mutual or not"),
            SelectChoice("yes", "Mutual only"),
            SelectChoice("no", "Not mutual"),
        ],
        validators=[Optional()],
    )
    participant = SelectField("Participant", validators=[Optional()])

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participant.choices = [SelectChoice("", "Anyone")] + [
            SelectChoice(str(i), name) for i, name in people
        ]

    def to_filters(self) -> RequestFilters:
        """The valid filters; an invalid one (shown as a field error) is left out."""
        participant = self.participant.data if not self.participant.errors else ""
        return RequestFilters(
            status=RequestStatus(self.status.data)
            if self.status.data and not self.status.errors
            else None,
            priority=RequestPriority(self.priority.data)
            if self.priority.data and not self.priority.errors
            else None,
            mutual={"yes": True, "no": False}.get(self.mutual.data or "")
            if not self.mutual.errors
            else None,
            participant_id=int(participant) if participant and participant.isdigit() else None,
            q=(self.q.data or "") if not self.q.errors else "",
        )
