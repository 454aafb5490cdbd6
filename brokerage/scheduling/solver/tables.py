"""Table assignment for a schedule whose slots are already decided.

Booth meetings go to the booth (a meeting is at a booth if either participant has one; if
both do, `a`'s). The other meetings share the tables labelled `problem.table_labels`, or
"1".."N", of which slot t offers the first `problem.tables_in(t)`.

Slot by slot, each meeting prefers a table where one of its participants sat in the
previous slot of the same session, so that people stay seated between back-to-back meetings.
Choosing those tables is a maximum matching between meetings and tables in a graph where
every meeting wants at most two tables and every table is wanted by at most two meetings
(its previous occupants went on to at most two meetings). Such a graph is a union of paths
and cycles, and matching leaf edges first is optimal on it, so the per-slot step is exact
for "tables kept from the previous slot" and runs in linear time.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping

from brokerage.scheduling.solver.problem import Assignment, Problem


def shared_table_labels(problem: Problem) -> tuple[str, ...]:
    """Labels of the shared tables in order: `table_labels`, or "1".."N"."""
    if problem.table_labels is not None:
        return tuple(problem.table_labels)
    most = max([problem.shared_tables, *problem.tables_per_slot.values()])
    return tuple(str(number) for number in range(1, most + 1))


def booth_of_meetings(problem: Problem) -> dict[str, str]:
    """meeting id -> booth label, for the meetings held at a booth."""
    booths = {participant.id: participant.booth for participant in problem.participants}
    held_at: dict[str, str] = {}
    for meeting in problem.meetings:
        booth = booths.get(meeting.a) or booths.get(meeting.b)
        if booth:
            held_at[meeting.id] = booth
    return held_at


def _max_matching(wants: Mapping[str, set[str]]) -> dict[str, str]:
    """A maximum matching meeting -> table in a graph of maximum degree two.

    Repeatedly matches the edge at a vertex of degree one (optimal on paths); when only a
    cycle remains, matching any of its edges leaves a path, so that loses nothing. Linear.
    """
    meeting_edges = {meeting: set(tables) for meeting, tables in wants.items() if tables}
    table_edges: dict[str, set[str]] = defaultdict(set)
    for meeting in sorted(meeting_edges):
        for table in sorted(meeting_edges[meeting]):
            table_edges[table].add(meeting)
    leaves: deque[tuple[bool, str]] = deque()  # (is a meeting, id)
    leaves.extend((True, m) for m in sorted(meeting_edges) if len(meeting_edges[m]) == 1)
    leaves.extend((False, t) for t in sorted(table_edges) if len(table_edges[t]) == 1)

    matched: dict[str, str] = {}

    def take(meeting: str, table: str) -> None:
        matched[meeting] = table
        for other_table in meeting_edges.pop(meeting) - {table}:
            table_edges[other_table].discard(meeting)
            if len(table_edges[other_table]) == 1:
                leaves.append((False, other_table))
        for other_meeting in table_edges.pop(table) - {meeting}:
            meeting_edges[other_meeting].discard(table)
            if not meeting_edges[other_meeting]:
                del meeting_edges[other_meeting]
            elif len(meeting_edges[other_meeting]) == 1:
                leaves.append((True, other_meeting))

    while meeting_edges:
        while leaves:
            is_meeting, node = leaves.popleft()
            if is_meeting:
                if node in meeting_edges and len(meeting_edges[node]) == 1:
                    take(node, next(iter(meeting_edges[node])))
            elif node in table_edges and len(table_edges[node]) == 1:
                take(next(iter(table_edges[node])), node)
        if meeting_edges:  # only a cycle is left
            meeting = min(meeting_edges)
            take(meeting, min(meeting_edges[meeting]))
    return matched


def _match_slot(wants: dict[str, set[str]]) -> dict[str, str]:
    """Maximum matching, solved per connected component to stay linear overall."""
    # Components are small (paths and cycles); split them so the leaf search stays local.
    table_users: dict[str, list[str]] = defaultdict(list)
    for meeting, tables in wants.items():
        for table in tables:
            table_users[table].append(meeting)
    seen: set[str] = set()
    matched: dict[str, str] = {}
    for start in sorted(wants):
        if start in seen or not wants[start]:
            continue
        component: dict[str, set[str]] = {}
        stack = [start]
        seen.add(start)
        while stack:
            meeting = stack.pop()
            component[meeting] = wants[meeting]
            for table in wants[meeting]:
                for neighbour in table_users[table]:
                    if neighbour not in seen:
                        seen.add(neighbour)
                        stack.append(neighbour)
        matched.update(_max_matching(component))
    return matched


def assign_tables(
    problem: Problem,
    slot_of: Mapping[str, str],
    kept_tables: Mapping[str, str] | None = None,
) -> tuple[tuple[Assignment, ...], int]:
    """Place each scheduled meeting at a table.

    `slot_of` maps meeting id -> slot id for the scheduled meetings. `kept_tables` maps
    meeting id -> the shared table it must keep where that table exists in its slot (meetings
    already published there); the others are seated around them. Returns the assignments
    (in slot order, then meeting id) and the number of table changes: a participant with
    meetings in two consecutive slots of a session who sits at a different table in the
    second. Raises ValueError if a slot holds more shared-table meetings than it has tables.
    """
    meetings = {meeting.id: meeting for meeting in problem.meetings}
    at_booth = booth_of_meetings(problem)
    labels = shared_table_labels(problem)

    by_slot: dict[str, list[str]] = defaultdict(list)
    for meeting_id, slot_id in slot_of.items():
        by_slot[slot_id].append(meeting_id)

    assignments: list[Assignment] = []
    changes = 0
    previous_session: str | None = None
    seat_before: dict[str, str] = {}  # participant -> table in the previous slot of the session
    for slot in problem.slots:
        if slot.session != previous_session:
            seat_before = {}
            previous_session = slot.session
        here = sorted(by_slot.get(slot.id, ()))
        count = problem.tables_in(slot.id)
        available = labels[:count]
        shared = [meeting_id for meeting_id in here if meeting_id not in at_booth]
        if len(shared) > len(available):
            raise ValueError(
                f"slot {slot.id!r} has {len(shared)} meetings at shared tables "
                f"but only {len(available)} tables"
            )
        available_set = set(available)
        # Meetings that keep a table take it first; the matching seats the rest around them.
        table_of: dict[str, str] = {}
        for meeting_id in shared:
            table = (kept_tables or {}).get(meeting_id)
            if table in available_set and table not in table_of.values():
                table_of[meeting_id] = table
        open_tables = available_set - set(table_of.values())
        wants: dict[str, set[str]] = {}
        for meeting_id in shared:
            if meeting_id in table_of:
                continue
            meeting = meetings[meeting_id]
            wants[meeting_id] = {
                seat_before[person]
                for person in (meeting.a, meeting.b)
                if seat_before.get(person) in open_tables
            }
        table_of.update(_match_slot(wants))
        taken = set(table_of.values())
        free = (label for label in available if label not in taken)
        for meeting_id in shared:
            if meeting_id not in table_of:
                table_of[meeting_id] = next(free)
        for meeting_id in here:
            table_of.setdefault(meeting_id, at_booth.get(meeting_id, ""))

        seat_now: dict[str, str] = {}
        for meeting_id in here:
            meeting = meetings[meeting_id]
            table = table_of[meeting_id]
            assignments.append(Assignment(meeting=meeting_id, slot=slot.id, table=table))
            for person in {meeting.a, meeting.b}:
                if person in seat_before and seat_before[person] != table:
                    changes += 1
                seat_now[person] = table
        seat_before = seat_now
    return tuple(assignments), changes
