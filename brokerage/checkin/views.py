"""Check-in at the door for staff; live figures and exports for organisers."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("checkin", __name__)
