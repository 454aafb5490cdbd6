"""Forms for hand edits of a schedule run: validation only; the checks are editing.py's."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SearchField, SelectField
from wtforms.validators import DataRequired, Length, Optional

ANY_TABLE = ""


class PlaceForm(FlaskForm):
    """Move a meeting, or add one: a slot, a table (or any free one), and the lock."""

    slot = SelectField("Slot", validators=[DataRequired(message="Choose a slot.")])
    table = SelectField(
        "Table",
        validators=[Optional()],
        description="“Any free table” takes the meeting's booth, or the first free shared "
        "table in that slot.",
    )
    locked = BooleanField(
        "Lock",
        description="A locked meeting keeps its slot in later runs. Untick it to move a "
        "locked meeting.",
    )

    def slot_id(self) -> int:
        return int(self.slot.data)

    def table_id(self) -> int | None:
        return int(self.table.data) if self.table.data else None


class SwapForm(FlaskForm):
    other = SelectField(
        "Swap with",
        validators=[DataRequired(message="Choose a meeting to swap with.")],
        description="The two meetings exchange their slots (and tables, where they can).",
    )

    def other_id(self) -> int:
        return int(self.other.data)


class ConfirmForm(FlaskForm):
    """A destructive action: only the CSRF token."""


class AutoPlaceForm(FlaskForm):
    enabled = BooleanField("Place newly accepted requests automatically")


class MeetingSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    q = SearchField(
        "Search",
        validators=[Optional(), Length(max=200)],
        description="Name, organisation or table",
    )
