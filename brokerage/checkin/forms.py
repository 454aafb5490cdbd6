"""Check-in forms: validation only, no writes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length

from brokerage.checkin.services import TOKEN_MAX_LENGTH


class ScanForm(FlaskForm):
    """What a USB or Bluetooth scanner types (it presses Enter at the end), or a person."""

    token = StringField(
        "Badge code",
        validators=[
            DataRequired("Scan a badge or type its code."),
            Length(max=TOKEN_MAX_LENGTH, message="This is not a badge code: it is far too long."),
        ],
        description="Scan the QR code on the badge; the scanner types the code and presses Enter.",
    )


class StaffForm(FlaskForm):
    email = EmailField(
        "E-mail of an existing account", validators=[DataRequired(), Email(), Length(max=254)]
    )


class ConfirmForm(FlaskForm):
    """A bare form for POST buttons: the CSRF token is all it carries."""
