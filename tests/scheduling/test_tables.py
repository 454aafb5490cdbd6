"""Table assignment: booths, labels, capacity, and keeping people seated."""

from __future__ import annotations

import itertools
import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brokerage.scheduling.generator import generate
from brokerage.scheduling.solver.checker import check, evaluate
from brokerage.scheduling.solver.greedy import greedy_slots
from brokerage.scheduling.solver.problem import Meeting, Participant, Problem, Slot
from brokerage.scheduling.solver.tables import assign_tables

SLOTS = (Slot("1", "am"), Slot("2", "am"), Slot("3", "am"), Slot("4", "pm"))


def people(*names: str, booths: dict[str, str] | None = None) -> tuple[Participant, ...]:
    booths = booths or {}
    return tuple(Participant(name, booth=booths.get(name)) for name in names)


def test_booth_meetings_go_to_the_booth_and_free_shared_tables() -> None:
    problem = Problem(
        SLOTS,
        people("a", "b", "c", "d", booths={"a": "Stand 7"}),
        (Meeting("m1", "b", "a"), Meeting("m2", "c", "d")),
        shared_tables=1,
    )
    assignments, _ = assign_tables(problem, {"m1": "1", "m2": "1"})
    tables = {assignment.meeting: assignment.table for assignment in assignments}
    assert tables == {"m1": "Stand 7", "m2": "1"}
    assert check(problem, assignments) == []


def test_labels_and_per_slot_counts() -> None:
    problem = Problem(
        SLOTS,
        people("a", "b", "c", "d"),
        (Meeting("m1", "a", "b"), Meeting("m2", "c", "d")),
        shared_tables=1,
        tables_per_slot={"2": 2},
        table_labels=("A", "B"),
    )
    assignments, _ = assign_tables(problem, {"m1": "2", "m2": "2"})
    assert sorted(assignment.table for assignment in assignments) == ["A", "B"]
    with pytest.raises(ValueError, match="only 1 tables"):
        assign_tables(problem, {"m1": "1", "m2": "1"})


def test_a_participant_keeps_their_table_back_to_back() -> None:
    # a meets b, c, d in a row; the others come and go, so a never has to move.
    problem = Problem(
        SLOTS,
        people("a", "b", "c", "d", "e", "f"),
        (
            Meeting("m1", "a", "b"),
            Meeting("m2", "e", "f"),
            Meeting("m3", "c", "a"),
            Meeting("m4", "f", "e"),
            Meeting("m5", "a", "d"),
        ),
        shared_tables=2,
    )
    assignments, changes = assign_tables(
        problem, {"m1": "1", "m2": "1", "m3": "2", "m4": "2", "m5": "3"}
    )
    tables = {assignment.meeting: assignment.table for assignment in assignments}
    assert tables["m1"] == tables["m3"] == tables["m5"]
    assert tables["m2"] == tables["m4"]
    assert changes == 0
    figures, _ = evaluate(problem, assignments)
    assert figures.table_changes == changes


def test_no_table_change_counted_across_sessions() -> None:
    problem = Problem(
        SLOTS,
        people("a", "b", "c", "d", booths={"d": "D"}),
        (Meeting("m1", "a", "b"), Meeting("m2", "a", "d")),
        shared_tables=1,
    )
    _, changes = assign_tables(problem, {"m1": "3", "m2": "4"})
    assert changes == 0
    _, changes = assign_tables(problem, {"m1": "2", "m2": "3"})
    assert changes == 1  # a walks to d's booth


def brute_force_changes(problem: Problem, first: dict[str, str], second: list[Meeting]) -> int:
    """Fewest changes in slot 2, given slot 1's tables, over every seating of slot 2."""
    seat = {}
    for meeting in problem.meetings:
        if meeting.id in first:
            seat[meeting.a] = seat[meeting.b] = first[meeting.id]
    labels = [str(number) for number in range(1, problem.shared_tables + 1)]
    best = None
    for chosen in itertools.permutations(labels, len(second)):
        changes = sum(
            1
            for meeting, table in zip(second, chosen, strict=True)
            for person in (meeting.a, meeting.b)
            if person in seat and seat[person] != table
        )
        best = changes if best is None else min(best, changes)
    return best or 0


