"""Hand edits of schedule runs, late requests and the schedule's audit log.

Access: organisers of the event and admins (others 403, anonymous users go to the login
page). A run, meeting or request of another event is a 404, as is a forged id.

    /events/<slug>/manage/schedule/runs/<run_id>/meetings              the run's meetings
    /events/<slug>/manage/schedule/runs/<run_id>/meetings/<id>/edit    move, lock
    /events/<slug>/manage/schedule/runs/<run_id>/meetings/<id>/swap    (POST)
    /events/<slug>/manage/schedule/runs/<run_id>/meetings/<id>/cancel  (POST)
    /events/<slug>/manage/schedule/runs/<run_id>/add/<request_id>      place a left-out request
    /events/<slug>/manage/schedule/auto-place                           (POST) the toggle
    /events/<slug>/manage/schedule/changes                              the audit log
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from brokerage.access import organiser_required
from brokerage.events.models import Event, MeetingSession, Slot, Table
from brokerage.extensions import db
from brokerage.meetings.services import request_of_event
from brokerage.pagination import requested_page
from brokerage.scheduling import editing
from brokerage.scheduling.edit_forms import (
    ANY_TABLE,
    AutoPlaceForm,
    ConfirmForm,
    MeetingSearchForm,
    PlaceForm,
    SwapForm,
)
from brokerage.scheduling.jobs import active_run
from brokerage.scheduling.models import MeetingState, ScheduledMeeting, ScheduleRun

bp = Blueprint("schedule_edit", __name__)

PER_PAGE = 50
Page = str | Response | tuple[str, int]


def _run_or_404(event: Event, run_id: int) -> ScheduleRun:
    run = editing.run_of_event(event, run_id)
    if run is None:
        abort(404)
    return run


def _meeting_or_404(run: ScheduleRun, meeting_id: int) -> ScheduledMeeting:
    meeting = editing.meeting_of_run(run, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _slot_choices(event: Event) -> dict[str, list[tuple[str, str]]]:
    """Slots grouped by session (an <optgroup> each), labelled with times in the event's zone."""
    choices: dict[str, list[tuple[str, str]]] = {}
    for session in event.sessions:
        day = event.local(session.starts_at)
        group = f"{session.name} · {day:%a} {day.day} {day:%b}"
        choices[group] = [
            (
                str(slot.id),
                f"{event.local(slot.starts_at):%H:%M}–{event.local(slot.ends_at):%H:%M}",
            )
            for slot in session.slots
        ]
    return choices


def _table_choices(event: Event) -> list[tuple[str, str]]:
    choices = [(ANY_TABLE, "Any free table (or the booth)")]
    for table in event.tables:
        label = f"Table {table.label}"
        if table.booth_owner is not None:
            label += f" — booth of {table.booth_owner.full_name}"
        choices.append((str(table.id), label))
    return choices


def _place_form(event: Event, **defaults: object) -> PlaceForm:
    form = PlaceForm(**defaults)
    form.slot.choices = _slot_choices(event)
    form.table.choices = _table_choices(event)
    return form


def _meeting_label(event: Event, meeting: ScheduledMeeting) -> str:
    request_ = meeting.request
    table = meeting.table.place if meeting.table else "no table"
    return (
        f"{editing.describe_slot(event, meeting.slot)}, {table}: "
        f"{request_.sender.full_name} and {request_.recipient.full_name}"
    )


def _swap_form(run: ScheduleRun, meeting: ScheduledMeeting) -> SwapForm:
    form = SwapForm(prefix="swap")
    form.other.choices = [("", "Choose a meeting…")] + [
        (str(other.id), _meeting_label(run.event, other))
        for other in editing.scheduled_meetings_for_swap(run, meeting)
    ]
    return form


