"""The app side of scheduling: database rows in, the solver's plain Problem out, and back.

`build_problem(event)` reads the event's accepted requests, approved participants,
availability, slots, tables, booths and locks in a constant number of queries and returns
the solver's `Problem` with the id maps needed to save the answer. `save_result(run, build,
result)` writes the run's meetings, unscheduled requests and figures in bulk. Both flush and
never commit: the caller (a view, the CLI, or the background job) owns the transaction.

Ids: every solver id is the string of a database id — slot "17" is `Slot.id == 17`, meeting
"42" is `MeetingRequest.id == 42`, participant "5" is `Participant.id == 5`. Shared tables
go by label (`Table.label`), since the solver names tables by label.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select

from brokerage.availability.services import available_slots_by_participant
from brokerage.db_types import utcnow
from brokerage.events.models import Event, MeetingSession, Slot, Table
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest, RequestPriority, RequestStatus
from brokerage.registration.models import Organisation, Participant, ParticipantStatus
from brokerage.scheduling.models import (
    MeetingState,
    RunMode,
    RunState,
    ScheduledMeeting,
    ScheduleRun,
    UnscheduledRequest,
)
from brokerage.scheduling.solver.problem import Meeting as ProblemMeeting
from brokerage.scheduling.solver.problem import Participant as ProblemParticipant
from brokerage.scheduling.solver.problem import Problem
from brokerage.scheduling.solver.problem import Slot as ProblemSlot

if TYPE_CHECKING:
    from brokerage.scheduling.solver.problem import Result

# Meeting weights: what the solver maximises is the sum of the weights of the meetings it
# places, so a heavier meeting wins a contested slot. A normal request weighs 1; both sides
# having asked for it (mutual) adds 1; a must-meet priority adds 2. A meeting an organiser
# arranged on behalf of both participants counts as must-meet.
WEIGHT_NORMAL = 1
WEIGHT_MUTUAL_BONUS = 1
WEIGHT_MUST_MEET_BONUS = 2


class ScheduleError(Exception):
    """A scheduling operation was refused; the message is meant for the organiser."""


def whole_bound(bound: float | None) -> int | None:
    """A proven upper bound on an integer weight, as people read it: rounded down.

    Solvers report bounds with float noise (635.0000645); the weight cannot exceed the floor.
    """
    return None if bound is None else math.floor(bound + 1e-6)


def lock_schedule(event: Event) -> None:
    """Serialise starting a run and editing a schedule of one event.

    Both take this row lock on the event first (PostgreSQL; SQLite has one writer anyway), so
    a run starting while an organiser saves an edit either sees the edit or makes it wait and
    refuse. FOR NO KEY UPDATE leaves the foreign-key share locks of other inserts alone.
    """
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update(key_share=True))


def weight_of(*, mutual: bool, priority: RequestPriority, arranged: bool) -> int:
    weight = WEIGHT_NORMAL
    if mutual:
        weight += WEIGHT_MUTUAL_BONUS
    if priority is RequestPriority.MUST_MEET or arranged:
        weight += WEIGHT_MUST_MEET_BONUS
    return weight


def meeting_weight(request: MeetingRequest) -> int:
    """The solver weight of an accepted request (see the WEIGHT_ constants)."""
    return weight_of(
        mutual=request.mutual,
        priority=request.priority,
        arranged=request.created_by_organiser_id is not None,
    )


@dataclass(frozen=True)
class ProblemBuild:
    """A solver Problem plus what is needed to turn its Result back into rows.

    - `problem`: the solver's input.
    - `previous`: meeting id -> slot id of the run to stay close to (SolveOptions.previous).
    - `seats`: meeting id -> (slot id, table label) in the published or previous run, so a
      meeting that stays in its slot keeps its table (SolveOptions.previous_seats).
    - `table_ids`: table label -> Table.id, for shared tables and booths alike.
    - `locked`: meeting ids whose slot is fixed because their ScheduledMeeting is locked.
    - `kept`: meeting ids fixed because INCREMENTAL mode keeps the published meeting
      (locked ones are in both sets).
    - `base_run_id`: the run whose locks (and, in INCREMENTAL mode, meetings) were kept.
    """

    problem: Problem
    previous: dict[str, str] = field(default_factory=dict)
    seats: dict[str, tuple[str, str]] = field(default_factory=dict)
    table_ids: dict[str, int] = field(default_factory=dict)
    locked: frozenset[str] = frozenset()
    kept: frozenset[str] = frozenset()
    base_run_id: int | None = None
    mode: RunMode = RunMode.FULL

    @staticmethod
    def slot_id(solver_slot: str) -> int:
        return int(solver_slot)

    @staticmethod
    def request_id(solver_meeting: str) -> int:
        return int(solver_meeting)


def _run_meetings(run_id: int) -> list[tuple[int, int, bool, str | None]]:
    """(request id, slot id, locked, table label) of a run's scheduled meetings."""
    rows = db.session.execute(
        select(
            ScheduledMeeting.request_id,
            ScheduledMeeting.slot_id,
            ScheduledMeeting.locked,
            Table.label,
        )
        .outerjoin(Table, Table.id == ScheduledMeeting.table_id)
        .where(
            ScheduledMeeting.run_id == run_id,
            ScheduledMeeting.state == MeetingState.SCHEDULED,
        )
    )
    return [tuple(row) for row in rows]


