"""Hand edits of a schedule run, late requests, and participants cancelling placed meetings.

Public entry points (plain values plus the acting user in; they flush, never commit):

    move_meeting(meeting, slot, table, *, locked, user) -> ScheduledMeeting
    swap_meetings(first, second, *, user) -> tuple[ScheduledMeeting, ScheduledMeeting]
    cancel_meeting(meeting, *, user) -> ScheduledMeeting
    add_meeting(run, request, slot, table, *, locked, user) -> ScheduledMeeting
    waiting_requests(event, participant=None) -> list[MeetingRequest]
    unplaced_requests(run) -> list[Unplaced]
    place_late_request(request, *, user=None) -> ScheduledMeeting | None     (hook: accepted)
    release_cancelled_request(request, acting) -> ScheduledMeeting | None     (hook: cancelled)
    set_auto_place(event, enabled, *, user) -> Event
    run_meetings(run, q) -> Select;  schedule_changes(event) -> Select

Every edit is checked against every hard constraint with the solver tests' own checker
(`solver.checker.check`): the event's Problem comes from `services.build_problem`, the run's
scheduled meetings become solver Assignments, the edit is applied, and any violation the
schedule did not already have refuses the edit. The checker speaks in solver ids, so the
common clashes (double booking, a taken table, unavailability, the meeting limit, a lock,
booths) are looked for first and put into words with names, times in the event's zone and
table labels; the checker stays the final guard, its messages translated id by id.

Locks: in the Problem used for an edit, a meeting is fixed to its slot when it is locked in
*this* run (build_problem takes locks from the published run, which is the same run when the
published run is edited). Moving a locked meeting therefore needs it unlocked first (the edit
form's "Lock" box), and a swap refuses locked meetings.

While a run of the event is queued or running, edits are refused: the run reads the database
when it starts, and an edit made meanwhile would silently be missing from its result.

Every change bumps `ScheduledMeeting.sequence` (calendar clients update on it) and writes a
`ScheduleChange` audit row. Changes to the published run tell both participants by e-mail
(essential: always sent); drafts are invisible to participants and send nothing.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from brokerage.auth.models import User
from brokerage.events.models import Event, MeetingSession, Slot, Table
from brokerage.extensions import db
from brokerage.mail import queue_mail
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.registration.models import Organisation, Participant, ParticipantStatus
from brokerage.scheduling.jobs import active_run
from brokerage.scheduling.models import (
    MeetingState,
    RunState,
    ScheduleChange,
    ScheduledMeeting,
    ScheduleRun,
    UnscheduledRequest,
)
from brokerage.scheduling.services import build_problem, lock_schedule
from brokerage.scheduling.solver import checker
from brokerage.scheduling.solver.problem import Assignment, Problem
from brokerage.urls import link_context

RUNNING_MESSAGE = "The scheduler is running; edit when it has finished."
EDITABLE_STATES = (RunState.FINISHED, RunState.CANCELLED)
NO_TABLE = ""  # an assignment without a table yet
NO_TABLE_WORDS = "Choose a table"


class EditError(ValueError):
    """A refused edit; the message is meant for the organiser. `status`: the HTTP answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


# --- Loading a run as the checker sees it --------------------------------------------------


@dataclass
class _Schedule:
    """A run's scheduled meetings beside the event's Problem, with names for messages."""

    event: Event
    run: ScheduleRun
    problem: Problem  # fixed slots: this run's locks
    rows: dict[str, ScheduledMeeting]  # solver meeting id -> scheduled row
    assignments: dict[str, Assignment]  # solver meeting id -> current assignment
    names: dict[str, str]  # solver participant id -> full name
    slots: dict[str, Slot]
    tables: dict[str, Table]  # label -> table
    requests: dict[str, MeetingRequest]

    @property
    def booths(self) -> dict[str, str]:
        return {p.id: p.booth for p in self.problem.participants if p.booth is not None}

    @property
    def shared_labels(self) -> tuple[str, ...]:
        labels = self.problem.table_labels or ()
        return tuple(labels[: self.problem.shared_tables])

    def meeting(self, meeting_id: str):  # -> solver Meeting | None
        return self._meetings.get(meeting_id)

    def __post_init__(self) -> None:
        self._meetings = {meeting.id: meeting for meeting in self.problem.meetings}
        self._participants = {p.id: p for p in self.problem.participants}

    def participant(self, participant_id: str):  # -> solver Participant | None
        return self._participants.get(participant_id)

    def name(self, participant_id: str) -> str:
        return self.names.get(participant_id, f"participant {participant_id}")

    def pair(self, meeting_id: str) -> str:
        request = self.requests.get(meeting_id)
        if request is None:
            return f"meeting {meeting_id}"
        return f"{request.sender.full_name} and {request.recipient.full_name}"

    def when(self, slot_id: str) -> str:
        slot = self.slots.get(slot_id)
        return describe_slot(self.event, slot) if slot is not None else f"slot {slot_id}"

    def sides(self, meeting_id: str) -> tuple[str, str]:
        request = self.requests[meeting_id]
        return str(request.sender_id), str(request.recipient_id)


