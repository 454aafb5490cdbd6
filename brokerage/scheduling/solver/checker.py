"""An independent checker for schedules.

Written from the definitions in `problem.py`, without looking at the CP-SAT model, so that a
bug in the model and the same bug here are unlikely to cancel out. `check()` lists every
hard-constraint violation in words; `evaluate()` recomputes the figures of a schedule.

Definitions used throughout (they are the project's, see docs/scheduling.md):

- Slots are ordered as in `Problem.slots`. Two slots are *consecutive* when they belong to
  the same session and no other slot of that session lies between them.
- A *break* is a maximal run of idle slots strictly between two meetings of one participant
  within one session. A lunch between sessions is not a break.
- A meeting is *at a booth* when either participant has one (if both do, `a`'s booth). Booth
  meetings do not use shared tables.
- A *table change* is counted for a participant with meetings in two consecutive slots who
  sits at a different table in the second.
- Fairness (`fairness_max_break_spread` = d): for every participant p of the problem,
  breaks(p) - min over all participants of breaks <= d.
- A meeting with `fixed_slot` must be scheduled, in that slot.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from brokerage.scheduling.solver.problem import (
    Assignment,
    Figures,
    Meeting,
    ParticipantFigures,
    Problem,
)


def _booth_of(meeting: Meeting, booths: Mapping[str, str | None]) -> str | None:
    """The booth a meeting takes place at, or None for a shared table."""
    return booths.get(meeting.a) or booths.get(meeting.b)


def _shared_labels(problem: Problem) -> tuple[str, ...]:
    if problem.table_labels is not None:
        return tuple(problem.table_labels)
    most = max([problem.shared_tables, *problem.tables_per_slot.values()])
    return tuple(str(number) for number in range(1, most + 1))


def _session_positions(problem: Problem) -> dict[str, tuple[str, int]]:
    """slot id -> (session, position of the slot within its session)."""
    positions: dict[str, tuple[str, int]] = {}
    seen_in_session: Counter[str] = Counter()
    for slot in problem.slots:
        positions[slot.id] = (slot.session, seen_in_session[slot.session])
        seen_in_session[slot.session] += 1
    return positions


def _breaks_by_participant(
    problem: Problem, slot_of: Mapping[str, str], meetings: Mapping[str, Meeting]
) -> dict[str, int]:
    positions = _session_positions(problem)
    busy: dict[tuple[str, str], list[int]] = defaultdict(list)  # (participant, session)
    for meeting_id, slot_id in slot_of.items():
        meeting = meetings[meeting_id]
        session, position = positions[slot_id]
        for person in (meeting.a, meeting.b):
            busy[person, session].append(position)
    breaks: dict[str, int] = {participant.id: 0 for participant in problem.participants}
    for (person, _session), taken in busy.items():
        taken.sort()
        gaps = sum(1 for before, later in itertools.pairwise(taken) if later > before + 1)
        breaks[person] = breaks.get(person, 0) + gaps
    return breaks


def _known_assignments(
    problem: Problem, assignments: Iterable[Assignment]
) -> tuple[list[Assignment], list[str]]:
    """Split assignments into those naming a known meeting and slot, and complaints."""
    meeting_ids = {meeting.id for meeting in problem.meetings}
    slot_ids = {slot.id for slot in problem.slots}
    known: list[Assignment] = []
    complaints: list[str] = []
    for assignment in assignments:
        problems_here = []
        if assignment.meeting not in meeting_ids:
            problems_here.append(f"assignment names unknown meeting {assignment.meeting!r}")
        if assignment.slot not in slot_ids:
            problems_here.append(
                f"meeting {assignment.meeting!r} is assigned to unknown slot {assignment.slot!r}"
            )
        if problems_here:
            complaints.extend(problems_here)
        else:
            known.append(assignment)
    return known, complaints


def check(problem: Problem, assignments: Iterable[Assignment]) -> list[str]:
    """Every hard-constraint violation of `assignments` for `problem`, in words.

    An empty list means the schedule is valid. Meetings left out of `assignments` are
    unscheduled, which is only a violation for mandatory or fixed meetings.
    """
    meetings = {meeting.id: meeting for meeting in problem.meetings}
    participants = {participant.id: participant for participant in problem.participants}
    booths = {participant.id: participant.booth for participant in problem.participants}
    slot_order = {slot.id: index for index, slot in enumerate(problem.slots)}
    shared_labels = _shared_labels(problem)

    known, violations = _known_assignments(problem, assignments)

    # Meeting assigned twice: keep the first for the remaining checks.
    slot_of: dict[str, str] = {}
    table_of: dict[str, str] = {}
    for assignment in known:
        if assignment.meeting in slot_of:
            violations.append(
                f"meeting {assignment.meeting!r} is assigned more than once "
                f"(slots {slot_of[assignment.meeting]!r} and {assignment.slot!r})"
            )
            continue
        slot_of[assignment.meeting] = assignment.slot
        table_of[assignment.meeting] = assignment.table

    for meeting_id, slot_id in slot_of.items():
        meeting = meetings[meeting_id]
        for person in (meeting.a, meeting.b):
            participant = participants.get(person)
            if participant is None:
                violations.append(f"meeting {meeting_id!r} involves unknown participant {person!r}")
            elif slot_id in participant.unavailable:
                violations.append(
                    f"meeting {meeting_id!r} is in slot {slot_id!r}, "
                    f"where participant {person!r} is unavailable"
                )
        if meeting.allowed_slots is not None and slot_id not in meeting.allowed_slots:
            violations.append(
                f"meeting {meeting_id!r} is in slot {slot_id!r}, which it may not use"
            )
        if meeting.fixed_slot is not None and slot_id != meeting.fixed_slot:
            violations.append(
                f"meeting {meeting_id!r} is fixed to slot {meeting.fixed_slot!r} "
                f"but is in slot {slot_id!r}"
            )

    # Participant double-booked.
    in_slot: dict[tuple[str, str], list[str]] = defaultdict(list)
    for meeting_id, slot_id in slot_of.items():
        meeting = meetings[meeting_id]
        for person in {meeting.a, meeting.b}:
            in_slot[person, slot_id].append(meeting_id)
    for (person, slot_id), held in sorted(in_slot.items()):
        if len(held) > 1:
            violations.append(
                f"participant {person!r} has {len(held)} meetings in slot {slot_id!r}: "
                + ", ".join(repr(meeting_id) for meeting_id in sorted(held))
            )

    # Tables: booths, shared capacity, and no two meetings at one table at once.
    shared_in_slot: Counter[str] = Counter()
    at_table: dict[tuple[str, str], list[str]] = defaultdict(list)
    for meeting_id, slot_id in slot_of.items():
        meeting = meetings[meeting_id]
        table = table_of[meeting_id]
        at_table[slot_id, table].append(meeting_id)
        booth = _booth_of(meeting, booths)
        if booth is not None:
            if table != booth:
                violations.append(
                    f"meeting {meeting_id!r} is at table {table!r} instead of booth {booth!r}"
                )
            continue
        shared_in_slot[slot_id] += 1
        available = shared_labels[: problem.tables_in(slot_id)]
        if table not in available:
            violations.append(
                f"meeting {meeting_id!r} is at table {table!r}, "
                f"which is not a shared table available in slot {slot_id!r}"
            )
    for slot_id, used in sorted(shared_in_slot.items()):
        if used > problem.tables_in(slot_id):
            violations.append(
                f"slot {slot_id!r} has {used} meetings at shared tables "
                f"but only {problem.tables_in(slot_id)} tables"
            )
    for (slot_id, table), held in sorted(at_table.items()):
        if len(held) > 1:
            violations.append(
                f"table {table!r} hosts {len(held)} meetings in slot {slot_id!r}: "
                + ", ".join(repr(meeting_id) for meeting_id in sorted(held))
            )

    # max_meetings.
    meetings_of: Counter[str] = Counter()
    for meeting_id in slot_of:
        meeting = meetings[meeting_id]
        for person in {meeting.a, meeting.b}:
            meetings_of[person] += 1
    for participant in problem.participants:
        limit = participant.max_meetings
        if limit is not None and meetings_of[participant.id] > limit:
            violations.append(
                f"participant {participant.id!r} has {meetings_of[participant.id]} meetings, "
                f"more than their maximum of {limit}"
            )

    # Mandatory and fixed meetings must be scheduled.
    for meeting in problem.meetings:
        if meeting.id in slot_of:
            continue
        if meeting.mandatory:
            violations.append(f"mandatory meeting {meeting.id!r} is not scheduled")
        elif meeting.fixed_slot is not None:
            violations.append(
                f"meeting {meeting.id!r} is fixed to slot {meeting.fixed_slot!r} "
                "but is not scheduled"
            )

    # Precedences: every scheduled predecessor strictly earlier.
    for meeting in problem.meetings:
        if meeting.id not in slot_of:
            continue
        for earlier_id in meeting.after:
            if earlier_id not in slot_of:
                continue
            if slot_order[slot_of[earlier_id]] >= slot_order[slot_of[meeting.id]]:
                violations.append(
                    f"meeting {meeting.id!r} (slot {slot_of[meeting.id]!r}) must come after "
                    f"meeting {earlier_id!r} (slot {slot_of[earlier_id]!r})"
                )

    # Fairness cap on the spread of breaks.
    spread = problem.fairness_max_break_spread
    if spread is not None and problem.participants:
        breaks = _breaks_by_participant(problem, slot_of, meetings)
        fewest = min(breaks[participant.id] for participant in problem.participants)
        for participant in problem.participants:
            if breaks[participant.id] - fewest > spread:
                violations.append(
                    f"participant {participant.id!r} has {breaks[participant.id]} breaks, "
                    f"more than {spread} above the fewest ({fewest})"
                )

    return violations


def evaluate(
    problem: Problem,
    assignments: Iterable[Assignment],
    previous: Mapping[str, str] | None = None,
) -> tuple[Figures, dict[str, ParticipantFigures]]:
    """Recompute the figures of a schedule, independently of the solver.

    Returns `(figures, per_participant)`. `figures` is a `Figures` whose `best_bound` is None
    and `wall_time` 0.0 (the checker cannot know them: callers fill them in with
    `dataclasses.replace`); `kept_in_place` is the number of meetings still in their slot of
    `previous` (meeting id -> slot id) when `previous` is given, else None.
    `per_participant` has an entry for every participant of the problem.

    Assignments naming unknown meetings or slots are ignored, and a meeting assigned twice
    counts once (its first assignment): run `check()` to hear about those.
    """
    meetings = {meeting.id: meeting for meeting in problem.meetings}
    slot_order = {slot.id: index for index, slot in enumerate(problem.slots)}
    positions = _session_positions(problem)

    slot_of: dict[str, str] = {}
    table_of: dict[str, str] = {}
    for assignment in assignments:
        if assignment.meeting not in meetings or assignment.slot not in slot_order:
            continue
        if assignment.meeting in slot_of:
            continue
        slot_of[assignment.meeting] = assignment.slot
        table_of[assignment.meeting] = assignment.table

    breaks = _breaks_by_participant(problem, slot_of, meetings)

    # Each participant's timeline: (slot order, slot id, table).
    timeline: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for meeting_id, slot_id in slot_of.items():
        meeting = meetings[meeting_id]
        for person in {meeting.a, meeting.b}:
            timeline[person].append((slot_order[slot_id], slot_id, table_of[meeting_id]))

    per_participant: dict[str, ParticipantFigures] = {}
    all_ids = [participant.id for participant in problem.participants]
    all_ids += sorted(set(timeline) - set(all_ids))
    total_changes = 0
    for person in all_ids:
        held = sorted(timeline.get(person, []))
        changes = 0
        for (_, slot_before, table_before), (_, slot_later, table_later) in itertools.pairwise(
            held
        ):
            session_before, position_before = positions[slot_before]
            session_later, position_later = positions[slot_later]
            consecutive = session_before == session_later and position_later == position_before + 1
            if consecutive and table_before != table_later:
                changes += 1
        total_changes += changes
        per_participant[person] = ParticipantFigures(
            meetings=len(held),
            breaks=breaks.get(person, 0),
            table_changes=changes,
            first_slot=held[0][1] if held else None,
            last_slot=held[-1][1] if held else None,
        )

    kept = None
    if previous is not None:
        kept = sum(
            1 for meeting_id, slot_id in slot_of.items() if previous.get(meeting_id) == slot_id
        )

    figures = Figures(
        scheduled_count=len(slot_of),
        scheduled_weight=sum(meetings[meeting_id].weight for meeting_id in slot_of),
        breaks_total=sum(breaks.values()),
        breaks_max=max(breaks.values(), default=0),
        table_changes=total_changes,
        best_bound=None,
        wall_time=0.0,
        kept_in_place=kept,
    )
    return figures, per_participant
