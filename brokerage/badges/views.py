"""Badge settings, preview and PDFs for organisers; a participant's own badge."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("badges", __name__)