def build_problem(
    event: Event,
    *,
    mode: RunMode = RunMode.FULL,
    fairness_cap: int | None = None,
    previous_run: ScheduleRun | None = None,
) -> ProblemBuild:
    """The event's scheduling problem, exactly as the database has it, in seven queries.

    - Slots: every slot of every session, in time order; the solver's session is the
      session id.
    - Tables: booths (a table with `booth_owner_id`) are their owner's `Participant.booth`;
      every other table is a shared table, its label in `Problem.table_labels` in position
      order.
    - Meetings: the accepted requests whose two sides are both approved participants
      (pending, declined, cancelled and expired requests, and requests with a pending,
      rejected or cancelled side, are left out). Weights: see `meeting_weight`.
    - Participants: the approved participants in at least one of those meetings, with
      `max_meetings` from the event, their booth, and the slots they cannot meet in (the
      complement of `available_slots_by_participant`).
    - Locks: a locked, scheduled meeting of the base run keeps its slot (`fixed_slot`) in
      every mode. The base run is the event's published run, or else `previous_run`.
    - INCREMENTAL mode (needs a published run): every scheduled meeting of the published run
      whose request is still accepted keeps its slot; the other accepted requests (new ones,
      and ones the published run left out or an organiser cancelled) are placed around them.
    - Stability: `previous_run`'s slots become `ProblemBuild.previous`, for
      `SolveOptions.previous` (the solver keeps meetings there where it can).

    A fixed meeting whose slot is no longer among the event's slots (a session was edited
    away) is not fixed: the solver places it afresh.
    """
    if mode is RunMode.INCREMENTAL and event.published_run_id is None:
        raise ScheduleError(
            "An incremental run keeps the published schedule, and none is published yet: "
            "run a full schedule first."
        )

    # 1. Slots in time order, with their session.
    slot_rows = db.session.execute(
        select(Slot.id, Slot.session_id, Slot.starts_at, Slot.ends_at)
        .join(MeetingSession, MeetingSession.id == Slot.session_id)
        .where(MeetingSession.event_id == event.id)
        .order_by(Slot.starts_at, Slot.id)
    ).all()
    slots = tuple(
        ProblemSlot(
            id=str(slot_id),
            session=str(session_id),
            start=starts_at.isoformat(),
            end=ends_at.isoformat(),
        )
        for slot_id, session_id, starts_at, ends_at in slot_rows
    )
    slot_set = {slot.id for slot in slots}
    all_slot_ids = frozenset(slot_set)

    # 2. Tables: booths and shared tables.
    table_rows = db.session.execute(
        select(Table.id, Table.label, Table.booth_owner_id)
        .where(Table.event_id == event.id)
        .order_by(Table.position, Table.id)
    ).all()
    table_ids = {label: table_id for table_id, label, _ in table_rows}
    booth_of = {owner: label for _, label, owner in table_rows if owner is not None}
    shared_labels = tuple(label for _, label, owner in table_rows if owner is None)

    # 3. Approved participants, with a name for the solver's reasons.
    participant_rows = db.session.execute(
        select(Participant.id, Participant.first_name, Participant.last_name, Organisation.name)
        .join(Organisation, Organisation.id == Participant.organisation_id)
        .where(Participant.event_id == event.id, Participant.status == ParticipantStatus.APPROVED)
    ).all()
    names = {
        pid: f"{first} {last} ({organisation})".strip()
        for pid, first, last, organisation in participant_rows
    }

    # 4. Accepted requests between approved participants (columns only: no ORM objects for
    # thousands of rows).
    request_rows = db.session.execute(
        select(
            MeetingRequest.id,
            MeetingRequest.sender_id,
            MeetingRequest.recipient_id,
            MeetingRequest.mutual,
            MeetingRequest.priority,
            MeetingRequest.created_by_organiser_id,
        )
        .where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.status == RequestStatus.ACCEPTED,
        )
        .order_by(MeetingRequest.id)
    ).all()
    requests = [r for r in request_rows if r.sender_id in names and r.recipient_id in names]

    # 5–6. Availability (two queries, see availability.services).
    available = available_slots_by_participant(event)

    # 7. Locks and kept meetings of the base run; the previous run's slots.
    published_id = event.published_run_id
    base_run_id = (
        published_id
        if published_id is not None
        else (previous_run.id if previous_run is not None else None)
    )
    fixed: dict[str, str] = {}
    locked: set[str] = set()
    kept: set[str] = set()
    base_rows = _run_meetings(base_run_id) if base_run_id is not None else []
    for request_id, slot_id, is_locked, _table in base_rows:
        if str(slot_id) not in slot_set:
            continue
        if is_locked:
            locked.add(str(request_id))
            fixed[str(request_id)] = str(slot_id)
        elif mode is RunMode.INCREMENTAL:
            kept.add(str(request_id))
            fixed[str(request_id)] = str(slot_id)
    kept |= locked if mode is RunMode.INCREMENTAL else set()
    previous: dict[str, str] = {}
    previous_rows: list[tuple[int, int, bool, str | None]] = []
    if previous_run is not None:
        previous_rows = (
            base_rows if previous_run.id == base_run_id else _run_meetings(previous_run.id)
        )
        previous = {str(request_id): str(slot_id) for request_id, slot_id, *_ in previous_rows}
    # Where meetings sat: the base run's seats win (they are what people were told).
    seats: dict[str, tuple[str, str]] = {}
    for request_id, slot_id, _locked, table in [*previous_rows, *base_rows]:
        if table is not None:
            seats[str(request_id)] = (str(slot_id), table)

    meetings = tuple(
        ProblemMeeting(
            id=str(request.id),
            a=str(request.sender_id),
            b=str(request.recipient_id),
            weight=weight_of(
                mutual=request.mutual,
                priority=request.priority,
                arranged=request.created_by_organiser_id is not None,
            ),
            fixed_slot=fixed.get(str(request.id)),
        )
        for request in requests
    )
    accepted_ids = {meeting.id for meeting in meetings}
    involved = {request.sender_id for request in requests} | {
        request.recipient_id for request in requests
    }
    participants = tuple(
        ProblemParticipant(
            id=str(pid),
            max_meetings=event.max_meetings_per_participant,
            booth=booth_of.get(pid),
            unavailable=all_slot_ids - {str(slot_id) for slot_id in available.get(pid, ())},
            name=names[pid],
        )
        for pid in sorted(involved)
    )
    problem = Problem(
        slots=slots,
        participants=participants,
        meetings=meetings,
        shared_tables=len(shared_labels),
        fairness_max_break_spread=fairness_cap,
        table_labels=shared_labels or None,
    )
    return ProblemBuild(
        problem=problem,
        previous={m: s for m, s in previous.items() if m in accepted_ids and s in slot_set},
        seats={m: seat for m, seat in seats.items() if m in accepted_ids},
        table_ids=table_ids,
        locked=frozenset(locked & accepted_ids),
        kept=frozenset(kept & accepted_ids),
        base_run_id=base_run_id,
        mode=mode,
    )


