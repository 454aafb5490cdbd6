"""The greedy baseline: heaviest first, earliest fitting slot, never breaking a hard rule."""

from __future__ import annotations

import pytest

from brokerage.scheduling.generator import generate
from brokerage.scheduling.solver.checker import check
from brokerage.scheduling.solver.greedy import greedy_schedule, greedy_slots
from brokerage.scheduling.solver.problem import Meeting, Participant, Problem, Slot

SLOTS = tuple(Slot(str(number), "day") for number in range(1, 5))


def test_heaviest_first_takes_the_earliest_slot() -> None:
    problem = Problem(
        SLOTS,
        (Participant("a"), Participant("b"), Participant("c")),
        (Meeting("light", "a", "b"), Meeting("heavy", "a", "c", weight=3)),
        shared_tables=1,
    )
    assert greedy_slots(problem) == {"heavy": "1", "light": "2"}


def test_respects_availability_allowed_fixed_tables_and_maximum() -> None:
    problem = Problem(
        SLOTS,
        (
            Participant("a", unavailable=frozenset({"1"})),
            Participant("b", max_meetings=1),
            Participant("c"),
            Participant("d"),
        ),
        (
            Meeting("m1", "a", "c", allowed_slots=frozenset({"3", "4"})),
            Meeting("m2", "b", "c", fixed_slot="3"),
            Meeting("m3", "b", "d"),  # b is full after m2
            Meeting("m4", "c", "d"),
        ),
        shared_tables=1,
    )
    slots = greedy_slots(problem)
    assert slots == {"m2": "3", "m1": "4", "m4": "1"}
    assert check(problem, greedy_schedule(problem)) == []


def test_precedence_is_never_violated() -> None:
    problem = Problem(
        SLOTS,
        (Participant("a"), Participant("b"), Participant("c"), Participant("d")),
        (
            Meeting("second", "a", "b", weight=3, after=("first",)),
            Meeting("first", "c", "d"),
        ),
        shared_tables=2,
    )
    slots = greedy_slots(problem)
    assert int(slots["first"]) < int(slots["second"])


def test_mandatory_before_heavier_optional() -> None:
    problem = Problem(
        SLOTS[:1],
        (Participant("a"), Participant("b"), Participant("c")),
        (Meeting("heavy", "a", "b", weight=3), Meeting("must", "a", "c", mandatory=True)),
        shared_tables=1,
    )
    assert greedy_slots(problem) == {"must": "1"}


@pytest.mark.parametrize("size", [50, 400])
def test_generated_events_are_valid(size: int) -> None:
    problem = generate(size, days=2, seed=size)
    assignments = greedy_schedule(problem)
    assert assignments
    assert check(problem, assignments) == []