def describe_slot(event: Event, slot: Slot) -> str:
    """ "10:25" for a one-day event, "10:25 on Tue 10 Mar" otherwise, in the event's zone."""
    local = event.local(slot.starts_at)
    if event.start_date == event.end_date:
        return f"{local:%H:%M}"
    return f"{local:%H:%M} on {local:%a} {local.day} {local:%b}"


def _fairness_cap(run: ScheduleRun) -> int | None:
    value = (run.options or {}).get("fairness_cap")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _load(run: ScheduleRun) -> _Schedule:
    event = run.event
    build = build_problem(event, fairness_cap=_fairness_cap(run))
    rows = db.session.scalars(
        select(ScheduledMeeting)
        .where(ScheduledMeeting.run_id == run.id, ScheduledMeeting.state == MeetingState.SCHEDULED)
        .options(
            selectinload(ScheduledMeeting.request).selectinload(MeetingRequest.sender),
            selectinload(ScheduledMeeting.request).selectinload(MeetingRequest.recipient),
            selectinload(ScheduledMeeting.table),
        )
        .execution_options(populate_existing=True)
    ).all()
    by_meeting = {str(row.request_id): row for row in rows}
    # This run's locks, not the published run's: the edit happens in this run.
    fixed = {key: str(row.slot_id) for key, row in by_meeting.items() if row.locked}
    problem = dataclasses.replace(
        build.problem,
        meetings=tuple(
            dataclasses.replace(meeting, fixed_slot=fixed.get(meeting.id))
            for meeting in build.problem.meetings
        ),
    )
    slots = {
        str(slot.id): slot
        for slot in db.session.scalars(
            select(Slot)
            .join(MeetingSession, MeetingSession.id == Slot.session_id)
            .where(MeetingSession.event_id == event.id)
            .options(selectinload(Slot.session))
        )
    }
    tables = {
        table.label: table
        for table in db.session.scalars(select(Table).where(Table.event_id == event.id))
    }
    requests = {key: row.request for key, row in by_meeting.items()}
    names: dict[str, str] = {}
    for request in requests.values():
        names[str(request.sender_id)] = request.sender.full_name
        names[str(request.recipient_id)] = request.recipient.full_name
    assignments = {
        key: Assignment(
            meeting=key, slot=str(row.slot_id), table=row.table.label if row.table else ""
        )
        for key, row in by_meeting.items()
    }
    return _Schedule(
        event=event,
        run=run,
        problem=problem,
        rows=by_meeting,
        assignments=assignments,
        names=names,
        slots=slots,
        tables=tables,
        requests=requests,
    )


def _with_request(schedule: _Schedule, request: MeetingRequest) -> None:
    key = str(request.id)
    schedule.requests[key] = request
    schedule.names[str(request.sender_id)] = request.sender.full_name
    schedule.names[str(request.recipient_id)] = request.recipient.full_name


def _unfix(schedule: _Schedule, meeting_ids: Iterable[str]) -> None:
    """The edit unlocks these meetings: they may leave their slot (or the schedule)."""
    meeting_ids = set(meeting_ids)
    schedule.problem = dataclasses.replace(
        schedule.problem,
        meetings=tuple(
            dataclasses.replace(meeting, fixed_slot=None) if meeting.id in meeting_ids else meeting
            for meeting in schedule.problem.meetings
        ),
    )
    schedule.__post_init__()


# --- Guards --------------------------------------------------------------------------------


def _lock_run(run: ScheduleRun) -> None:
    """Serialise edits of one run (PostgreSQL row lock; SQLite has one writer anyway).

    Two organisers moving two meetings into the same free table at once would each pass the
    checks on their own; the second waits here, then reads the first one's result.
    """
    db.session.execute(
        select(ScheduleRun.id).where(ScheduleRun.id == run.id).with_for_update(key_share=True)
    )
    db.session.refresh(run)


