"""Who takes the breaks (owners.py): the breaks a person's own meetings force, and the
search over who takes one break more.

The forced breaks must be lower bounds of every schedule, and the search must be exact:
a schedule it returns is valid with at most one break above the forced total, and "every
candidate refuted" must mean that no such schedule exists.
"""

from __future__ import annotations

import dataclasses
import time

from hypothesis import HealthCheck, event, given, settings
from ortools.sat.python import cp_model

from brokerage.scheduling.solver import (
    Meeting,
    Participant,
    Problem,
    SolveOptions,
    Status,
    breaks,
    owners,
    solve,
)
from brokerage.scheduling.solver import model as solver_model
from brokerage.scheduling.solver import search as solver_search
from brokerage.scheduling.solver.checker import check, evaluate
from tests.scheduling.test_solver_gapless import (
    OPTIONS,
    all_required,
    assignments,
    day,
    forced_break,
    one_day_problems,
)

ONE_WORKER = dataclasses.replace(OPTIONS, workers=1)


def triangles(count: int) -> Problem:
    """`count` triangles of meetings at one table: in any order, the person left out of a
    triangle's middle meeting idles in between, so each triangle forces one break, though
    nobody's own meetings force one."""
    participants, meetings = [], []
    for k in range(count):
        a, b, c = (f"t{k}{name}" for name in "abc")
        participants += [Participant(a), Participant(b), Participant(c)]
        meetings += [
            Meeting(f"m{k}ab", a, b, mandatory=True),
            Meeting(f"m{k}bc", b, c, mandatory=True),
            Meeting(f"m{k}ac", a, c, mandatory=True),
        ]
    return Problem(
        slots=day(3 * count),
        participants=tuple(participants),
        meetings=tuple(meetings),
        shared_tables=1,
        fairness_max_break_spread=2,
    )


def search(problem: Problem, seconds: float = 20.0) -> tuple[dict[int, int], owners.OwnerSearch]:
    """The search over every participant with a break variable, as `solve` runs it."""
    built = solver_model.build_model(problem, OPTIONS)
    slots_of = solver_model.candidate_slots(problem).slots_of
    forced = owners.forced_breaks(problem, slots_of)
    result = owners.search_extra_break(
        built.model,
        built.breaks_of,
        forced,
        sorted(built.breaks_of),
        lambda solver: solver_model.solution_of(solver, built, problem),
        seconds,
    )
    return forced, result


def test_a_person_whose_partners_are_free_at_either_end_is_forced_one_break():
    problem = forced_break()
    slots_of = solver_model.candidate_slots(problem).slots_of
    assert owners.gapless_windows(problem, slots_of) == {0: 0}
    assert owners.forced_breaks(problem, slots_of) == {0: 1}


def test_forced_breaks_count_every_idle_run_a_person_cannot_avoid():
    # p1 is free only in s1, s3 and s5, and has three meetings: two breaks whatever happens.
    problem = Problem(
        slots=day(5),
        participants=(
            Participant("p1", unavailable=frozenset({"s2", "s4"})),
            Participant("p2"),
            Participant("p3"),
            Participant("p4"),
        ),
        meetings=tuple(
            Meeting(f"m{k}", "p1", partner, mandatory=True)
            for k, partner in enumerate(("p2", "p3", "p4"))
        ),
        shared_tables=3,
        fairness_max_break_spread=2,
    )
    slots_of = solver_model.candidate_slots(problem).slots_of
    assert owners.forced_breaks(problem, slots_of) == {0: 2}


def test_nobody_is_forced_in_a_triangle_but_the_search_finds_the_one_break():
    problem = triangles(1)
    forced, result = search(problem)
    assert forced == {}
    assert result.slot_of is not None
    placed = assignments(problem, result.slot_of)
    assert check(problem, placed) == []
    figures, _ = evaluate(problem, placed)
    assert figures.breaks_total == 1


def test_every_candidate_is_refuted_when_one_extra_break_is_not_enough():
    problem = triangles(2)
    _, result = search(problem)
    assert result.slot_of is None
    assert result.refuted == frozenset(range(6))


def test_solve_names_who_breaks_and_proves_it():
    result = solve(triangles(1), OPTIONS)
    assert result.status == Status.OPTIMAL
    assert result.figures.breaks_total == 1
    assert any("who takes the one extra break" in line for line in result.log)


def test_solve_proves_two_breaks_once_nobody_can_take_the_one():
    result = solve(triangles(2), OPTIONS)
    assert result.status == Status.OPTIMAL
    assert result.figures.breaks_total == 2


