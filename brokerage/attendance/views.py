"""Attendance and ratings from participants; no-show figures for organisers.

Access:
- POST /events/<slug>/meetings/<request_id>/feedback: an approved participant of the event
  who is a side of that meeting in the published run (others 403; a meeting that is not
  theirs, or not published, is a 404); anonymous users go to the login page.
- /events/<slug>/manage/attendance: organisers of this event and admins.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from brokerage.access import get_event_or_404, organiser_required
from brokerage.attendance.figures import Verdict, attendance_figures
from brokerage.attendance.forms import FeedbackForm
from brokerage.attendance.services import (
    AttendanceError,
    agenda_url,
    published_meeting,
    record_feedback,
)
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.meetings.services import participant_for

bp = Blueprint("attendance", __name__)

# A refused answer's messages wait in the session for the agenda page, which shows them next
# to that meeting's form (the redirect lands there, far below the page's flash messages).
ERRORS_KEY = "attendance_feedback_errors"


@bp.app_template_global()
def feedback_errors(request_id: int) -> list[str]:
    """The messages of a refused answer on this meeting, shown once."""
    pending = session.get(ERRORS_KEY)
    if not isinstance(pending, dict) or pending.get("request_id") != request_id:
        return []
    session.pop(ERRORS_KEY, None)
    return [str(message) for message in pending.get("messages", [])]


def _refused(target: str, request_id: int, messages: list[str]) -> Response:
    session[ERRORS_KEY] = {"request_id": request_id, "messages": messages}
    flash("Your feedback was not saved: " + " ".join(messages), "error")
    return redirect(target)


@bp.post("/events/<slug>/meetings/<int:request_id>/feedback")
@login_required
def feedback(slug: str, request_id: int) -> Response:
    event = get_event_or_404(slug)
    participant = participant_for(event, current_user)
    if participant is None or not participant.is_approved:
        abort(403, "Only approved participants of this event can report on meetings.")
    if published_meeting(event, participant, request_id) is None:
        abort(404)
    target = agenda_url(event, anchor=f"meeting-{request_id}")
    form = FeedbackForm()
    if not form.validate_on_submit():
        # One message per field: the form's own, in words (not "Not a valid integer").
        return _refused(target, request_id, [str(errors[-1]) for errors in form.errors.values()])
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
        return _refused(target, request_id, [str(error)])
    db.session.commit()
    flash("Thank you: your feedback on this meeting is saved.", "success")
    return redirect(target)


PER_PAGE = 50
COMMENTS_PER_PAGE = 25
PARTICIPANT_ORDERS = {
    "name": "Name",
    "no_shows": "Most no-shows against them",
    "rating": "Lowest average rating",
    "meetings": "Most meetings",
}


def _page_of(rows: list, per_page: int, argument: str) -> tuple[list, int, int]:
    """The requested page of rows, the page number (clamped) and the number of pages."""
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(request.args.get(argument, 1, type=int) or 1, 1), pages)
    return rows[(page - 1) * per_page : page * per_page], page, pages


@bp.get("/events/<slug>/manage/attendance")
@organiser_required
def manage(event: Event) -> str:
    figures = attendance_figures(event)
    order = request.args.get("order", "name")
    order = order if order in PARTICIPANT_ORDERS else "name"
    rows = figures.participant_rows()  # by name
    if order == "no_shows":
        rows.sort(key=lambda pair: -pair[1].no_shows_against)
    elif order == "rating":
        # Unrated participants last: a missing average is not a low one.
        rows.sort(key=lambda pair: (pair[1].average_rating is None, pair[1].average_rating or 0))
    elif order == "meetings":
        rows.sort(key=lambda pair: -pair[1].meetings)
    rows_page, page, pages = _page_of(rows, PER_PAGE, "page")
    comments, comments_page, comments_pages = _page_of(
        figures.comments, COMMENTS_PER_PAGE, "comments_page"
    )
    return render_template(
        "attendance/manage.html",
        event=event,
        figures=figures,
        tally=figures.tally,
        verdicts=Verdict,
        rows=rows_page,
        row_count=len(rows),
        page=page,
        pages=pages,
        order=order,
        orders=PARTICIPANT_ORDERS,
        comments=comments,
        comments_page=comments_page,
        comments_pages=comments_pages,
        repeat_no_shows=figures.repeat_no_shows(),
    )
