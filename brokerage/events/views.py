from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from brokerage.access import admin_required
from brokerage.events.models import Event
from brokerage.extensions import db

bp = Blueprint("events", __name__)


@bp.route("/")
def index() -> str:
    events = db.session.scalars(select(Event).order_by(Event.start_date.desc())).all()
    return render_template("events/index.html", events=events)


@bp.route("/admin/events")
@admin_required
def admin_events() -> str:
    events = db.session.scalars(select(Event).order_by(Event.start_date.desc())).all()
    return render_template("events/admin_events.html", events=events)
