"""Attendance and ratings from participants; no-show figures for organisers."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("attendance", __name__)