def save_result(
    run: ScheduleRun,
    build: ProblemBuild,
    result: Result,
    *,
    state: RunState = RunState.FINISHED,
) -> None:
    """Write a solver Result as the run's meetings, unscheduled requests and figures.

    Bulk inserts (one statement per table, whatever the number of meetings); flushes and
    never commits, so the caller writes the whole schedule in one transaction or nothing.
    A run is saved once: anything it already held is replaced.
    """
    now = utcnow()
    db.session.flush()
    db.session.execute(delete(ScheduledMeeting).where(ScheduledMeeting.run_id == run.id))
    db.session.execute(delete(UnscheduledRequest).where(UnscheduledRequest.run_id == run.id))
    meeting_rows = [
        {
            "run_id": run.id,
            "request_id": build.request_id(assignment.meeting),
            "slot_id": build.slot_id(assignment.slot),
            "table_id": build.table_ids.get(assignment.table),
            "state": MeetingState.SCHEDULED,
            "locked": assignment.meeting in build.locked,
            "sequence": 0,
            "placed_by_hand": False,
            "updated_at": now,
        }
        for assignment in result.assignments
    ]
    if meeting_rows:
        db.session.execute(insert(ScheduledMeeting), meeting_rows)
    unscheduled_rows = [
        {"run_id": run.id, "request_id": build.request_id(item.meeting), "reason": item.reason}
        for item in result.unscheduled
    ]
    if unscheduled_rows:
        db.session.execute(insert(UnscheduledRequest), unscheduled_rows)

    figures: dict[str, Any] = dataclasses.asdict(result.figures)
    figures.update(
        requested=len(build.problem.meetings),
        requested_weight=sum(m.weight for m in build.problem.meetings),
        participants=len(build.problem.participants),
        slots=len(build.problem.slots),
        shared_tables=build.problem.shared_tables,
        locked=len(build.locked),
        kept=len(build.kept),
        unscheduled=len(result.unscheduled),
        meetings_histogram=dict(
            sorted(Counter(f.meetings for f in result.per_participant.values()).items())
        ),
        per_participant={pid: dataclasses.asdict(f) for pid, f in result.per_participant.items()},
    )
    run.figures = figures
    run.solver_status = str(result.status)
    run.explanation = "\n".join(result.explanation)
    if result.log:
        run.log = "\n".join(filter(None, [run.log, *result.log]))
    run.state = state
    run.finished_at = now
    db.session.flush()


