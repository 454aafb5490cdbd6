"""Reviewing, comparing and publishing schedule runs.

Access:
- /events/<slug>/manage/schedule/...: organisers of this event and admins (others 403); a run
  of another event is a 404.
- /events/<slug>/meetings: anyone; the old "My meetings" page redirects to the agenda page
  (agendas.agenda), which checks access.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from brokerage.access import get_event_or_404, organiser_required
from brokerage.events.models import Event, Table
from brokerage.extensions import db
from brokerage.registration.models import Participant
from brokerage.scheduling import charts, review
from brokerage.scheduling.models import ScheduledMeeting, ScheduleRun
from brokerage.scheduling.publishing import PublishError, publish_run

bp = Blueprint("schedule_review", __name__)

PARTICIPANT_ORDERS = {
    "name": "Name",
    "meetings": "Most meetings",
    "fewest": "Fewest meetings",
    "breaks": "Most breaks",
}
UNSCHEDULED_ORDERS = {"reason": "Reason", "name": "Name"}


@bp.app_template_global()
def meeting_partner(meeting: ScheduledMeeting, participant: Participant) -> Participant:
    return review.partner_of(meeting.request, participant.id)


@bp.app_template_global()
def table_words(table: Table | None) -> str:
    return review.table_label(table)


@bp.app_template_global()
def run_status_words(run: ScheduleRun) -> str:
    return review.status_in_words(run)


@bp.app_template_global()
def option_words(value: object) -> str:
    """A run option as the organiser set it: yes/no for switches, a dash for none."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@bp.app_template_global()
def shade(fraction: float) -> str:
    return charts.shade(fraction)


def _run_or_404(event: Event, run_id: int) -> ScheduleRun:
    run = review.run_of_event(event, run_id)
    if run is None:
        abort(404)
    return run


def _choice(name: str, allowed: dict[str, str], default: str) -> str:
    value = request.args.get(name, default)
    return value if value in allowed else default


@bp.get("/events/<slug>/manage/schedule/runs")
@organiser_required
def runs(event: Event) -> str:
    runs = review.event_runs(event)
    return render_template("scheduling/review_runs.html", event=event, runs=runs)


@bp.get("/events/<slug>/manage/schedule/runs/<int:run_id>/review")
@organiser_required
def run_review(event: Event, run_id: int) -> str:
    run = _run_or_404(event, run_id)
    figures = review.review(run, review.event_slots(event), review.event_tables(event))

    query = request.args.get("q", "").strip()[:200]
    order = _choice("order", PARTICIPANT_ORDERS, "name")
    rows = figures.rows
    if query:
        needle = query.casefold()
        rows = [
            row
            for row in rows
            if needle in row.participant.full_name.casefold()
            or needle in row.participant.organisation.name.casefold()
        ]
    if order == "meetings":
        rows = sorted(rows, key=lambda row: -row.meetings)
    elif order == "fewest":
        rows = sorted(rows, key=lambda row: row.meetings)
    elif order == "breaks":
        rows = sorted(rows, key=lambda row: -row.breaks)

    categories = sorted(figures.reason_counts)
    reason = request.args.get("reason", "")
    reason = reason if reason in categories else ""
    unscheduled_order = _choice("sort", UNSCHEDULED_ORDERS, "reason")
    unscheduled = [row for row in figures.unscheduled if not reason or row.category == reason]
    if unscheduled_order == "name":
        unscheduled.sort(key=lambda row: (row.request.sender.last_name.casefold(), row.request.id))

    return render_template(
        "scheduling/review.html",
        event=event,
        run=run,
        review=figures,
        rows=rows,
        query=query,
        order=order,
        orders=PARTICIPANT_ORDERS,
        unscheduled=unscheduled,
        categories=categories,
        reason=reason,
        unscheduled_order=unscheduled_order,
        unscheduled_orders=UNSCHEDULED_ORDERS,
        histogram_svg=charts.meetings_histogram(figures.histogram.counts),
        refusal=review.publish_refusal(run),
    )


@bp.get("/events/<slug>/manage/schedule/compare")
@organiser_required
def compare(event: Event) -> str:
    runs = review.event_runs(event)
    if "a" not in request.args and "b" not in request.args:
        return render_template("scheduling/compare.html", event=event, runs=runs, pair=None)
    first_id = request.args.get("a", type=int)
    second_id = request.args.get("b", type=int)
    if first_id is None or second_id is None:
        abort(400, "Choose two runs to compare.")
    first, second = _run_or_404(event, first_id), _run_or_404(event, second_id)
    slots, tables = review.event_slots(event), review.event_tables(event)
    first_review = review.review(first, slots, tables)
    second_review = review.review(second, slots, tables)
    return render_template(
        "scheduling/compare.html",
        event=event,
        runs=runs,
        pair=(first_review, second_review),
        diff=review.diff_meetings(first_review.meetings, second_review.meetings),
        histograms=(
            charts.meetings_histogram(first_review.histogram.counts, "histogram-a"),
            charts.meetings_histogram(second_review.histogram.counts, "histogram-b"),
        ),
    )


@bp.post("/events/<slug>/manage/schedule/runs/<int:run_id>/publish")
@organiser_required
def publish(event: Event, run_id: int):
    run = _run_or_404(event, run_id)
    try:
        publication = publish_run(run, current_user)
    except PublishError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".run_review", slug=event.slug, run_id=run.id))
    db.session.commit()
    told = publication.notified
    flash(
        f"Run #{run.id} is now the published schedule. "
        f"{told} participant{'' if told == 1 else 's'} e-mailed.",
        "success",
    )
    return redirect(url_for(".run_review", slug=event.slug, run_id=run.id))


@bp.get("/events/<slug>/meetings")
def my_meetings(slug: str) -> Response:
    """The old "My meetings" page: the agenda page replaced it."""
    event = get_event_or_404(slug)
    return redirect(url_for("agendas.agenda", slug=event.slug))