def _slot_and_table(event: Event, form: PlaceForm) -> tuple[Slot, Table | None]:
    """The chosen slot and table; the form's choices already limit them to this event."""
    slot = db.session.scalar(
        db.select(Slot)
        .join(MeetingSession, MeetingSession.id == Slot.session_id)
        .where(Slot.id == form.slot_id(), MeetingSession.event_id == event.id)
    )
    table_id = form.table_id()
    table = (
        db.session.scalar(db.select(Table).where(Table.id == table_id, Table.event_id == event.id))
        if table_id is not None
        else None
    )
    if slot is None or (table_id is not None and table is None):
        abort(404)
    return slot, table


def _refused(error: editing.EditError) -> str | None:
    """A 404 refusal aborts; any other is shown on the page (the transaction rolls back)."""
    db.session.rollback()
    if error.status == 404:
        abort(404, str(error))
    return str(error)


# --- The run's meetings --------------------------------------------------------------------


@bp.route("/events/<slug>/manage/schedule/runs/<int:run_id>/meetings")
@organiser_required
def run_meetings(event: Event, run_id: int) -> Page:
    run = _run_or_404(event, run_id)
    search = MeetingSearchForm(request.args)
    q = search.q.data if search.validate() else ""
    page = db.paginate(
        editing.run_meetings(run, q or ""),
        page=requested_page(),
        per_page=PER_PAGE,
        error_out=False,
    )
    is_published = event.published_run_id == run.id
    return render_template(
        "scheduling/edit_meetings.html",
        event=event,
        run=run,
        page=page,
        search=search,
        q=q or "",
        unplaced=editing.unplaced_requests(run),
        is_published=is_published,
        waiting=editing.waiting_requests(event) if is_published else [],
        auto_form=AutoPlaceForm(enabled=event.auto_place_late_requests),
        running=active_run(event),
    )


# --- One meeting: move, lock, swap, cancel -------------------------------------------------


def _render_edit(
    event: Event,
    run: ScheduleRun,
    meeting: ScheduledMeeting,
    *,
    form: PlaceForm | None = None,
    swap_form: SwapForm | None = None,
    refusal: str | None = None,
) -> Page:
    form = form or _place_form(
        event,
        slot=str(meeting.slot_id),
        table=str(meeting.table_id) if meeting.table_id else ANY_TABLE,
        locked=meeting.locked,
    )
    return render_template(
        "scheduling/edit_meeting.html",
        event=event,
        run=run,
        meeting=meeting,
        form=form,
        swap_form=swap_form or _swap_form(run, meeting),
        cancel_form=ConfirmForm(prefix="cancel"),
        refusal=refusal,
        is_published=event.published_run_id == run.id,
        running=active_run(event),
        is_cancelled=meeting.state is MeetingState.CANCELLED,
    )


def _edit_url(event: Event, run: ScheduleRun, meeting: ScheduledMeeting) -> str:
    return url_for(
        "schedule_edit.edit_meeting", slug=event.slug, run_id=run.id, meeting_id=meeting.id
    )


@bp.route(
    "/events/<slug>/manage/schedule/runs/<int:run_id>/meetings/<int:meeting_id>/edit",
    methods=["GET", "POST"],
)
@organiser_required
def edit_meeting(event: Event, run_id: int, meeting_id: int) -> Page:
    run = _run_or_404(event, run_id)
    meeting = _meeting_or_404(run, meeting_id)
    form = _place_form(event)
    if request.method == "GET":
        return _render_edit(event, run, meeting)
    if not form.validate_on_submit():
        return _render_edit(event, run, meeting, form=form)
    slot, table = _slot_and_table(event, form)
    try:
        editing.move_meeting(meeting, slot, table, locked=form.locked.data, user=current_user)
    except editing.EditError as error:
        refusal = _refused(error)
        return _render_edit(
            event, run, _meeting_or_404(run, meeting_id), form=form, refusal=refusal
        )
    db.session.commit()
    flash("Meeting saved.", "success")
    return redirect(_edit_url(event, run, meeting))


