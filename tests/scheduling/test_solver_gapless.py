"""The gapless model (schedules without any break) and the race that asks it first.

It is only used when every meeting is required and nobody's meetings can fall in two
sessions; then "no gapless schedule" must mean "at least one break", and every gapless
schedule it finds must be a valid schedule of the full problem.
"""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from brokerage.scheduling.solver import (
    Meeting,
    Participant,
    Problem,
    Slot,
    SolveOptions,
    Status,
    solve,
)
from brokerage.scheduling.solver import model as solver_model
from brokerage.scheduling.solver.checker import check, evaluate
from brokerage.scheduling.solver.problem import Assignment
from brokerage.scheduling.solver.tables import assign_tables
from tests.scheduling.test_solver_properties import problems

OPTIONS = SolveOptions(time_limit=20.0, workers=2, seed=0)


def day(count: int) -> tuple[Slot, ...]:
    return tuple(Slot(id=f"s{t}", session="day") for t in range(1, count + 1))


def all_required(problem: Problem) -> Problem:
    meetings = tuple(dataclasses.replace(m, mandatory=True) for m in problem.meetings)
    return dataclasses.replace(problem, meetings=meetings)


def solve_gapless(problem: Problem) -> tuple[int, dict[str, str] | None]:
    return solve_split(problem, 0)


def assignments(problem: Problem, slot_of: dict[str, str]) -> tuple[Assignment, ...]:
    placed, _ = assign_tables(problem, slot_of)
    return placed


def forced_break() -> Problem:
    # p1 meets p2 (only free in s1) and p3 (only free in s3): p1 idles in s2.
    return Problem(
        slots=day(3),
        participants=(
            Participant("p1"),
            Participant("p2", unavailable=frozenset({"s2", "s3"})),
            Participant("p3", unavailable=frozenset({"s1", "s2"})),
        ),
        meetings=(
            Meeting("m1", "p1", "p2", mandatory=True),
            Meeting("m2", "p1", "p3", mandatory=True),
        ),
        shared_tables=2,
        fairness_max_break_spread=2,
    )


def packable() -> Problem:
    # A chain p1-p2-p3-p4 with two tables: gapless schedules exist.
    return Problem(
        slots=day(4),
        participants=tuple(Participant(f"p{k}") for k in range(1, 5)),
        meetings=(
            Meeting("m1", "p1", "p2", mandatory=True),
            Meeting("m2", "p2", "p3", mandatory=True),
            Meeting("m3", "p3", "p4", mandatory=True),
            Meeting("m4", "p1", "p3", mandatory=True),
        ),
        shared_tables=2,
        fairness_max_break_spread=2,
    )


def test_applies_only_when_every_meeting_is_required_and_in_one_session():
    assert solver_model.gapless_applies(packable())
    optional = dataclasses.replace(
        packable(),
        meetings=(*packable().meetings[:-1], Meeting("m4", "p1", "p3")),
    )
    assert not solver_model.gapless_applies(optional)
    assert solver_model.build_gapless_model(optional, OPTIONS) is None
    two_sessions = dataclasses.replace(
        packable(), slots=(*day(2), Slot("s3", "pm"), Slot("s4", "pm"))
    )
    assert not solver_model.gapless_applies(two_sessions)


def test_gapless_model_finds_a_schedule_without_breaks():
    problem = packable()
    status, slot_of = solve_gapless(problem)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert slot_of is not None
    assert len(slot_of) == 4
    figures, _ = evaluate(problem, assignments(problem, slot_of))
    assert figures.breaks_total == 0


def test_gapless_model_is_infeasible_when_a_break_is_forced():
    status, _ = solve_gapless(forced_break())
    assert status == cp_model.INFEASIBLE


def test_solve_races_the_gapless_model_and_proves_zero_breaks():
    result = solve(packable(), OPTIONS)
    assert result.status == Status.OPTIMAL
    assert result.figures.breaks_total == 0
    assert check(packable(), result.assignments) == []
    assert any("gapless probe" in line for line in result.log)


def test_a_refuted_gapless_probe_becomes_a_bound_and_the_break_is_proven():
    # Three meetings of three people at one table: whoever is left out of the middle one
    # idles, though nobody's own meetings force it (a forced break skips the race).
    people = ("a", "b", "c")
    problem = Problem(
        slots=day(3),
        participants=tuple(Participant(p) for p in people),
        meetings=tuple(
            Meeting(f"m{x}{y}", x, y, mandatory=True)
            for x, y in (("a", "b"), ("b", "c"), ("a", "c"))
        ),
        shared_tables=1,
        fairness_max_break_spread=2,
    )
    result = solve(problem, OPTIONS)
    assert result.status == Status.OPTIMAL
    assert result.figures.breaks_total == 1
    assert any("gapless probe: INFEASIBLE" in line for line in result.log)


