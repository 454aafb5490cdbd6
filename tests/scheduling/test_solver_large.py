"""The large-event solver: valid schedules, at least greedy quality, determinism, stopping."""

from __future__ import annotations

import dataclasses
import time

import pytest

from brokerage.scheduling.generator import generate
from brokerage.scheduling.solver.checker import check, evaluate
from brokerage.scheduling.solver.greedy import greedy_slots
from brokerage.scheduling.solver.large import LargeSolution, is_large, solve_large
from brokerage.scheduling.solver.problem import Problem, Progress, SolveOptions
from brokerage.scheduling.solver.tables import assign_tables


def _solve(problem: Problem, seconds: float = 30.0, **options) -> LargeSolution:
    return solve_large(problem, SolveOptions(**options), time.monotonic() + seconds)


def _violations_and_figures(problem: Problem, slot_of: dict[str, str]):
    assignments, _changes = assign_tables(problem, slot_of)
    figures, _per_participant = evaluate(problem, assignments)
    return check(problem, assignments), figures


@pytest.fixture(scope="module")
def event() -> Problem:
    return generate(80, days=2, seed=3)


@pytest.fixture(scope="module")
def solution(event: Problem) -> LargeSolution:
    return _solve(event, workers=1, seed=7)


def test_schedule_is_valid(event: Problem, solution: LargeSolution) -> None:
    violations, figures = _violations_and_figures(event, solution.slot_of)
    assert violations == []
    assert figures.scheduled_weight == solution.scheduled_weight
    assert figures.breaks_total == solution.breaks_total
    assert solution.unscheduled_mandatory == ()


def test_at_least_as_good_as_greedy(event: Problem, solution: LargeSolution) -> None:
    _, greedy = _violations_and_figures(event, greedy_slots(event))
    assert solution.scheduled_weight >= greedy.scheduled_weight
    assert solution.breaks_total <= greedy.breaks_total


def test_bound_is_an_upper_bound(solution: LargeSolution) -> None:
    assert solution.best_bound is not None
    assert solution.scheduled_weight <= solution.best_bound


def test_deterministic_with_one_worker_and_a_seed(event: Problem, solution: LargeSolution) -> None:
    again = _solve(event, workers=1, seed=7)
    assert again.slot_of == solution.slot_of


def test_should_stop_ends_the_search_with_a_valid_schedule(event: Problem) -> None:
    calls = 0

    def stop_soon() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3

    stopped = _solve(event, workers=1, should_stop=stop_soon)
    assert stopped.stopped
    violations, _ = _violations_and_figures(event, stopped.slot_of)
    assert violations == []


def test_progress_is_reported(event: Problem) -> None:
    seen: list[Progress] = []
    _solve(event, seconds=3.0, workers=1, on_progress=seen.append)
    assert seen
    assert all(report.scheduled_weight >= 0 for report in seen)


def test_hard_side_constraints_hold() -> None:
    """Locks, precedences, caps, mandatory meetings and a fairness cap on one event."""
    base = generate(60, days=2, seed=11, mandatory_share=0.05)
    slots = [slot.id for slot in base.slots]
    meetings = list(base.meetings)
    # A locked meeting, a chain of precedences and a tight window.
    people = {p.id: p for p in base.participants}
    away = people[meetings[0].a].unavailable | people[meetings[0].b].unavailable
    locked = next(s for s in slots[3:] if s not in away)
    meetings[0] = dataclasses.replace(meetings[0], fixed_slot=locked, allowed_slots=None)
    meetings[1] = dataclasses.replace(meetings[1], after=(meetings[2].id,))
    meetings[2] = dataclasses.replace(meetings[2], after=(meetings[3].id,))
    meetings[4] = dataclasses.replace(meetings[4], allowed_slots=frozenset(slots[5:7]))
    participants = [
        dataclasses.replace(p, max_meetings=3) if i % 10 == 0 else p
        for i, p in enumerate(base.participants)
    ]
    problem = dataclasses.replace(
        base,
        meetings=tuple(meetings),
        participants=tuple(participants),
        shared_tables=10,
        tables_per_slot={slots[0]: 2},
        fairness_max_break_spread=1,
    )
    result = _solve(problem, seconds=4.0, workers=1, seed=1)
    violations, _ = _violations_and_figures(problem, result.slot_of)
    assert violations == []
    assert result.slot_of[meetings[0].id] == locked
    assert result.fairness_met


def test_threshold() -> None:
    assert not is_large(generate(4, days=1, seed=1))  # tiny: the exact model proves optima
    assert is_large(generate(40, days=2, seed=1))
    assert is_large(generate(600, days=2, seed=1))
    forty = generate(40, days=2, seed=1)
    all_required = dataclasses.replace(
        forty,
        meetings=tuple(dataclasses.replace(m, mandatory=True) for m in forty.meetings),
    )
    assert not is_large(all_required)  # research-style: only breaks matter


def test_previous_schedule_is_mostly_kept(event: Problem, solution: LargeSolution) -> None:
    again = _solve(event, workers=1, seed=8, previous=solution.slot_of)
    kept = sum(1 for m, slot in again.slot_of.items() if solution.slot_of.get(m) == slot)
    assert kept >= 0.9 * len(solution.slot_of)
    assert again.scheduled_weight >= solution.scheduled_weight
