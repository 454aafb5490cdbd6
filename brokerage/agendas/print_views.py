"""The organiser's print-outs and exports: all agendas, table sheets, CSV/XLSX, reprints."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("agenda_prints", __name__)