@pytest.mark.parametrize("seed", range(30))
def test_each_slot_keeps_as_many_seated_as_possible(seed: int) -> None:
    rng = random.Random(seed)
    names = [f"p{number}" for number in range(8)]
    tables = rng.randint(2, 4)
    rounds = []
    for _ in range(2):
        rng.shuffle(names)
        count = rng.randint(1, tables)
        rounds.append([(names[2 * k], names[2 * k + 1]) for k in range(count)])
    meetings = []
    slot_of = {}
    for slot_id, pairs in zip(("1", "2"), rounds, strict=True):
        for a, b in pairs:
            meeting_id = f"m{len(meetings)}"
            meetings.append(Meeting(meeting_id, a, b))
            slot_of[meeting_id] = slot_id
    problem = Problem(SLOTS, people(*sorted(names)), tuple(meetings), shared_tables=tables)
    assignments, changes = assign_tables(problem, slot_of)
    assert check(problem, assignments) == []
    first = {a.meeting: a.table for a in assignments if a.slot == "1"}
    second = [m for m in meetings if slot_of[m.id] == "2"]
    assert changes == brute_force_changes(problem, first, second)


def test_fast_on_a_large_event() -> None:
    problem = generate(10000, days=2, seed=3)
    slot_of = greedy_slots(problem)
    started = time.monotonic()
    assignments, changes = assign_tables(problem, slot_of)
    assert time.monotonic() - started < 20
    assert len(assignments) == len(slot_of)
    figures, _ = evaluate(problem, assignments)
    assert figures.table_changes == changes


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_any_valid_slotting_gets_valid_tables(data: st.DataObject) -> None:
    slot_count = data.draw(st.integers(1, 6))
    slots = tuple(Slot(f"s{t}", "am" if t < 3 else "pm") for t in range(slot_count))
    names = [f"p{number}" for number in range(data.draw(st.integers(2, 8)))]
    booths = {name: f"B{name}" for name in names if data.draw(st.integers(0, 4)) == 0}
    shared_tables = data.draw(st.integers(1, 4))
    meetings: list[Meeting] = []
    slot_of: dict[str, str] = {}
    for slot in slots:
        busy: set[str] = set()
        shared = 0
        for _ in range(data.draw(st.integers(0, 4))):
            a, b = data.draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
            at_booth = a in booths or b in booths
            if a in busy or b in busy or (not at_booth and shared >= shared_tables):
                continue
            busy.update((a, b))
            shared += not at_booth
            meeting_id = f"m{len(meetings)}"
            meetings.append(Meeting(meeting_id, a, b))
            slot_of[meeting_id] = slot.id
    problem = Problem(
        slots, people(*names, booths=booths), tuple(meetings), shared_tables=shared_tables
    )
    assignments, changes = assign_tables(problem, slot_of)
    assert check(problem, assignments) == []
    assert {a.meeting: a.slot for a in assignments} == slot_of
    figures, _ = evaluate(problem, assignments)
    assert figures.table_changes == changes


def test_kept_tables_are_honoured_and_the_others_seated_around_them() -> None:
    # m1 sat at table 2 when it was published; m2 arrives late in the same slot. Without
    # kept tables the matching would seat m1 first at table 1 and move it.
    problem = Problem(
        SLOTS,
        people("a", "b", "c", "d"),
        (Meeting("m1", "a", "b"), Meeting("m2", "c", "d")),
        shared_tables=2,
    )
    assignments, _ = assign_tables(problem, {"m1": "1", "m2": "1"}, {"m1": "2"})
    tables = {assignment.meeting: assignment.table for assignment in assignments}
    assert tables == {"m1": "2", "m2": "1"}
    assert check(problem, assignments) == []


def test_a_kept_table_that_no_longer_exists_in_the_slot_is_ignored() -> None:
    problem = Problem(
        SLOTS,
        people("a", "b"),
        (Meeting("m1", "a", "b"),),
        shared_tables=1,
    )
    assignments, _ = assign_tables(problem, {"m1": "1"}, {"m1": "9"})
    assert [assignment.table for assignment in assignments] == ["1"]
