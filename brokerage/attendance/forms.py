"""The feedback form a side of a meeting sends from the agenda: validation only."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional

from brokerage.attendance.models import MeetingOutcome
from brokerage.attendance.services import COMMENT_MAX_LENGTH

OUTCOME_LABELS = {
    MeetingOutcome.TOOK_PLACE: "The meeting took place",
    MeetingOutcome.PARTNER_NO_SHOW: "My partner did not show",
}
OUTCOME_MISSING = "Say whether the meeting took place or your partner did not show."


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class FeedbackForm(FlaskForm):
    # Rendered by hand in templates/attendance/_feedback.html, where every meeting of the
    # agenda has its own form and its own element ids.
    outcome = RadioField(
        "Did the meeting take place?",
        choices=[SelectChoice(outcome.value, label) for outcome, label in OUTCOME_LABELS.items()],
        validators=[
            InputRequired(message=OUTCOME_MISSING),
            AnyOf([outcome.value for outcome in MeetingOutcome], message=OUTCOME_MISSING),
        ],
        validate_choice=False,  # AnyOf says it in words
    )
    rating = IntegerField(
        "Rating",
        validators=[
            Optional(),
            NumberRange(min=1, max=5, message="A rating is a whole number from 1 to 5."),
        ],
    )
    comment = TextAreaField(
        "Comment",
        filters=[_strip],
        validators=[
            Optional(),
            Length(
                max=COMMENT_MAX_LENGTH,
                message=f"Keep the comment to {COMMENT_MAX_LENGTH:,} characters.",
            ),
        ],
    )