def check_editable(run: ScheduleRun) -> None:
    """Refuse edits while any run of the event is queued or running, or of a failed run."""
    lock_schedule(run.event)
    if run.is_active or active_run(run.event) is not None:
        raise EditError(RUNNING_MESSAGE, 409)
    if run.state not in EDITABLE_STATES:
        raise EditError("This run has no schedule to edit.", 409)


def _begin(run: ScheduleRun) -> _Schedule:
    _lock_run(run)
    check_editable(run)
    return _load(run)


# --- Checking an edit ----------------------------------------------------------------------


def _table_words(schedule: _Schedule, label: str) -> str:
    return f"table {label}" if label else "no table"


def _meeting_counts(schedule: _Schedule, assignments: Iterable[Assignment]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for assignment in assignments:
        if assignment.meeting in schedule.requests:
            counts.update(set(schedule.sides(assignment.meeting)))
    return counts


def _clashes(
    schedule: _Schedule, proposed: dict[str, Assignment], changed: Iterable[str]
) -> list[str]:
    """The common hard-constraint clashes of the changed meetings, in words."""
    messages: list[str] = []
    by_slot: dict[str, list[Assignment]] = {}
    for assignment in proposed.values():
        by_slot.setdefault(assignment.slot, []).append(assignment)
    booths = schedule.booths
    shared = schedule.shared_labels
    booth_owner = {label: pid for pid, label in booths.items()}
    counts = _meeting_counts(schedule, proposed.values())
    current = _meeting_counts(schedule, schedule.assignments.values())

    for meeting_id in changed:
        assignment = proposed.get(meeting_id)
        if assignment is None:
            continue
        meeting = schedule.meeting(meeting_id)
        if meeting is None:
            messages.append(
                f"The meeting of {schedule.pair(meeting_id)} cannot be scheduled: its request is "
                "no longer accepted, or one of them is no longer an approved participant."
            )
            continue
        when = schedule.when(assignment.slot)
        if meeting.fixed_slot is not None and meeting.fixed_slot != assignment.slot:
            messages.append(
                f"The meeting of {schedule.pair(meeting_id)} is locked at "
                f"{schedule.when(meeting.fixed_slot)}: unlock it before moving it."
            )
        for side in (meeting.a, meeting.b):
            participant = schedule.participant(side)
            if participant is not None and assignment.slot in participant.unavailable:
                messages.append(f"{schedule.name(side)} is not available at {when}.")
        for side in (meeting.a, meeting.b):
            for other in by_slot.get(assignment.slot, []):
                if other.meeting == meeting_id or other.meeting not in schedule.requests:
                    continue
                if side in schedule.sides(other.meeting):
                    partner = next(p for p in schedule.sides(other.meeting) if p != side)
                    messages.append(
                        f"{schedule.name(side)} already meets {schedule.name(partner)} at "
                        f"{when} ({_table_words(schedule, other.table)})."
                    )
        booth = booths.get(meeting.a) or booths.get(meeting.b)
        if booth is not None and assignment.table != booth:
            host = meeting.a if booths.get(meeting.a) else meeting.b
            messages.append(
                f"{schedule.name(host)} hosts their meetings at their booth, table {booth}."
            )
        elif booth is None and assignment.table not in shared:
            if assignment.table in booth_owner:
                messages.append(
                    f"Table {assignment.table} is {schedule.name(booth_owner[assignment.table])}"
                    "'s booth; only their meetings take place there."
                )
            else:
                messages.append(f"{NO_TABLE_WORDS} for {when}.")
        for other in by_slot.get(assignment.slot, []):
            if other.meeting != meeting_id and other.table == assignment.table != NO_TABLE:
                messages.append(
                    f"{_table_words(schedule, assignment.table).capitalize()} is taken at {when} "
                    f"by {schedule.pair(other.meeting)}."
                )
        for side in (meeting.a, meeting.b):
            participant = schedule.participant(side)
            limit = participant.max_meetings if participant is not None else None
            if limit is not None and counts[side] > limit and counts[side] > current[side]:
                messages.append(
                    f"{schedule.name(side)} already has {current[side]} meetings, "
                    f"this event's maximum."
                )
    return list(dict.fromkeys(messages))  # in order, once each


_CHECKER_ID = re.compile(
    r"\b(meeting|slot|participant|table|booth)\s+('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
)


def _translate(schedule: _Schedule, violation: str) -> str:
    """A checker message with its solver ids replaced by names, times and table labels."""

    def replace(match: re.Match[str]) -> str:
        kind, quoted = match.group(1), match.group(2)
        try:
            value = str(ast.literal_eval(quoted))
        except (ValueError, SyntaxError):
            return match.group(0)
        if kind == "meeting":
            return f"the meeting of {schedule.pair(value)}"
        if kind == "slot":
            return schedule.when(value)
        if kind == "participant":
            return schedule.name(value)
        return f"{kind} {value}"

    text = _CHECKER_ID.sub(replace, violation)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _verify(schedule: _Schedule, proposed: dict[str, Assignment], changed: Iterable[str]) -> None:
    """Refuse the edit when it breaks a hard constraint the schedule did not already break."""
    changed = list(changed)
    clashes = _clashes(schedule, proposed, changed)
    if clashes:
        raise EditError(" ".join(clashes))
    before = Counter(checker.check(schedule.problem, schedule.assignments.values()))
    after = Counter(checker.check(schedule.problem, proposed.values()))
    new = after - before
    if new:
        raise EditError(" ".join(_translate(schedule, violation) for violation in sorted(new)))


def _booth_for(schedule: _Schedule, meeting_id: str) -> str | None:
    """The booth a meeting takes place at (a's when both have one), or None."""
    meeting = schedule.meeting(meeting_id)
    if meeting is None:
        return None
    booths = schedule.booths
    return booths.get(meeting.a) or booths.get(meeting.b)


def _free_table(
    schedule: _Schedule, proposed: dict[str, Assignment], meeting_id: str, slot_id: str
) -> str | None:
    """The booth of the meeting, or the first shared table free in the slot; None if full."""
    if schedule.meeting(meeting_id) is None:
        return None
    booth = _booth_for(schedule, meeting_id)
    if booth is not None:
        return booth
    taken = {a.table for a in proposed.values() if a.slot == slot_id and a.meeting != meeting_id}
    return next((label for label in schedule.shared_labels if label not in taken), None)


def _choose_table(
    schedule: _Schedule,
    proposed: dict[str, Assignment],
    meeting_id: str,
    slot_id: str,
    table: Table | None,
) -> str:
    if table is not None:
        return table.label
    label = _free_table(schedule, proposed, meeting_id, slot_id)
    if label is None:
        # Say first why the slot does not work for the people, if it does not.
        tentative = {**proposed, meeting_id: Assignment(meeting_id, slot_id, NO_TABLE)}
        people = [
            message
            for message in _clashes(schedule, tentative, [meeting_id])
            if NO_TABLE_WORDS not in message
        ]
        raise EditError(
            " ".join(people)
            if people
            else f"Every shared table is taken at {schedule.when(slot_id)}."
        )
    return label


def _check_slot_and_table(run: ScheduleRun, slot: Slot, table: Table | None) -> None:
    """Ids from a form: they must belong to the run's event (a forged id is a 404)."""
    if slot.session.event_id != run.event_id:
        raise EditError("That slot is not part of this event.", 404)
    if table is not None and table.event_id != run.event_id:
        raise EditError("That table is not part of this event.", 404)


# --- Applying, logging and telling ---------------------------------------------------------


def _where(schedule: _Schedule, assignment: Assignment) -> str:
    return f"{schedule.when(assignment.slot)} ({_table_words(schedule, assignment.table)})"


def _log(
    schedule: _Schedule,
    user: User | None,
    action: str,
    summary: str,
    **details: object,
) -> ScheduleChange:
    change = ScheduleChange(
        event_id=schedule.event.id,
        run_id=schedule.run.id,
        user_id=user.id if user is not None else None,
        action=action,
        summary=summary,
        details=details,
    )
    db.session.add(change)
    return change


def _place(
    schedule: _Schedule, row: ScheduledMeeting, assignment: Assignment, *, locked: bool
) -> None:
    row.slot_id = int(assignment.slot)
    table = schedule.tables.get(assignment.table)
    row.table_id = table.id if table is not None else None
    row.table = table
    row.locked = locked
    row.state = MeetingState.SCHEDULED
    row.sequence += 1


def _is_published(schedule: _Schedule) -> bool:
    return schedule.event.published_run_id == schedule.run.id


def _tell(
    event: Event,
    request: MeetingRequest,
    template: str,
    subject: str,
    *,
    only: Participant | None = None,
    **context: object,
) -> None:
    """An essential mail to both sides of the meeting (or to `only`)."""
    with link_context():
        link = url_for(
            "meetings.show_request", slug=event.slug, request_id=request.id, _external=True
        )
        for participant in (request.sender, request.recipient):
            if only is not None and participant.id != only.id:
                continue
            other = request.recipient if participant.id == request.sender_id else request.sender
            queue_mail(
                participant.user.email,
                f"{subject.format(other=other.full_name)} · {event.title}",
                template,
                participant=participant,
                other=other,
                event=event,
                request=request,
                link=link,
                **context,
            )


def _tell_moved(schedule: _Schedule, key: str, before: Assignment, after: Assignment) -> None:
    if not _is_published(schedule) or before == after:
        return
    _tell(
        schedule.event,
        schedule.requests[key],
        "meeting_moved",
        "Your meeting with {other} has moved",
        old_when=_where(schedule, before),
        new_when=_where(schedule, after),
    )


# --- Edits ---------------------------------------------------------------------------------


def _meeting_key(schedule: _Schedule, meeting: ScheduledMeeting) -> str:
    key = str(meeting.request_id)
    if meeting.run_id != schedule.run.id:
        raise EditError("This meeting is not part of this run.", 404)
    if schedule.rows.get(key) is not meeting:
        raise EditError("This meeting is cancelled; add it again from the run's list.", 409)
    return key


def move_meeting(
    meeting: ScheduledMeeting,
    slot: Slot,
    table: Table | None,
    *,
    locked: bool,
    user: User,
) -> ScheduledMeeting:
    """Move a meeting to `slot` at `table` (None: its booth or the first free shared table),
    and set its lock. Unlocking and moving in one edit is allowed."""
    run = meeting.run
    _check_slot_and_table(run, slot, table)
    schedule = _begin(run)
    key = _meeting_key(schedule, meeting)
    before = schedule.assignments[key]
    was_locked = meeting.locked
    if not locked:
        _unfix(schedule, [key])
    proposed = dict(schedule.assignments)
    proposed.pop(key)
    target_table = (
        before.table
        if table is None and slot.id == int(before.slot) and before.table
        else _choose_table(schedule, proposed, key, str(slot.id), table)
    )
    after = Assignment(meeting=key, slot=str(slot.id), table=target_table)
    proposed[key] = after
    if after == before and locked == was_locked:
        raise EditError("Nothing to change: the meeting is already there.", 400)
    _verify(schedule, proposed, [key])
    _place(schedule, meeting, after, locked=locked)
    pair = schedule.pair(key)
    parts = []
    if after != before:
        parts.append(f"Moved {pair} from {_where(schedule, before)} to {_where(schedule, after)}")
    if locked != was_locked:
        verb = "locked" if locked else "unlocked"
        parts.append(f"{verb} it" if parts else f"{verb.capitalize()} {pair}")
    action = "move" if after != before else ("lock" if locked else "unlock")
    _log(
        schedule,
        user,
        action,
        "; ".join(parts) + ".",
        meeting_id=meeting.id,
        request_id=meeting.request_id,
        before={"slot_id": int(before.slot), "table": before.table, "locked": was_locked},
        after={"slot_id": slot.id, "table": after.table, "locked": locked},
    )
    _tell_moved(schedule, key, before, after)
    db.session.flush()
    return meeting


def swap_meetings(
    first: ScheduledMeeting, second: ScheduledMeeting, *, user: User
) -> tuple[ScheduledMeeting, ScheduledMeeting]:
    """Exchange the slots and tables of two meetings of one run."""
    run = first.run
    if second.run_id != first.run_id:
        raise EditError("Both meetings must be part of this run.", 404)
    if first.id == second.id:
        raise EditError("Choose another meeting to swap with.")
    schedule = _begin(run)
    first_key = _meeting_key(schedule, first)
    second_key = _meeting_key(schedule, second)
    first_before = schedule.assignments[first_key]
    second_before = schedule.assignments[second_key]
    proposed = dict(schedule.assignments)
    # A booth meeting stays at its booth; a shared one takes the other's table when it is a
    # shared table, else the first shared table free in that slot.
    proposed[first_key] = Assignment(first_key, second_before.slot, second_before.table)
    proposed[second_key] = Assignment(second_key, first_before.slot, first_before.table)
    for key in (first_key, second_key):
        swapped = proposed[key]
        if _booth_for(schedule, key) is not None or swapped.table not in schedule.shared_labels:
            table = _free_table(schedule, proposed, key, swapped.slot) or swapped.table
            proposed[key] = Assignment(key, swapped.slot, table)
    first_after, second_after = proposed[first_key], proposed[second_key]
    _verify(schedule, proposed, [first_key, second_key])
    _place(schedule, first, first_after, locked=first.locked)
    _place(schedule, second, second_after, locked=second.locked)
    _log(
        schedule,
        user,
        "swap",
        f"Swapped {schedule.pair(first_key)} ({_where(schedule, first_before)}) with "
        f"{schedule.pair(second_key)} ({_where(schedule, second_before)}).",
        meeting_ids=[first.id, second.id],
        before=[
            {"slot_id": int(first_before.slot), "table": first_before.table},
            {"slot_id": int(second_before.slot), "table": second_before.table},
        ],
    )
    _tell_moved(schedule, first_key, first_before, first_after)
    _tell_moved(schedule, second_key, second_before, second_after)
    db.session.flush()
    return first, second


def cancel_meeting(meeting: ScheduledMeeting, *, user: User) -> ScheduledMeeting:
    """Take a meeting out of the run; its slot and table free up. The request stays accepted."""
    schedule = _begin(meeting.run)
    key = _meeting_key(schedule, meeting)
    before = schedule.assignments[key]
    _unfix(schedule, [key])
    proposed = dict(schedule.assignments)
    proposed.pop(key)
    _verify(schedule, proposed, [])
    meeting.state = MeetingState.CANCELLED
    meeting.locked = False
    meeting.sequence += 1
    _log(
        schedule,
        user,
        "cancel",
        f"Cancelled {schedule.pair(key)} at {_where(schedule, before)}.",
        meeting_id=meeting.id,
        request_id=meeting.request_id,
        before={"slot_id": int(before.slot), "table": before.table},
    )
    if _is_published(schedule):
        _tell(
            schedule.event,
            schedule.requests[key],
            "meeting_cancelled",
            "Your meeting with {other} is cancelled",
            when=_where(schedule, before),
            by_organiser=True,
        )
    db.session.flush()
    return meeting


def add_meeting(
    run: ScheduleRun,
    request: MeetingRequest,
    slot: Slot,
    table: Table | None,
    *,
    locked: bool,
    user: User | None,
    action: str = "add",
) -> ScheduledMeeting:
    """Place an accepted request the run left out (or whose meeting was cancelled)."""
    if request.event_id != run.event_id:
        raise EditError("This request is not part of this event.", 404)
    _check_slot_and_table(run, slot, table)
    schedule = _begin(run)
    return _add(schedule, request, slot, table, locked=locked, user=user, action=action)


def _add(
    schedule: _Schedule,
    request: MeetingRequest,
    slot: Slot,
    table: Table | None,
    *,
    locked: bool,
    user: User | None,
    action: str,
) -> ScheduledMeeting:
    key = str(request.id)
    if key in schedule.rows:
        raise EditError("This meeting is already in the schedule.", 409)
    if request.status is not RequestStatus.ACCEPTED:
        raise EditError("Only accepted requests can be scheduled.", 409)
    _with_request(schedule, request)
    proposed = dict(schedule.assignments)
    after = Assignment(
        key, str(slot.id), _choose_table(schedule, proposed, key, str(slot.id), table)
    )
    proposed[key] = after
    _verify(schedule, proposed, [key])
    run = schedule.run
    row = db.session.scalar(
        select(ScheduledMeeting).where(
            ScheduledMeeting.run_id == run.id, ScheduledMeeting.request_id == request.id
        )
    )
    if row is None:
        row = ScheduledMeeting(
            run=run, request=request, slot_id=slot.id, sequence=-1, placed_by_hand=True
        )
        db.session.add(row)
    _place(schedule, row, after, locked=locked)
    row.placed_by_hand = True
    # It is no longer left out of this run.
    for item in list(run.unscheduled):
        if item.request_id == request.id:
            run.unscheduled.remove(item)
    db.session.flush()
    automatic = action == "auto_place"
    _log(
        schedule,
        user,
        action,
        f"{'Placed automatically' if automatic else 'Added'} {schedule.pair(key)} at "
        f"{_where(schedule, after)}{'; locked' if locked else ''}.",
        meeting_id=row.id,
        request_id=request.id,
        after={"slot_id": slot.id, "table": after.table, "locked": locked},
    )
    if _is_published(schedule):
        _tell(
            schedule.event,
            request,
            "meeting_added",
            "Your meeting with {other} is scheduled",
            when=_where(schedule, after),
        )
    db.session.flush()
    return row


# --- Late requests -------------------------------------------------------------------------


def _not_scheduled_in(run_id: int):
    return ~exists().where(
        ScheduledMeeting.run_id == run_id,
        ScheduledMeeting.request_id == MeetingRequest.id,
        ScheduledMeeting.state == MeetingState.SCHEDULED,
    )


def _accepted_between_approved(event: Event) -> Select[tuple[MeetingRequest]]:
    sender = aliased(Participant)
    recipient = aliased(Participant)
    return (
        select(MeetingRequest)
        .join(sender, sender.id == MeetingRequest.sender_id)
        .join(recipient, recipient.id == MeetingRequest.recipient_id)
        .where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.status == RequestStatus.ACCEPTED,
            sender.status == ParticipantStatus.APPROVED,
            recipient.status == ParticipantStatus.APPROVED,
        )
        .options(
            selectinload(MeetingRequest.sender).selectinload(Participant.organisation),
            selectinload(MeetingRequest.recipient).selectinload(Participant.organisation),
        )
        .order_by(MeetingRequest.responded_at, MeetingRequest.id)
    )


