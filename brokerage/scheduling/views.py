"""The organiser's scheduling pages: readiness and run form, a run's live progress, cancel.

Access: organisers of the event and admins (`organiser_required`); anonymous users go to the
login page. The review page (/runs/<id>/review) belongs to the review blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from brokerage.access import organiser_required
from brokerage.db_types import utcnow
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.scheduling import jobs
from brokerage.scheduling.forms import ConfirmForm, RunForm
from brokerage.scheduling.models import RunState, ScheduleRun
from brokerage.scheduling.services import ScheduleError, readiness

bp = Blueprint("schedule", __name__)

STATE_LABELS = {
    RunState.QUEUED: "Queued",
    RunState.RUNNING: "Running",
    RunState.FINISHED: "Finished",
    RunState.CANCELLED: "Cancelled (best schedule kept)",
    RunState.FAILED: "Failed",
}
STATE_BADGES = {
    RunState.QUEUED: "text-bg-secondary",
    RunState.RUNNING: "text-bg-primary",
    RunState.FINISHED: "text-bg-success",
    RunState.CANCELLED: "text-bg-warning",
    RunState.FAILED: "text-bg-danger",
}


@bp.app_context_processor
def _schedule_helpers() -> dict[str, Any]:
    return {"run_state_labels": STATE_LABELS, "run_state_badges": STATE_BADGES}


def review_path(event: Event, run: ScheduleRun) -> str:
    # The review page is another blueprint's: link by path, not by endpoint name.
    return f"/events/{event.slug}/manage/schedule/runs/{run.id}/review"


def _run_of_event(event: Event, run_id: int) -> ScheduleRun:
    run = db.session.get(ScheduleRun, run_id)
    if run is None or run.event_id != event.id:
        abort(404)
    return run


def _refresh_stale(event: Event) -> None:
    """Mark dead runs failed on page view (see jobs.mark_stale_runs), committed at once."""
    if jobs.mark_stale_runs(event):
        db.session.commit()


@bp.route("/events/<slug>/manage/schedule", methods=["GET", "POST"])
@organiser_required
def index(event: Event) -> Any:
    form = RunForm()
    if form.validate_on_submit():
        try:
            run = jobs.start_run(event, _current_user(), form.run_options())
        except ScheduleError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()  # the job must see the row
            jobs.enqueue_run(run)
            flash("The run has started.", "success")
            return redirect(url_for("schedule.run", slug=event.slug, run_id=run.id))
    else:
        _refresh_stale(event)
    runs = db.session.scalars(
        select(ScheduleRun)
        .where(ScheduleRun.event_id == event.id)
        .options(selectinload(ScheduleRun.created_by))
        .order_by(ScheduleRun.created_at.desc(), ScheduleRun.id.desc())
    ).all()
    return render_template(
        "scheduling/readiness.html",
        event=event,
        form=form,
        figures=readiness(event),
        runs=runs,
        active=next((run for run in runs if run.is_active), None),
        review_path=review_path,
    )


def _current_user() -> Any:
    from flask_login import current_user

    return current_user._get_current_object()


def progress_data(event: Event, run: ScheduleRun) -> dict[str, Any]:
    progress = dict(run.progress or {})
    time_limit = float((run.options or {}).get("time_limit", 60))
    if run.state is RunState.RUNNING and run.started_at is not None:
        elapsed = (utcnow() - run.started_at).total_seconds()
    elif run.started_at is not None and run.finished_at is not None:
        elapsed = (run.finished_at - run.started_at).total_seconds()
    else:
        elapsed = 0.0
    percent = 100 if not run.is_active else min(99, int(100 * elapsed / max(time_limit, 1)))
    return {
        "state": run.state.value,
        "state_label": STATE_LABELS[run.state],
        "active": run.is_active,
        "cancel_requested": run.cancel_requested,
        "elapsed": round(elapsed, 1),
        "time_limit": time_limit,
        "percent": percent,
        "phase": progress.get("phase"),
        "scheduled": progress.get("scheduled"),
        "weight": progress.get("weight"),
        "breaks": progress.get("breaks"),
        "bound": progress.get("bound"),
        "solver_status": run.solver_status,
        "review_url": review_path(event, run) if run.state in _REVIEWABLE else None,
    }


_REVIEWABLE = (RunState.FINISHED, RunState.CANCELLED)


@bp.route("/events/<slug>/manage/schedule/runs/<int:run_id>")
@organiser_required
def run(event: Event, run_id: int) -> str:
    found = _run_of_event(event, run_id)
    _refresh_stale(event)
    return render_template(
        "scheduling/run.html",
        event=event,
        run=found,
        progress=progress_data(event, found),
        cancel_form=ConfirmForm(),
        review_url=review_path(event, found),
    )


@bp.route("/events/<slug>/manage/schedule/runs/<int:run_id>/progress.json")
@organiser_required
def progress(event: Event, run_id: int) -> Response:
    found = _run_of_event(event, run_id)
    if found.is_active and jobs.is_stale(found):
        _refresh_stale(event)
    response = jsonify(progress_data(event, found))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/events/<slug>/manage/schedule/runs/<int:run_id>/cancel", methods=["POST"])
@organiser_required
def cancel(event: Event, run_id: int) -> Response:
    found = _run_of_event(event, run_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        jobs.request_cancel(found)
    except ScheduleError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(
            "The run is stopping; it keeps the best schedule found so far."
            if found.state is RunState.RUNNING
            else "The run was cancelled before it started.",
            "success",
        )
    return redirect(url_for("schedule.run", slug=event.slug, run_id=found.id))