def test_the_race_at_the_forced_total_refutes_everyone_at_their_forced_breaks():
    # p1's own meetings force one break, and a triangle forces another on somebody whose
    # own meetings force none: "everyone at their forced breaks" (1 in all) is false.
    triangle, forced_one = triangles(1), forced_break()
    problem = dataclasses.replace(
        forced_one,
        participants=forced_one.participants + triangle.participants,
        meetings=forced_one.meetings + triangle.meetings,
    )
    options = SolveOptions(time_limit=20.0, seed=0)  # workers left to the solver, as in the app
    built = solver_model.build_model(problem, options)
    forced = owners.forced_breaks(problem, solver_model.candidate_slots(problem).slots_of)
    assert forced == {0: 1}
    split = solver_model.build_gapless_model(problem, options, 1, frozenset(forced))
    assert split is not None
    step, _ = breaks._split_race(
        built,
        split,
        problem,
        options,
        solver_search.ProgressGate(None),
        time.monotonic(),
        20.0,
        1,
        0,
        forced,
    )
    assert step.status == cp_model.INFEASIBLE
    assert step.log[0].startswith("probe breaks <= 1: INFEASIBLE")
    assert solve(problem, options).figures.breaks_total == 2


def ladder(problem: Problem, lower: int = 0) -> tuple[int, dict[str, str] | None]:
    """The probe ladder from `lower` on the full model with the forced-break cuts, as
    `solve` runs it: the lower bound reached and the schedule found there."""
    built = solver_model.build_model(problem, OPTIONS)
    forced = owners.forced_breaks(problem, solver_model.candidate_slots(problem).slots_of)
    for index, count in forced.items():
        built.model.Add(built.breaks_of[index] >= count)
    found, reached, stopped = breaks._probe_ladder(
        built,
        problem,
        OPTIONS,
        solver_search.ProgressGate(None),
        time.monotonic(),
        20.0,
        max(lower, sum(forced.values())),
        forced,
        [],
    )
    assert not stopped
    return reached, found.slot_of if found is not None else None


def test_the_probe_ladder_refutes_each_bound_up_to_the_optimum_and_finds_it():
    problem = triangles(3)  # three breaks, none forced on anybody alone
    reached, slot_of = ladder(problem)
    assert reached == 3
    assert slot_of is not None
    placed = assignments(problem, slot_of)
    assert check(problem, placed) == []
    assert evaluate(problem, placed)[0].breaks_total == 3


def test_solve_proves_the_optimum_through_the_ladder():
    result = solve(triangles(3), OPTIONS)
    assert result.status == Status.OPTIMAL
    assert result.figures.breaks_total == 3
    assert any(line.startswith("probe ladder, breaks <= ") for line in result.log)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_day_problems())
def test_the_probe_ladder_stops_at_the_optimum(generated: Problem) -> None:
    problem = all_required(generated)
    if not solver_model.gapless_applies(problem):
        event("does not apply")
        return
    full = solve(problem, ONE_WORKER)
    if full.status == Status.INFEASIBLE:
        event("infeasible")  # the weight phase says so: the ladder never runs
        return
    assert full.status == Status.OPTIMAL
    reached, slot_of = ladder(problem)
    assert slot_of is not None
    assert reached == full.figures.breaks_total
    placed = assignments(problem, slot_of)
    assert check(problem, placed) == []
    figures, _ = evaluate(problem, placed)
    assert figures.scheduled_count == len(problem.meetings)
    assert figures.breaks_total == reached


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_day_problems())
def test_forced_breaks_are_lower_bounds_and_the_search_is_exact(generated: Problem) -> None:
    problem = all_required(generated)
    if not solver_model.gapless_applies(problem):
        event("does not apply")
        return
    if not solver_model.build_model(problem, OPTIONS).breaks_of:
        event("nobody can have a break")
        return
    full = solve(problem, ONE_WORKER)
    forced, result = search(problem)
    if full.status == Status.INFEASIBLE:
        event("infeasible")
        assert result.slot_of is None
        return
    assert full.status == Status.OPTIMAL
    for index, count in forced.items():
        assert full.per_participant[problem.participants[index].id].breaks >= count
    base = sum(forced.values())
    assert full.figures.breaks_total >= base
    if full.figures.breaks_total <= base + 1:
        event("one extra break is enough")
        assert result.slot_of is not None
    else:
        event("refuted")
        assert result.slot_of is None
        candidates = solver_model.build_model(problem, OPTIONS).breaks_of
        assert result.refuted == frozenset(candidates)
    if result.slot_of is not None:
        placed = assignments(problem, result.slot_of)
        assert check(problem, placed) == []
        figures, _ = evaluate(problem, placed)
        assert figures.scheduled_count == len(problem.meetings)
        assert figures.breaks_total <= base + 1