def waiting_requests(event: Event, participant: Participant | None = None) -> list[MeetingRequest]:
    """Accepted requests without a meeting in the published schedule: "waiting for a slot".

    Empty before publication (then every accepted request waits for the first run). Includes
    requests accepted after publication and those the published run left out (its
    UnscheduledRequest rows say why). With `participant`, only theirs. Requests with a side
    that is no longer an approved participant cannot be scheduled and are not listed.
    """
    if event.published_run_id is None:
        return []
    statement = _accepted_between_approved(event).where(_not_scheduled_in(event.published_run_id))
    if participant is not None:
        statement = statement.where(
            or_(
                MeetingRequest.sender_id == participant.id,
                MeetingRequest.recipient_id == participant.id,
            )
        )
    return list(db.session.scalars(statement))


@dataclass(frozen=True)
class Unplaced:
    request: MeetingRequest
    reason: str | None  # the run's reason, when it considered the request


def unplaced_requests(run: ScheduleRun) -> list[Unplaced]:
    """Accepted requests without a scheduled meeting in `run`, with the run's reason if any."""
    requests = db.session.scalars(
        _accepted_between_approved(run.event).where(_not_scheduled_in(run.id))
    ).all()
    reasons = dict(
        db.session.execute(
            select(UnscheduledRequest.request_id, UnscheduledRequest.reason).where(
                UnscheduledRequest.run_id == run.id
            )
        ).all()
    )
    return [Unplaced(request, reasons.get(request.id)) for request in requests]


