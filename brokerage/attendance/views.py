"""Attendance and ratings from participants; no-show figures for organisers.

Access:
- POST /events/<slug>/meetings/<request_id>/feedback: an approved participant of the event
  who is a side of that meeting in the published run (others 403; a meeting that is not
  theirs, or not published, is a 404); anonymous users go to the login page.
- /events/<slug>/manage/attendance: organisers of this event and admins.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user, login_required
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from brokerage.access import get_event_or_404
from brokerage.attendance.forms import FeedbackForm
from brokerage.attendance.services import AttendanceError, published_meeting, record_feedback
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.meetings.services import participant_for

bp = Blueprint("attendance", __name__)


def _agenda_entry(event: Event, request_id: int) -> str:
    """The meeting's entry on the participant's agenda page."""
    anchor = f"meeting-{request_id}"
    try:
        return url_for("agendas.agenda", slug=event.slug, _anchor=anchor)
    except BuildError:  # the agenda page is built alongside this one
        return f"/events/{event.slug}/agenda#{anchor}"


@bp.post("/events/<slug>/meetings/<int:request_id>/feedback")
@login_required
def feedback(slug: str, request_id: int) -> Response:
    event = get_event_or_404(slug)
    participant = participant_for(event, current_user)
    if participant is None or not participant.is_approved:
        abort(403, "Only approved participants of this event can report on meetings.")
    if published_meeting(event, participant, request_id) is None:
        abort(404)
    target = _agenda_entry(event, request_id)
    form = FeedbackForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(target)
    try:
        record_feedback(
            event,
            participant,
            request_id,
            form.outcome.data,
            form.rating.data,
            form.comment.data or "",
        )
    except AttendanceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(target)
    db.session.commit()
    flash("Thank you: your feedback on this meeting is saved.", "success")
    return redirect(target)
