"""Badge forms: what badges show, the logo upload, and the record of a print run."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField
from wtforms.validators import InputRequired, NumberRange


class BadgeSettingsForm(FlaskForm):
    show_job_title = BooleanField("Job title")
    show_organisation = BooleanField("Organisation")
    show_country = BooleanField("Country")
    show_participant_type = BooleanField("Participant type (coloured band with its name)")
    show_logo = BooleanField("Event logo")


class LogoForm(FlaskForm):
    logo = FileField(
        "Logo (PNG or SVG, at most 1 MB)",
        validators=[FileRequired("Choose a PNG or SVG file.")],
        description="A wide logo works best; it is shown up to 34 × 18 mm.",
    )


class RemoveLogoForm(FlaskForm):
    """The CSRF token alone."""


class MarkPrintedForm(FlaskForm):
    """The filters of the printed selection, and how many badges the organiser saw."""

    layout = HiddenField()
    type = HiddenField()
    not_printed = HiddenField()
    since = HiddenField()
    expected = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=1_000_000)])