def test_a_break_forced_by_ones_own_meetings_is_a_bound_without_any_probe():
    result = solve(forced_break(), OPTIONS)
    assert result.status == Status.OPTIMAL
    assert result.figures.breaks_total == 1
    assert any("breaks: at least 1, forced on 1 person alone" in line for line in result.log)


def test_one_worker_mode_does_not_race():
    result = solve(packable(), dataclasses.replace(OPTIONS, workers=1))
    assert result.status == Status.OPTIMAL
    assert not any("gapless probe" in line for line in result.log)


@st.composite
def one_day_problems(draw: st.DrawFn) -> Problem:
    """All meetings required, one session: where the gapless model applies, and breaks are
    often forced (few free slots, few tables)."""
    slots = day(draw(st.integers(3, 6)))
    slot_ids = [slot.id for slot in slots]
    ids = [f"p{k}" for k in range(draw(st.integers(2, 5)))]
    participants = tuple(
        Participant(
            pid,
            booth=draw(st.sampled_from([None, None, None, f"B{pid}"])),
            unavailable=draw(st.frozensets(st.sampled_from(slot_ids), max_size=1)),
        )
        for pid in ids
    )
    pairs = st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True)
    slot_subsets = st.frozensets(st.sampled_from(slot_ids), min_size=1)
    meetings = tuple(
        Meeting(
            f"m{k}",
            *draw(pairs),
            mandatory=True,
            allowed_slots=draw(st.none() | st.none() | st.none() | slot_subsets),
        )
        for k in range(draw(st.integers(2, 6)))
    )
    return Problem(
        slots=slots,
        participants=participants,
        meetings=meetings,
        shared_tables=draw(st.integers(1, 2)),
        fairness_max_break_spread=draw(st.none() | st.integers(0, 2)),
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems() | one_day_problems())
def test_gapless_model_agrees_with_the_full_model(generated: Problem) -> None:
    """Where it applies: a gapless schedule exists exactly when the full model's optimum has
    no break, and the one it finds passes the checker with zero breaks."""
    problem = all_required(generated)
    if not solver_model.gapless_applies(problem):
        event("gapless model does not apply")
        return
    full = solve(problem, dataclasses.replace(OPTIONS, workers=1))
    status, slot_of = solve_gapless(problem)
    assert status != cp_model.UNKNOWN
    if full.status == Status.INFEASIBLE:
        event("infeasible")
        assert status == cp_model.INFEASIBLE
        return
    assert full.status == Status.OPTIMAL
    event(f"optimum with {min(full.figures.breaks_total, 2)}+ breaks")
    if full.figures.breaks_total == 0:
        assert slot_of is not None
    else:
        assert status == cp_model.INFEASIBLE
    if slot_of is not None:
        placed = assignments(problem, slot_of)
        assert check(problem, placed) == []
        figures, _ = evaluate(problem, placed)
        assert figures.breaks_total == 0
        assert figures.scheduled_count == len(problem.meetings)


def solve_split(problem: Problem, breaks: int) -> tuple[int, dict[str, str] | None]:
    """The gapless model (breaks 0) or the split-window one, one worker, 20 s."""
    built = solver_model.build_gapless_model(problem, OPTIONS, breaks)
    assert built is not None
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20.0
    status = solver.Solve(built.model)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return status, solver_model.solution_of(solver, built, problem) if found else None


def test_split_window_model_allows_the_forced_break():
    problem = forced_break()
    status, slot_of = solve_split(problem, 1)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert slot_of is not None
    figures, _ = evaluate(problem, assignments(problem, slot_of))
    assert figures.breaks_total == 1


def test_split_window_model_is_not_offered_when_fairness_forbids_a_lone_break():
    strict = dataclasses.replace(forced_break(), fairness_max_break_spread=0)
    assert solver_model.build_gapless_model(strict, OPTIONS) is not None
    assert solver_model.build_gapless_model(strict, OPTIONS, 1) is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_day_problems(), st.integers(1, 3))
def test_split_window_schedules_are_valid_with_at_most_the_allowed_breaks(
    generated: Problem, breaks: int
) -> None:
    """A restriction of the problem: whatever it finds is a valid schedule with at most
    `breaks` breaks, each person at most one; and it finds one whenever the optimum has no
    break (everyone unbroken is allowed)."""
    problem = all_required(generated)
    if solver_model.build_gapless_model(problem, OPTIONS, breaks) is None:
        return
    status, slot_of = solve_split(problem, breaks)
    assert status != cp_model.UNKNOWN
    if slot_of is None:
        gapless_status, _ = solve_gapless(problem)
        assert gapless_status == cp_model.INFEASIBLE
        return
    placed = assignments(problem, slot_of)
    assert check(problem, placed) == []
    figures, _ = evaluate(problem, placed)
    assert figures.scheduled_count == len(problem.meetings)
    assert figures.breaks_total <= breaks
    assert figures.breaks_max <= 1