# --- readiness ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverbookedParticipant:
    participant_id: int
    name: str
    accepted: int
    available: int


@dataclass(frozen=True)
class Readiness:
    """The figures an organiser checks before a run, with warnings they can act on."""

    accepted_requests: int
    requested_weight: int
    participants: int
    slots: int
    sessions: int
    shared_tables: int
    booths: int
    capacity: int  # meetings the shared tables can hold: shared tables × slots
    left_out_requests: int  # accepted, but a side is not (or no longer) approved
    overbooked: list[OverbookedParticipant]  # more accepted meetings than available slots
    over_limit: int  # more accepted meetings than the event's maximum per participant
    max_meetings: int | None
    warnings: list[str]

    @property
    def can_run(self) -> bool:
        return self.accepted_requests > 0 and self.slots > 0


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def readiness(event: Event) -> Readiness:
    """Readiness figures, from the same Problem a run would solve (constant queries)."""
    build = build_problem(event)
    problem = build.problem
    all_accepted = db.session.scalar(
        select(func.count(MeetingRequest.id)).where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.status == RequestStatus.ACCEPTED,
        )
    )
    left_out = all_accepted - len(problem.meetings)
    accepted_count: Counter[str] = Counter()
    for meeting in problem.meetings:
        accepted_count[meeting.a] += 1
        accepted_count[meeting.b] += 1
    overbooked = sorted(
        (
            OverbookedParticipant(
                participant_id=int(p.id),
                name=p.name or p.id,
                accepted=accepted_count[p.id],
                available=len(problem.slots) - len(p.unavailable),
            )
            for p in problem.participants
            if accepted_count[p.id] > len(problem.slots) - len(p.unavailable)
        ),
        key=lambda item: (item.available - item.accepted, item.name),
    )
    limit = event.max_meetings_per_participant
    over_limit = (
        sum(1 for count in accepted_count.values() if count > limit) if limit is not None else 0
    )
    booths = len(build.table_ids) - problem.shared_tables
    capacity = problem.shared_tables * len(problem.slots)
    sessions = len({slot.session for slot in problem.slots})
    # A meeting with an exhibitor takes place at their booth, not at a shared table.
    hosts = {p.id for p in problem.participants if p.booth is not None}
    booth_meetings = sum(1 for m in problem.meetings if m.a in hosts or m.b in hosts)

    warnings: list[str] = []
    if not problem.slots:
        warnings.append("The event has no slots yet: add sessions under “Sessions & slots”.")
    if not build.table_ids:
        warnings.append("The event has no tables yet: add them under “Tables & booths”.")
    if not problem.meetings:
        warnings.append("There are no accepted meeting requests to schedule yet.")
    if capacity and len(problem.meetings) - booth_meetings > capacity:
        warnings.append(
            f"{_plural(len(problem.meetings) - booth_meetings, 'meeting')} need a shared table "
            f"but the shared tables hold {capacity}: add tables or slots, or some will be "
            "left out."
        )
    if overbooked:
        warnings.append(
            f"{_plural(len(overbooked), 'participant has', 'participants have')} more accepted "
            "meetings than available slots: some of their meetings will be left out unless "
            "they free more time."
        )
    if over_limit:
        warnings.append(
            f"{_plural(over_limit, 'participant has', 'participants have')} more accepted "
            f"meetings than the event's maximum of {limit} per participant: the run keeps "
            f"{limit} each."
        )
    if left_out:
        warnings.append(
            f"{_plural(left_out, 'accepted request involves', 'accepted requests involve')} "
            "a participant who is not approved: they are left out of the run."
        )
    return Readiness(
        accepted_requests=len(problem.meetings),
        requested_weight=sum(m.weight for m in problem.meetings),
        participants=len(problem.participants),
        slots=len(problem.slots),
        sessions=sessions,
        shared_tables=problem.shared_tables,
        booths=booths,
        capacity=capacity,
        left_out_requests=left_out,
        overbooked=overbooked,
        over_limit=over_limit,
        max_meetings=limit,
        warnings=warnings,
    )
