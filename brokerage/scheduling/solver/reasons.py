"""Words for the organiser: why a meeting was left out, and why a problem has no schedule.

`contradictions()` catches the clashes that can be seen without search (a locked meeting in
a slot where someone is away, two locks of one person in one slot, more mandatory meetings
than someone's maximum, ...); the CP-SAT model explains the rest from an infeasible core.
`unscheduled_reasons()` reads a finished schedule and says, for each meeting left out, what
stood in its way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from brokerage.scheduling.solver.problem import Meeting, Participant, Problem


def _booth(participants: Mapping[str, Participant], meeting: Meeting) -> str | None:
    for person in (meeting.a, meeting.b):
        participant = participants.get(person)
        if participant is not None and participant.booth:
            return participant.booth
    return None


def _name(participants: Mapping[str, Participant], person: str) -> str:
    # A name, when the caller gave one, says it all; bare ids come from problem files.
    participant = participants.get(person)
    if participant is not None and participant.name:
        return participant.name
    return person


def _required(meeting: Meeting) -> bool:
    return meeting.mandatory or meeting.fixed_slot is not None


def why_no_slot(problem: Problem, meeting: Meeting) -> str | None:
    """Why a meeting cannot take place in any slot at all, or None if some slot fits."""
    participants = {p.id: p for p in problem.participants}
    return _why_no_slot(problem, meeting, participants, [slot.id for slot in problem.slots])


def _why_no_slot(
    problem: Problem,
    meeting: Meeting,
    participants: Mapping[str, Participant],
    slot_ids: list[str],
) -> str | None:
    # The lookups come in ready-made: this runs once per unscheduled meeting.
    for person in (meeting.a, meeting.b):
        if person not in participants:
            return f"participant {person} is not registered for the event"
    if meeting.a == meeting.b:
        return f"meeting {meeting.id} has the same participant on both sides"
    pa, pb = participants[meeting.a], participants[meeting.b]
    at_booth = _booth(participants, meeting) is not None
    if meeting.fixed_slot is not None:
        slot = meeting.fixed_slot
        if slot not in slot_ids:
            return f"meeting {meeting.id} is locked to slot {slot}, which does not exist"
        for person in (pa, pb):
            if slot in person.unavailable:
                return (
                    f"meeting {meeting.id} is locked to slot {slot}, "
                    f"where {_name(participants, person.id)} is unavailable"
                )
        if meeting.allowed_slots is not None and slot not in meeting.allowed_slots:
            return f"meeting {meeting.id} is locked to slot {slot}, outside its allowed slots"
        if not at_booth and problem.tables_in(slot) <= 0:
            return f"meeting {meeting.id} is locked to slot {slot}, which has no shared tables"
        return None
    both_free = [
        s
        for s in slot_ids
        if s not in pa.unavailable
        and s not in pb.unavailable
        and (meeting.allowed_slots is None or s in meeting.allowed_slots)
    ]
    if not both_free:
        return (
            f"no slot where both {_name(participants, pa.id)} and "
            f"{_name(participants, pb.id)} are available"
        )
    if not at_booth and all(problem.tables_in(s) <= 0 for s in both_free):
        return "no shared tables in any slot where both are available"
    return None


def contradictions(problem: Problem) -> list[str]:
    """Clashes between hard requirements that need no search to see, in words."""
    found: list[str] = []
    participants = {p.id: p for p in problem.participants}
    meetings = {m.id: m for m in problem.meetings}
    slot_ids = [slot.id for slot in problem.slots]
    slot_order = {slot_id: t for t, slot_id in enumerate(slot_ids)}
    successors: defaultdict[str, list[str]] = defaultdict(list)
    for other in problem.meetings:
        for before_id in other.after:
            successors[before_id].append(other.id)

    for kind, ids in (
        ("slot", [s.id for s in problem.slots]),
        ("participant", [p.id for p in problem.participants]),
        ("meeting", [m.id for m in problem.meetings]),
    ):
        for duplicate, times in Counter(ids).items():
            if times > 1:
                found.append(f"{kind} id {duplicate} is used {times} times")
    if problem.shared_tables < 0:
        found.append("the number of shared tables is negative")
    if found:
        return found

    for meeting in problem.meetings:
        if _required(meeting):
            reason = why_no_slot(problem, meeting)
            if reason is not None:
                what = "mandatory meeting" if meeting.mandatory else "locked meeting"
                found.append(f"{what} {meeting.id} cannot take place: {reason}")

    # Locks that collide with each other.
    locked_by_person_slot: dict[tuple[str, str], list[str]] = defaultdict(list)
    locked_shared_in_slot: dict[str, list[str]] = defaultdict(list)
    for meeting in problem.meetings:
        if meeting.fixed_slot is None or meeting.fixed_slot not in slot_order:
            continue
        for person in {meeting.a, meeting.b}:
            locked_by_person_slot[person, meeting.fixed_slot].append(meeting.id)
        if _booth(participants, meeting) is None:
            locked_shared_in_slot[meeting.fixed_slot].append(meeting.id)
    for (person, slot), ids in sorted(locked_by_person_slot.items()):
        if len(ids) > 1:
            found.append(
                f"meetings {', '.join(ids)} are all locked to slot {slot}, "
                f"but {_name(participants, person)} can attend only one meeting per slot"
            )
    for slot, ids in sorted(locked_shared_in_slot.items()):
        if len(ids) > problem.tables_in(slot):
            found.append(
                f"{len(ids)} meetings are locked to slot {slot} at shared tables "
                f"({', '.join(ids)}), but it has only {problem.tables_in(slot)} tables"
            )

    # More required meetings than someone may have.
    required_of: Counter[str] = Counter()
    for meeting in problem.meetings:
        if _required(meeting):
            for person in {meeting.a, meeting.b}:
                required_of[person] += 1
    for participant in problem.participants:
        limit = participant.max_meetings
        if limit is not None and required_of[participant.id] > limit:
            found.append(
                f"{_name(participants, participant.id)} has {required_of[participant.id]} "
                f"mandatory or locked meetings but at most {limit} meetings allowed"
            )

    # Precedences between locked meetings, and cycles among required meetings.
    for meeting in problem.meetings:
        for before_id in meeting.after:
            before = meetings.get(before_id)
            if before is None or before.fixed_slot is None or meeting.fixed_slot is None:
                continue
            both_known = before.fixed_slot in slot_order and meeting.fixed_slot in slot_order
            if both_known and slot_order[before.fixed_slot] >= slot_order[meeting.fixed_slot]:
                found.append(
                    f"meeting {before_id} must come before meeting {meeting.id}, but they "
                    f"are locked to slots {before.fixed_slot} and {meeting.fixed_slot}"
                )
    cycle = _required_precedence_cycle(problem)
    if cycle:
        found.append(
            "the precedences between required meetings form a cycle: " + " before ".join(cycle)
        )
    return found


def _required_precedence_cycle(problem: Problem) -> list[str]:
    """A cycle of precedences among required meetings (which all take place), if any."""
    required = {m.id: m for m in problem.meetings if _required(m)}
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(meeting_id: str, path: list[str]) -> list[str]:
        state[meeting_id] = 1
        path.append(meeting_id)
        for before_id in required[meeting_id].after:
            if before_id not in required:
                continue
            if state.get(before_id) == 1:
                return [*path[path.index(before_id) :], before_id][::-1]
            if before_id not in state:
                cycle = visit(before_id, path)
                if cycle:
                    return cycle
        path.pop()
        state[meeting_id] = 2
        return []

    for meeting_id in required:
        if meeting_id not in state:
            cycle = visit(meeting_id, [])
            if cycle:
                return cycle
    return []


def unscheduled_reasons(
    problem: Problem, slot_of: Mapping[str, str], proven_optimal: bool
) -> dict[str, str]:
    """meeting id -> why it is not in the schedule `slot_of` (meeting id -> slot id)."""
    participants = {p.id: p for p in problem.participants}
    meetings = {m.id: m for m in problem.meetings}
    slot_ids = [slot.id for slot in problem.slots]
    slot_order = {slot_id: t for t, slot_id in enumerate(slot_ids)}
    successors: defaultdict[str, list[str]] = defaultdict(list)
    for other in problem.meetings:
        for before_id in other.after:
            successors[before_id].append(other.id)
    busy: set[tuple[str, str]] = set()
    meetings_of: Counter[str] = Counter()
    shared_used: Counter[str] = Counter()
    for meeting_id, slot in slot_of.items():
        meeting = meetings[meeting_id]
        for person in {meeting.a, meeting.b}:
            busy.add((person, slot))
            meetings_of[person] += 1
        if _booth(participants, meeting) is None:
            shared_used[slot] += 1

    reasons: dict[str, str] = {}
    for meeting in problem.meetings:
        if meeting.id in slot_of:
            continue
        reason = _why_no_slot(problem, meeting, participants, slot_ids)
        if reason is not None:
            reasons[meeting.id] = reason
            continue
        full = [
            person
            for person in (meeting.a, meeting.b)
            if participants[person].max_meetings is not None
            and meetings_of[person] >= participants[person].max_meetings
        ]
        if full:
            reasons[meeting.id] = "; ".join(
                f"participant {_name(participants, person)} already at max_meetings "
                f"({participants[person].max_meetings})"
                for person in full
            )
            continue
        possible = [
            slot.id
            for slot in problem.slots
            if slot.id not in participants[meeting.a].unavailable
            and slot.id not in participants[meeting.b].unavailable
            and (meeting.allowed_slots is None or slot.id in meeting.allowed_slots)
        ]
        both_free = [
            s for s in possible if (meeting.a, s) not in busy and (meeting.b, s) not in busy
        ]
        at_booth = _booth(participants, meeting) is not None
        with_table = [s for s in both_free if at_booth or shared_used[s] < problem.tables_in(s)]
        if not both_free:
            reasons[meeting.id] = (
                "in every slot where both are available one of them already has a meeting: "
                "left out for higher-weight meetings"
            )
        elif not with_table:
            reasons[meeting.id] = "all shared tables taken in the slots both are free"
        elif not proven_optimal:
            reasons[meeting.id] = (
                "not placed within the time limit (the schedule is not proven best)"
            )
        else:
            blocking_precedence = [
                before_id
                for before_id in meeting.after
                if before_id in slot_of
                and all(slot_order[slot_of[before_id]] >= slot_order[s] for s in with_table)
            ] + [
                after_id
                for after_id in successors[meeting.id]
                if after_id in slot_of
                and all(slot_order[slot_of[after_id]] <= slot_order[s] for s in with_table)
            ]
            if blocking_precedence:
                reasons[meeting.id] = (
                    "its precedence with meeting(s) "
                    f"{', '.join(blocking_precedence)} leaves no free slot"
                )
            elif problem.fairness_max_break_spread is not None:
                reasons[meeting.id] = (
                    "left out to respect the fairness cap on breaks, or for higher-weight meetings"
                )
            else:
                reasons[meeting.id] = "left out for higher-weight meetings"
    return reasons
