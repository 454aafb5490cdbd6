"""Availability pages: the participant's own, and the organiser's for any participant.

Access:
- /events/<slug>/availability: a logged-in participant of the event whose registration is
  pending or approved (anyone else: 403). Editable until the booking deadline, read-only
  after it.
- /events/<slug>/manage/participants/<id>/availability: organisers of the event and admins,
  any time; a participant of another event is a 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from brokerage.access import get_event_or_404, organiser_required
from brokerage.availability import services
from brokerage.availability.forms import AvailabilityForm
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Participant
from brokerage.registration.services import (
    ACTIVE_STATUSES,
    edit_deadline,
    participant_of_event_or_none,
    registration_of,
)

bp = Blueprint("availability", __name__)


def _save(form: AvailabilityForm, participant: Participant) -> bool:
    """Validate and save; False when a refusal was flashed. Forged input aborts with 400."""
    if not form.validate_on_submit():
        abort(400, "The availability form was not filled in by this page. Please reload it.")
    try:
        services.set_availability(participant, form.attend.data, form.block.data, current_user)
    except services.InvalidAvailabilityReference as error:
        db.session.rollback()
        abort(400, f"{error} Please reload the page and try again.")
    except services.AvailabilityError as error:
        db.session.rollback()
        flash(str(error), "error")
        return False
    db.session.commit()
    return True


def _page(template: str, event: Event, participant: Participant, **context: object) -> str:
    return render_template(
        template,
        event=event,
        participant=participant,
        form=AvailabilityForm(),
        summary=services.availability_summary(participant),
        grid=services.availability_grid(participant),
        **context,
    )


@bp.route("/events/<slug>/availability", methods=["GET", "POST"])
@login_required
def mine(slug: str) -> str | Response:
    event = get_event_or_404(slug)
    participant = registration_of(event, current_user)
    if participant is None or participant.status not in ACTIVE_STATUSES:
        abort(403, "Only registered participants of this event have an availability page.")
    editable = services.may_edit_own(participant)
    if request.method == "POST":
        if not editable:
            abort(403, "The deadline for changes has passed. Please contact the organisers.")
        if _save(AvailabilityForm(), participant):
            flash("Your availability is saved.", "success")
        return redirect(url_for("availability.mine", slug=event.slug))
    return _page(
        "availability/mine.html",
        event,
        participant,
        editable=editable,
        deadline=edit_deadline(event),
    )


@bp.route(
    "/events/<slug>/manage/participants/<int:participant_id>/availability",
    methods=["GET", "POST"],
)
@organiser_required
def manage(event: Event, participant_id: int) -> str | Response:
    participant = participant_of_event_or_none(event, participant_id)
    if participant is None:
        abort(404)
    if request.method == "POST":
        if _save(AvailabilityForm(), participant):
            flash(f"The availability of {participant.full_name} is saved.", "success")
        return redirect(
            url_for("availability.manage", slug=event.slug, participant_id=participant.id)
        )
    return _page("availability/manage.html", event, participant)
