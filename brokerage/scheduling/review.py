"""Figures an organiser reviews before publishing a run, and the diff between two runs.

Everything here reads: a page loads a run's meetings once (`load_meetings`, with their slots,
tables, requests and participants joined) plus the event's slots and tables, and the rest is
computed in Python, so a review costs the same handful of queries at 10 or 10,000 meetings.

Breaks and table changes follow the solver's definitions (docs/scheduling.md and
`solver/checker.py`): a break is a run of idle slots strictly between two of a participant's
meetings in one session; a table change is a different table in the next slot of a session.
They are recomputed from the stored meetings, so a hand-edited run shows its real figures.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from brokerage.events.models import Event, MeetingSession, Slot, Table
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.registration.models import Participant
from brokerage.scheduling.models import (
    MeetingState,
    RunState,
    ScheduledMeeting,
    ScheduleRun,
    UnscheduledRequest,
)

# --- loading ---------------------------------------------------------------------------------


def _request_loads(path):
    return (
        path.joinedload(MeetingRequest.sender).joinedload(Participant.organisation),
        path.joinedload(MeetingRequest.recipient).joinedload(Participant.organisation),
    )


def load_meetings(run_id: int, *, with_users: bool = False) -> list[ScheduledMeeting]:
    """A run's meetings with slot, session, table, request and both participants: one query."""
    request_path = joinedload(ScheduledMeeting.request)
    options = [
        joinedload(ScheduledMeeting.slot).joinedload(Slot.session),
        joinedload(ScheduledMeeting.table),
        *_request_loads(request_path),
    ]
    if with_users:
        options += [
            joinedload(ScheduledMeeting.request)
            .joinedload(MeetingRequest.sender)
            .joinedload(Participant.user),
            joinedload(ScheduledMeeting.request)
            .joinedload(MeetingRequest.recipient)
            .joinedload(Participant.user),
        ]
    meetings = db.session.scalars(
        select(ScheduledMeeting).where(ScheduledMeeting.run_id == run_id).options(*options)
    ).unique()
    return sorted(meetings, key=lambda m: (m.slot.starts_at, m.table.position if m.table else 0))


def load_unscheduled(run_id: int) -> list[UnscheduledRequest]:
    rows = db.session.scalars(
        select(UnscheduledRequest)
        .where(UnscheduledRequest.run_id == run_id)
        .options(*_request_loads(joinedload(UnscheduledRequest.request)))
    ).unique()
    return list(rows)


def event_slots(event: Event) -> list[Slot]:
    return list(
        db.session.scalars(
            select(Slot)
            .join(Slot.session)
            .where(MeetingSession.event_id == event.id)
            .options(joinedload(Slot.session))
            .order_by(Slot.starts_at, Slot.id)
        )
    )


def event_tables(event: Event) -> list[Table]:
    return list(
        db.session.scalars(
            select(Table)
            .where(Table.event_id == event.id)
            .options(joinedload(Table.booth_owner))
            .order_by(Table.position, Table.id)
        )
    )


def event_runs(event: Event) -> list[ScheduleRun]:
    """Every run of the event, newest first."""
    return list(
        db.session.scalars(
            select(ScheduleRun)
            .where(ScheduleRun.event_id == event.id)
            .order_by(ScheduleRun.created_at.desc(), ScheduleRun.id.desc())
        )
    )


def run_of_event(event: Event, run_id: int) -> ScheduleRun | None:
    return db.session.scalar(
        select(ScheduleRun).where(ScheduleRun.id == run_id, ScheduleRun.event_id == event.id)
    )


# --- small helpers ---------------------------------------------------------------------------


def partner_of(meeting_request: MeetingRequest, participant_id: int) -> Participant:
    if meeting_request.sender_id == participant_id:
        return meeting_request.recipient
    return meeting_request.sender


def is_active(meeting: ScheduledMeeting) -> bool:
    """Scheduled, and its request still stands (a cancelled request frees the slot)."""
    return (
        meeting.state is MeetingState.SCHEDULED and meeting.request.status is RequestStatus.ACCEPTED
    )


def table_label(table: Table | None) -> str:
    if table is None:
        return "no table"
    return table.place