def place_late_request(
    request: MeetingRequest, *, user: User | None = None
) -> ScheduledMeeting | None:
    """Hook: a request just became accepted. With automatic placement on, put it into the
    earliest slot of the published run where both sides are free and available and a table
    (their booth, or a shared one) is free, checked by the checker; tell both. Returns the
    meeting, or None when it stays waiting (placement off, nothing published, a run in
    progress, or no slot fits)."""
    event = request.event
    if not event.auto_place_late_requests or event.published_run_id is None:
        return None
    if request.status is not RequestStatus.ACCEPTED:
        return None
    run = db.session.get(ScheduleRun, event.published_run_id)
    if run is None:
        return None
    try:
        schedule = _begin(run)
    except EditError:
        return None  # a run is in progress: the request waits for it or for the organiser
    key = str(request.id)
    if key in schedule.rows or schedule.meeting(key) is None:
        return None
    _with_request(schedule, request)
    for slot_id in (slot.id for slot in schedule.problem.slots):
        proposed = dict(schedule.assignments)
        table = _free_table(schedule, proposed, key, slot_id)
        if table is None:
            continue
        proposed[key] = Assignment(key, slot_id, table)
        if _clashes(schedule, proposed, [key]):
            continue
        before = Counter(checker.check(schedule.problem, schedule.assignments.values()))
        if Counter(checker.check(schedule.problem, proposed.values())) - before:
            continue
        slot = schedule.slots[slot_id]
        return _add(
            schedule,
            request,
            slot,
            schedule.tables.get(table),
            locked=False,
            user=user,
            action="auto_place",
        )
    return None