@bp.route(
    "/events/<slug>/manage/schedule/runs/<int:run_id>/meetings/<int:meeting_id>/swap",
    methods=["POST"],
)
@organiser_required
def swap_meeting(event: Event, run_id: int, meeting_id: int) -> Page:
    run = _run_or_404(event, run_id)
    meeting = _meeting_or_404(run, meeting_id)
    swap_form = _swap_form(run, meeting)
    if not swap_form.validate_on_submit():
        return _render_edit(event, run, meeting, swap_form=swap_form)
    other = _meeting_or_404(run, swap_form.other_id())
    try:
        editing.swap_meetings(meeting, other, user=current_user)
    except editing.EditError as error:
        refusal = _refused(error)
        return _render_edit(event, run, _meeting_or_404(run, meeting_id), refusal=refusal)
    db.session.commit()
    flash("Meetings swapped.", "success")
    return redirect(_edit_url(event, run, meeting))


@bp.route(
    "/events/<slug>/manage/schedule/runs/<int:run_id>/meetings/<int:meeting_id>/cancel",
    methods=["POST"],
)
@organiser_required
def cancel_meeting(event: Event, run_id: int, meeting_id: int) -> Page:
    run = _run_or_404(event, run_id)
    meeting = _meeting_or_404(run, meeting_id)
    if not ConfirmForm(prefix="cancel").validate_on_submit():
        abort(400)
    try:
        editing.cancel_meeting(meeting, user=current_user)
    except editing.EditError as error:
        refusal = _refused(error)
        return _render_edit(event, run, _meeting_or_404(run, meeting_id), refusal=refusal)
    db.session.commit()
    flash("Meeting cancelled; its slot is free.", "success")
    return redirect(url_for("schedule_edit.run_meetings", slug=event.slug, run_id=run.id))


# --- Adding a left-out request -------------------------------------------------------------


@bp.route(
    "/events/<slug>/manage/schedule/runs/<int:run_id>/add/<int:request_id>",
    methods=["GET", "POST"],
)
@organiser_required
def add_meeting(event: Event, run_id: int, request_id: int) -> Page:
    run = _run_or_404(event, run_id)
    meeting_request = request_of_event(event, request_id)
    if meeting_request is None:
        abort(404)
    form = _place_form(event)
    refusal = None
    if form.validate_on_submit():
        slot, table = _slot_and_table(event, form)
        try:
            meeting = editing.add_meeting(
                run, meeting_request, slot, table, locked=form.locked.data, user=current_user
            )
        except editing.EditError as error:
            refusal = _refused(error)
        else:
            db.session.commit()
            flash("Meeting added.", "success")
            return redirect(_edit_url(event, run, meeting))
    reason = next(
        (item.reason for item in editing.unplaced_requests(run) if item.request.id == request_id),
        None,
    )
    return render_template(
        "scheduling/edit_add.html",
        event=event,
        run=run,
        meeting_request=meeting_request,
        form=form,
        refusal=refusal,
        reason=reason,
        running=active_run(event),
    )


# --- Late requests: automatic placement ----------------------------------------------------


@bp.route("/events/<slug>/manage/schedule/auto-place", methods=["POST"])
@organiser_required
def auto_place(event: Event) -> Page:
    form = AutoPlaceForm()
    if not form.validate_on_submit():
        abort(400)
    editing.set_auto_place(event, bool(form.enabled.data), user=current_user)
    db.session.commit()
    flash(
        "Newly accepted requests will be placed automatically."
        if event.auto_place_late_requests
        else "Automatic placement is off: newly accepted requests wait for a slot.",
        "success",
    )
    if event.published_run_id is not None:
        return redirect(
            url_for("schedule_edit.run_meetings", slug=event.slug, run_id=event.published_run_id)
        )
    return redirect(url_for("schedule_edit.changes", slug=event.slug))


# --- The audit log -------------------------------------------------------------------------


@bp.route("/events/<slug>/manage/schedule/changes")
@organiser_required
def changes(event: Event) -> Page:
    page = db.paginate(
        editing.schedule_changes(event), page=requested_page(), per_page=PER_PAGE, error_out=False
    )
    return render_template("scheduling/edit_changes.html", event=event, page=page)