def status_in_words(run: ScheduleRun) -> str:
    """The run's state and the solver's verdict, as an organiser would say it."""
    if run.state is RunState.QUEUED:
        return "queued"
    if run.state is RunState.RUNNING:
        return "running"
    if run.state is RunState.FAILED:
        return "failed (see the log)"
    if run.solver_status == "INFEASIBLE":
        explanation = run.explanation.strip() or "the constraints contradict each other"
        return f"no schedule possible: {explanation}"
    if run.state is RunState.CANCELLED or run.solver_status in (None, "UNKNOWN"):
        return "stopped early"
    if run.solver_status == "OPTIMAL":
        return "proven optimal"
    return "good, not proven optimal"


def publish_refusal(run: ScheduleRun) -> str | None:
    """Why this run cannot be published, or None when it can."""
    if run.is_active:
        return "This run has not finished yet: wait for it, or cancel it, before publishing."
    if run.state is RunState.FAILED:
        return "This run failed and has no schedule to publish."
    if run.solver_status == "INFEASIBLE":
        return "This run found no possible schedule, so there is nothing to publish."
    if run.event.published_run_id == run.id:
        return "This run is already the published schedule."
    return None


# --- reasons ---------------------------------------------------------------------------------

# (category, words the solver's reason contains); the first match wins, so the order matters.
REASON_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Lock conflict", ("locked to",)),
    ("Meeting limit reached", ("max_meetings", "meetings allowed")),
    ("Diaries full", ("already has a meeting",)),
    ("No free table", ("shared tables",)),
    ("Time limit", ("time limit",)),
    ("Meeting order", ("precedence", "must come before")),
    ("Fairness cap", ("fairness",)),
    ("No common availability", ("available", "not registered")),
    ("Lower priority", ("higher-weight",)),
)
OTHER_REASON = "Other"


def reason_category(reason: str) -> str:
    text = reason.lower()
    for category, words in REASON_CATEGORIES:
        if any(word in text for word in words):
            return category
    return OTHER_REASON


# --- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantRow:
    participant: Participant
    meetings: int
    breaks: int
    table_changes: int
    first_start: datetime | None
    last_end: datetime | None


@dataclass(frozen=True)
class Totals:
    scheduled: int
    requests: int  # the accepted requests the run considered: scheduled + unscheduled
    cancelled: int
    weight: int | None
    bound: float | None
    breaks_total: int
    breaks_max: int
    table_changes: int
    wall_time: float | None
    status: str

    @property
    def scheduled_percent(self) -> float | None:
        return 100.0 * self.scheduled / self.requests if self.requests else None

    @property
    def weight_percent(self) -> float | None:
        """Scheduled weight against the proven bound: 100 % means nothing better exists."""
        if self.weight is None or not self.bound:
            return None
        return min(100.0, 100.0 * self.weight / self.bound)


def slot_positions(slots: Sequence[Slot]) -> dict[int, tuple[int, int]]:
    """slot id -> (session id, position within the session), slots in time order."""
    seen: Counter[int] = Counter()
    positions = {}
    for slot in sorted(slots, key=lambda s: (s.starts_at, s.id)):
        positions[slot.id] = (slot.session_id, seen[slot.session_id])
        seen[slot.session_id] += 1
    return positions


def participant_rows(
    meetings: Iterable[ScheduledMeeting],
    slots: Sequence[Slot],
    also: Iterable[Participant] = (),
) -> list[ParticipantRow]:
    """Meetings, breaks, table changes, first and last meeting of everyone with a meeting
    (and of `also`, e.g. participants whose requests were all left out), sorted by name."""
    positions = slot_positions(slots)
    held: dict[int, list[ScheduledMeeting]] = defaultdict(list)
    people: dict[int, Participant] = {person.id: person for person in also}
    for meeting in meetings:
        if not is_active(meeting):
            continue
        for person in (meeting.request.sender, meeting.request.recipient):
            held[person.id].append(meeting)
            people[person.id] = person
    rows = []
    for person_id, person in people.items():
        mine = sorted(held.get(person_id, []), key=lambda m: (m.slot.starts_at, m.slot_id))
        breaks = changes = 0
        for before, later in itertools.pairwise(mine):
            session_before, position_before = positions.get(before.slot_id, (None, 0))
            session_later, position_later = positions.get(later.slot_id, (None, 0))
            if session_before != session_later or session_before is None:
                continue
            if position_later > position_before + 1:
                breaks += 1
            elif position_later == position_before + 1 and before.table_id != later.table_id:
                changes += 1
        rows.append(
            ParticipantRow(
                participant=person,
                meetings=len(mine),
                breaks=breaks,
                table_changes=changes,
                first_start=mine[0].slot.starts_at if mine else None,
                last_end=mine[-1].slot.ends_at if mine else None,
            )
        )
    rows.sort(key=lambda row: (row.participant.last_name.casefold(), row.participant.id))
    return rows