def set_auto_place(event: Event, enabled: bool, *, user: User) -> Event:
    if event.auto_place_late_requests == enabled:
        return event
    event.auto_place_late_requests = enabled
    db.session.add(
        ScheduleChange(
            event_id=event.id,
            run_id=event.published_run_id,
            user_id=user.id,
            action="auto_place_on" if enabled else "auto_place_off",
            summary=(
                "Turned on automatic placement of late requests."
                if enabled
                else "Turned off automatic placement of late requests."
            ),
            details={},
        )
    )
    db.session.flush()
    return event


# --- A participant cancels a placed meeting ------------------------------------------------


def release_cancelled_request(
    request: MeetingRequest, acting: Participant, reason: str = ""
) -> ScheduledMeeting | None:
    """Hook: `acting` cancelled the accepted `request`. When it has a meeting in the
    published run, the meeting is cancelled (its slot and table free up), both sides get
    one e-mail saying so, and the audit log records it. Returns the meeting, or None when
    nothing was published for it (the caller then sends its usual cancellation mail)."""
    event = request.event
    if event.published_run_id is None:
        return None
    meeting = db.session.scalar(
        select(ScheduledMeeting)
        .where(
            ScheduledMeeting.run_id == event.published_run_id,
            ScheduledMeeting.request_id == request.id,
            ScheduledMeeting.state == MeetingState.SCHEDULED,
        )
        .with_for_update()
    )
    if meeting is None:
        return None
    run = meeting.run
    slot = db.session.get(Slot, meeting.slot_id)
    where = f"{describe_slot(event, slot)} ({meeting.table.place if meeting.table else 'no table'})"
    meeting.state = MeetingState.CANCELLED
    meeting.locked = False
    meeting.sequence += 1
    db.session.add(
        ScheduleChange(
            event_id=event.id,
            run_id=run.id,
            user_id=acting.user_id,
            action="cancel",
            summary=(
                f"{acting.full_name} cancelled the meeting of {request.sender.full_name} and "
                f"{request.recipient.full_name} at {where}; the slot is free."
            ),
            details={"meeting_id": meeting.id, "request_id": request.id, "by_participant": True},
        )
    )
    _tell(
        event,
        request,
        "meeting_cancelled",
        "Your meeting with {other} is cancelled",
        when=where,
        cancelled_by=acting,
        reason=reason,
    )
    db.session.flush()
    return meeting


