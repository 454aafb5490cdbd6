"""The baseline: schedule meetings the way simple tools do.

Meetings are taken one at a time, fixed ones first, then mandatory ones, then the heaviest
(a predecessor inherits the rank of its successors), and each goes to the earliest slot
where it fits. It respects every hard constraint except
fairness (it never looks at breaks): availability, allowed and fixed slots, one meeting per
participant per slot, shared-table capacity, max_meetings, and precedences (a meeting only
goes strictly after its scheduled predecessors and strictly before its scheduled successors;
predecessors are tried first among meetings of equal rank). Then `assign_tables` seats them.

It exists to measure the CP-SAT solver against, and as a quick fallback.
"""

from __future__ import annotations

from collections import Counter

from brokerage.scheduling.solver.problem import Assignment, Meeting, Problem
from brokerage.scheduling.solver.tables import assign_tables, booth_of_meetings


def _precedence_depth(problem: Problem) -> dict[str, int]:
    """Longest chain of predecessors above each meeting (cycles are cut, not followed)."""
    after = {meeting.id: meeting.after for meeting in problem.meetings}
    depth: dict[str, int] = {}
    for start in after:
        if start in depth:
            continue
        # Iterative depth-first search; a meeting on the stack counts as depth 0 if revisited.
        stack: list[tuple[str, int]] = [(start, 0)]
        on_stack = {start}
        while stack:
            meeting_id, next_child = stack[-1]
            children = [child for child in after.get(meeting_id, ()) if child in after]
            if next_child < len(children):
                stack[-1] = (meeting_id, next_child + 1)
                child = children[next_child]
                if child not in depth and child not in on_stack:
                    stack.append((child, 0))
                    on_stack.add(child)
                continue
            depth[meeting_id] = 1 + max(
                (depth.get(child, 0) for child in children if child not in on_stack), default=-1
            )
            stack.pop()
            on_stack.discard(meeting_id)
    return depth


def greedy_order(problem: Problem) -> list[Meeting]:
    """Fixed, then mandatory, then heaviest first; a predecessor inherits the rank of its
    highest-ranked successor and goes before it, so that precedences can be honoured."""
    depth = _precedence_depth(problem)
    position = {meeting.id: index for index, meeting in enumerate(problem.meetings)}
    rank = {
        meeting.id: (meeting.fixed_slot is not None, meeting.mandatory, meeting.weight)
        for meeting in problem.meetings
    }
    # Successors are deeper than their predecessors, so one pass from the deepest suffices.
    for meeting in sorted(problem.meetings, key=lambda meeting: -depth[meeting.id]):
        for earlier in meeting.after:
            if earlier in rank:
                rank[earlier] = max(rank[earlier], rank[meeting.id])
    return sorted(
        problem.meetings,
        key=lambda meeting: (
            not rank[meeting.id][0],
            not rank[meeting.id][1],
            -rank[meeting.id][2],
            depth[meeting.id],
            position[meeting.id],
        ),
    )


def greedy_slots(problem: Problem) -> dict[str, str]:
    """meeting id -> slot id chosen by the greedy rule (no tables yet)."""
    slot_ids = [slot.id for slot in problem.slots]
    slot_index = {slot_id: index for index, slot_id in enumerate(slot_ids)}
    participants = {participant.id: participant for participant in problem.participants}
    at_booth = booth_of_meetings(problem)
    capacity = [problem.tables_in(slot_id) for slot_id in slot_ids]

    successors: dict[str, list[str]] = {meeting.id: [] for meeting in problem.meetings}
    for meeting in problem.meetings:
        for earlier in meeting.after:
            if earlier in successors:
                successors[earlier].append(meeting.id)

    busy: dict[str, set[int]] = {participant_id: set() for participant_id in participants}
    held: Counter[str] = Counter()
    shared_used = [0] * len(slot_ids)
    placed: dict[str, int] = {}

    for meeting in greedy_order(problem):
        people = {meeting.a, meeting.b}
        if not people <= participants.keys():
            continue
        if any(
            participants[person].max_meetings is not None
            and held[person] >= participants[person].max_meetings  # type: ignore[operator]
            for person in people
        ):
            continue
        lowest = max((placed[e] + 1 for e in meeting.after if e in placed), default=0)
        highest = min(
            (placed[later] - 1 for later in successors[meeting.id] if later in placed),
            default=len(slot_ids) - 1,
        )
        if meeting.fixed_slot is not None:
            candidates = (
                [slot_index[meeting.fixed_slot]] if meeting.fixed_slot in slot_index else []
            )
        else:
            candidates = range(lowest, highest + 1)
        blocked = set().union(*(participants[person].unavailable for person in people))
        busy_here = busy[meeting.a] | busy[meeting.b]
        shared = meeting.id not in at_booth
        for index in candidates:
            if not lowest <= index <= highest or index in busy_here:
                continue
            slot_id = slot_ids[index]
            if slot_id in blocked:
                continue
            if meeting.allowed_slots is not None and slot_id not in meeting.allowed_slots:
                continue
            if shared and shared_used[index] >= capacity[index]:
                continue
            placed[meeting.id] = index
            for person in people:
                busy[person].add(index)
                held[person] += 1
            if shared:
                shared_used[index] += 1
            break
    return {meeting_id: slot_ids[index] for meeting_id, index in placed.items()}


def greedy_schedule(problem: Problem) -> tuple[Assignment, ...]:
    """The baseline schedule: greedy slots, then tables by `assign_tables`."""
    assignments, _changes = assign_tables(problem, greedy_slots(problem))
    return assignments