def totals(
    run: ScheduleRun,
    meetings: Sequence[ScheduledMeeting],
    unscheduled: Sequence[UnscheduledRequest],
    rows: Sequence[ParticipantRow],
) -> Totals:
    figures = run.figures or {}
    active = [m for m in meetings if is_active(m)]
    weight = figures.get("scheduled_weight")
    bound = figures.get("best_bound")
    wall_time = figures.get("wall_time")
    return Totals(
        scheduled=len(active),
        requests=len(meetings) + len(unscheduled),
        cancelled=len(meetings) - len(active),
        weight=int(weight) if isinstance(weight, (int, float)) else None,
        bound=float(bound) if isinstance(bound, (int, float)) else None,
        breaks_total=sum(row.breaks for row in rows),
        breaks_max=max((row.breaks for row in rows), default=0),
        table_changes=sum(row.table_changes for row in rows),
        wall_time=float(wall_time) if isinstance(wall_time, (int, float)) else None,
        status=status_in_words(run),
    )


# --- heat map and histogram ------------------------------------------------------------------


@dataclass(frozen=True)
class HeatCell:
    meeting: ScheduledMeeting | None

    @property
    def title(self) -> str:
        if self.meeting is None:
            return "free"
        request = self.meeting.request
        return f"{request.sender.full_name} – {request.recipient.full_name}"


@dataclass(frozen=True)
class HeatRow:
    slot: Slot
    cells: list[HeatCell]
    used: int


@dataclass(frozen=True)
class HeatSession:
    session: MeetingSession
    rows: list[HeatRow]


@dataclass(frozen=True)
class HeatMap:
    tables: list[Table]
    sessions: list[HeatSession]
    column_used: list[int]
    without_table: int  # active meetings with no table (their table was deleted)

    @property
    def capacity(self) -> int:
        return len(self.tables) * sum(len(group.rows) for group in self.sessions)

    @property
    def used(self) -> int:
        return sum(self.column_used)


def heat_map(
    meetings: Iterable[ScheduledMeeting], slots: Sequence[Slot], tables: Sequence[Table]
) -> HeatMap:
    """Slot × table occupancy: rows are slots grouped by session, columns tables and booths."""
    at: dict[tuple[int, int], ScheduledMeeting] = {}
    without_table = 0
    for meeting in meetings:
        if not is_active(meeting):
            continue
        if meeting.table_id is None:
            without_table += 1
        else:
            at[meeting.slot_id, meeting.table_id] = meeting
    column_used = [0] * len(tables)
    groups: dict[int, HeatSession] = {}
    for slot in sorted(slots, key=lambda s: (s.starts_at, s.id)):
        cells = [HeatCell(at.get((slot.id, table.id))) for table in tables]
        for index, cell in enumerate(cells):
            column_used[index] += cell.meeting is not None
        row = HeatRow(slot=slot, cells=cells, used=sum(c.meeting is not None for c in cells))
        groups.setdefault(slot.session_id, HeatSession(slot.session, [])).rows.append(row)
    return HeatMap(
        tables=list(tables),
        sessions=list(groups.values()),
        column_used=column_used,
        without_table=without_table,
    )


@dataclass(frozen=True)
class Histogram:
    """How many participants have 0, 1, 2, ... meetings: `counts[k]` have k meetings."""

    counts: list[int]

    @property
    def participants(self) -> int:
        return sum(self.counts)