# --- Lists ---------------------------------------------------------------------------------


def meeting_of_run(run: ScheduleRun, meeting_id: int) -> ScheduledMeeting | None:
    return db.session.scalar(
        select(ScheduledMeeting).where(
            ScheduledMeeting.run_id == run.id, ScheduledMeeting.id == meeting_id
        )
    )


def run_of_event(event: Event, run_id: int) -> ScheduleRun | None:
    return db.session.scalar(
        select(ScheduleRun).where(ScheduleRun.event_id == event.id, ScheduleRun.id == run_id)
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def run_meetings(run: ScheduleRun, q: str = "") -> Select[tuple[ScheduledMeeting]]:
    """The run's meetings (scheduled and cancelled) by slot and table; `q` matches a name or
    organisation of either side, or a table label."""
    statement = (
        select(ScheduledMeeting)
        .join(Slot, Slot.id == ScheduledMeeting.slot_id)
        .outerjoin(Table, Table.id == ScheduledMeeting.table_id)
        .where(ScheduledMeeting.run_id == run.id)
        .options(
            selectinload(ScheduledMeeting.request)
            .selectinload(MeetingRequest.sender)
            .selectinload(Participant.organisation),
            selectinload(ScheduledMeeting.request)
            .selectinload(MeetingRequest.recipient)
            .selectinload(Participant.organisation),
            selectinload(ScheduledMeeting.slot).selectinload(Slot.session),
            selectinload(ScheduledMeeting.table),
        )
        .order_by(Slot.starts_at, Table.position, Table.label, ScheduledMeeting.id)
    )
    q = (q or "").strip().lower()
    if q:
        pattern = f"%{_escape_like(q)}%"
        matching = (
            select(Participant.id)
            .join(Organisation, Organisation.id == Participant.organisation_id)
            .where(
                Participant.event_id == run.event_id,
                or_(
                    func.lower(Participant.first_name + " " + Participant.last_name).like(
                        pattern, escape="\\"
                    ),
                    func.lower(Organisation.name).like(pattern, escape="\\"),
                ),
            )
        )
        statement = statement.join(
            MeetingRequest, MeetingRequest.id == ScheduledMeeting.request_id
        ).where(
            or_(
                MeetingRequest.sender_id.in_(matching),
                MeetingRequest.recipient_id.in_(matching),
                and_(Table.id.is_not(None), func.lower(Table.label) == q),
            )
        )
    return statement


def scheduled_meetings_for_swap(
    run: ScheduleRun, meeting: ScheduledMeeting
) -> list[ScheduledMeeting]:
    return list(
        db.session.scalars(
            run_meetings(run).where(
                ScheduledMeeting.state == MeetingState.SCHEDULED,
                ScheduledMeeting.id != meeting.id,
            )
        )
    )


def schedule_changes(event: Event) -> Select[tuple[ScheduleChange]]:
    return (
        select(ScheduleChange)
        .where(ScheduleChange.event_id == event.id)
        .options(selectinload(ScheduleChange.user))
        .order_by(ScheduleChange.at.desc(), ScheduleChange.id.desc())
    )
