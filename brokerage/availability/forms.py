"""The availability form: two lists of ids from checkboxes. Validation only.

The page lists the event's own sessions and slots, so a browser only ever sends their ids.
Whether an id belongs to the event is the service's check (a forged id is a 400, not a
field error: there is no field a person could correct).
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field

MAX_IDS = 10_000  # far above any real event; stops a forged post from building a huge set


class IdListField(Field):
    """Every value submitted under the field's name, as a set of positive integers."""

    data: set[int]

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = set()
        if len(valuelist) > MAX_IDS:
            raise ValueError("Too many values.")
        for value in valuelist:
            if not (isinstance(value, str) and value.isascii() and value.isdigit()):
                raise ValueError("Not a valid id.")
            self.data.add(int(value))

    def process_data(self, value: Any) -> None:
        self.data = set(value or ())


class AvailabilityForm(FlaskForm):
    # Sessions the participant attends (ticked), and single slots they block (ticked).
    attend = IdListField()
    block = IdListField()
