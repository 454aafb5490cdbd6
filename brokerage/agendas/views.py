"""The participant's agenda: web page, PDF, iCalendar download and subscribable feed."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("agendas", __name__)
