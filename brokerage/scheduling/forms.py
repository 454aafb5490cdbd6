"""Schedule run form: validation only."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from brokerage.scheduling.jobs import MAX_TIME_LIMIT, MIN_TIME_LIMIT, RunOptions
from brokerage.scheduling.models import RunMode

MODE_LABELS = {
    RunMode.FULL: "Full schedule: place every accepted request from scratch",
    RunMode.INCREMENTAL: "Keep published and locked meetings, schedule only the rest",
}


class RunForm(FlaskForm):
    time_limit = IntegerField(
        "Time limit (seconds)",
        default=60,
        validators=[InputRequired(), NumberRange(MIN_TIME_LIMIT, MAX_TIME_LIMIT)],
        description=f"From {MIN_TIME_LIMIT} to {MAX_TIME_LIMIT} seconds. The run stops earlier "
        "when the schedule is proven optimal.",
    )
    mode = SelectField(
        "Mode",
        choices=[SelectChoice(mode.value, label) for mode, label in MODE_LABELS.items()],
        default=RunMode.FULL.value,
        description="Incremental needs a published schedule.",
    )
    stability = BooleanField(
        "Re-optimise with stability",
        description="Keep meetings in the slot they have in the published (or latest "
        "finished) run wherever possible.",
    )
    fairness_cap = IntegerField(
        "Fairness cap (optional)",
        validators=[Optional(), NumberRange(0, 100)],
        description="The largest difference in breaks between two participants. Leave empty "
        "for no cap.",
    )

    def run_options(self) -> RunOptions:
        return RunOptions(
            time_limit=self.time_limit.data,
            mode=RunMode(self.mode.data),
            stability=self.stability.data,
            fairness_cap=self.fairness_cap.data,
        )


class ConfirmForm(FlaskForm):
    """A POST with only the CSRF token (cancel a run)."""