def histogram(rows: Iterable[ParticipantRow]) -> Histogram:
    per_count = Counter(row.meetings for row in rows)
    most = max(per_count, default=0)
    return Histogram([per_count.get(k, 0) for k in range(most + 1)])


# --- diff ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    before: ScheduledMeeting
    after: ScheduledMeeting

    @property
    def request(self) -> MeetingRequest:
        return self.after.request


@dataclass
class Diff:
    """What changes from schedule `before` to `after`, meetings matched by request."""

    added: list[ScheduledMeeting] = field(default_factory=list)
    moved: list[Move] = field(default_factory=list)
    removed: list[ScheduledMeeting] = field(default_factory=list)  # no longer in the schedule
    cancelled: list[ScheduledMeeting] = field(default_factory=list)  # kept, as cancelled
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.moved) + len(self.removed) + len(self.cancelled)

    def for_participant(self, participant_id: int) -> Diff:
        def mine(meeting: ScheduledMeeting) -> bool:
            return meeting.request.involves(participant_id)

        return Diff(
            added=[m for m in self.added if mine(m)],
            moved=[move for move in self.moved if mine(move.after)],
            removed=[m for m in self.removed if mine(m)],
            cancelled=[m for m in self.cancelled if mine(m)],
        )

    def participant_ids(self) -> set[int]:
        ids: set[int] = set()
        for meeting in [*self.added, *self.removed, *self.cancelled] + [
            move.after for move in self.moved
        ]:
            ids.update((meeting.request.sender_id, meeting.request.recipient_id))
        return ids


def diff_meetings(before: Iterable[ScheduledMeeting], after: Iterable[ScheduledMeeting]) -> Diff:
    before_by_request = {m.request_id: m for m in before}
    after_by_request = {m.request_id: m for m in after}
    diff = Diff()
    for request_id, new in after_by_request.items():
        old = before_by_request.get(request_id)
        old_active = old is not None and is_active(old)
        if not is_active(new):
            if old_active:
                diff.cancelled.append(new)
            continue
        if not old_active:
            diff.added.append(new)
        elif (old.slot_id, old.table_id) != (new.slot_id, new.table_id):
            diff.moved.append(Move(old, new))
        else:
            diff.unchanged += 1
    for request_id, old in before_by_request.items():
        if request_id not in after_by_request and is_active(old):
            diff.removed.append(old)
    return diff


# --- the review page as a whole --------------------------------------------------------------


@dataclass(frozen=True)
class UnscheduledRow:
    request: MeetingRequest
    reason: str
    category: str


@dataclass(frozen=True)
class Review:
    run: ScheduleRun
    meetings: list[ScheduledMeeting]
    unscheduled: list[UnscheduledRow]
    rows: list[ParticipantRow]
    totals: Totals
    heat_map: HeatMap
    histogram: Histogram
    published_run: ScheduleRun | None
    diff: Diff | None  # against the published run; None when nothing is published

    @property
    def reason_counts(self) -> Counter[str]:
        return Counter(row.category for row in self.unscheduled)


def review(run: ScheduleRun, slots: Sequence[Slot], tables: Sequence[Table]) -> Review:
    """Every figure of the review page for one run (the caller loads slots and tables once)."""
    event = run.event
    meetings = load_meetings(run.id)
    unscheduled_rows = load_unscheduled(run.id)
    left_out = [
        person for row in unscheduled_rows for person in (row.request.sender, row.request.recipient)
    ]
    rows = participant_rows(meetings, slots, also=left_out)
    published = None
    diff = None
    if event.published_run_id is not None and event.published_run_id != run.id:
        published = db.session.get(ScheduleRun, event.published_run_id)
        diff = diff_meetings(load_meetings(event.published_run_id), meetings)
    return Review(
        run=run,
        meetings=meetings,
        unscheduled=sorted(
            (
                UnscheduledRow(row.request, row.reason, reason_category(row.reason))
                for row in unscheduled_rows
            ),
            key=lambda row: (row.category, row.request.sender.last_name, row.request.id),
        ),
        rows=rows,
        totals=totals(run, meetings, unscheduled_rows, rows),
        heat_map=heat_map(meetings, slots, tables),
        histogram=histogram(rows),
        published_run=published,
        diff=diff,
    )
