"""solve() on small hand-made problems whose optimum is known by hand."""

from __future__ import annotations

from brokerage.scheduling.solver import (
    Meeting,
    Participant,
    Problem,
    Progress,
    Slot,
    SolveOptions,
    Status,
    solve,
)
from brokerage.scheduling.solver.checker import check

QUICK = SolveOptions(time_limit=10.0, workers=1, seed=1)


def slots(count: int, session: str = "day") -> tuple[Slot, ...]:
    return tuple(Slot(id=f"{session}{t}", session=session) for t in range(1, count + 1))


def people(*ids: str, **overrides: dict) -> tuple[Participant, ...]:
    return tuple(Participant(id=pid, **overrides.get(pid, {})) for pid in ids)


def slot_of(result) -> dict[str, str]:
    return {a.meeting: a.slot for a in result.assignments}


def order(problem: Problem) -> dict[str, int]:
    return {slot.id: t for t, slot in enumerate(problem.slots)}


def test_weight_phase_prefers_the_heavier_of_two_clashing_meetings():
    # b can meet only once (one slot): the heavier meeting wins.
    problem = Problem(
        slots=slots(1),
        participants=people("a", "b", "c"),
        meetings=(Meeting("light", "a", "b", weight=1), Meeting("heavy", "c", "b", weight=5)),
        shared_tables=2,
    )
    result = solve(problem, QUICK)
    assert result.status == Status.OPTIMAL
    assert set(slot_of(result)) == {"heavy"}
    assert result.figures.scheduled_weight == 5
    assert result.figures.best_bound == 5
    [left_out] = result.unscheduled
    assert left_out.meeting == "light"
    assert "higher-weight" in left_out.reason
    assert check(problem, result.assignments) == []


def test_breaks_phase_packs_meetings_back_to_back():
    # a meets b, c and d in 5 slots: optimum is three consecutive slots, no break.
    problem = Problem(
        slots=slots(5),
        participants=people("a", "b", "c", "d"),
        meetings=(Meeting("ab", "a", "b"), Meeting("ac", "a", "c"), Meeting("ad", "a", "d")),
        shared_tables=1,
    )
    result = solve(problem, QUICK)
    assert result.status == Status.OPTIMAL
    assert result.figures.scheduled_count == 3
    assert result.figures.breaks_total == 0
    positions = sorted(order(problem)[s] for s in slot_of(result).values())
    assert positions == list(range(positions[0], positions[0] + 3))


def test_unavoidable_break_is_counted_once_and_a_lunch_is_not_a_break():
    # a is away in the middle slot of the morning: one break is unavoidable there.
    # In the afternoon (another session) a single meeting never makes a break.
    morning, afternoon = slots(3, "am"), slots(2, "pm")
    problem = Problem(
        slots=morning + afternoon,
        participants=people("a", "b", "c", "d", a={"unavailable": frozenset({"am2"})}),
        meetings=(
            Meeting("ab", "a", "b", mandatory=True, allowed_slots=frozenset({"am1", "am2"})),
            Meeting("ac", "a", "c", mandatory=True, allowed_slots=frozenset({"am2", "am3"})),
            Meeting("ad", "a", "d", mandatory=True, allowed_slots=frozenset({"pm2"})),
        ),
        shared_tables=1,
    )
    result = solve(problem, QUICK)
    assert result.status == Status.OPTIMAL
    assert result.figures.breaks_total == 1
    assert result.per_participant["a"].breaks == 1


def test_fairness_cap_spreads_the_breaks():
    # Each of a and b must meet x and y in slots 1 and 3 only (a break each at best), and
    # c must meet z: fine. With cap 0 and c having no break, a and b cannot both have one.
    problem = Problem(
        slots=slots(3),
        participants=people("a", "b", "x", "y"),
        meetings=(
            Meeting("ax", "a", "x", mandatory=True, allowed_slots=frozenset({"day1"})),
            Meeting("ay", "a", "y", mandatory=True, allowed_slots=frozenset({"day3"})),
        ),
        shared_tables=2,
        fairness_max_break_spread=0,
    )
    # a has a forced break and x, y have none: spread 1 > 0, so no schedule exists.
    result = solve(problem, QUICK)
    assert result.status == Status.INFEASIBLE
    assert any("fairness" in line for line in result.explanation)
    relaxed = solve(
        Problem(**{**_fields(problem), "fairness_max_break_spread": 1}),
        QUICK,
    )
    assert relaxed.status == Status.OPTIMAL
    assert relaxed.figures.breaks_total == 1


def test_fairness_cap_trades_total_breaks_for_balance():
    # Without the cap the optimum gives one participant 2 breaks; with cap 1 nobody may
    # exceed the fewest (0) by more than 1, which costs one meeting.
    problem = Problem(
        slots=slots(5),
        participants=people("a", "b", "c", "d"),
        meetings=(
            Meeting("ab", "a", "b", allowed_slots=frozenset({"day1"})),
            Meeting("ac", "a", "c", allowed_slots=frozenset({"day3"})),
            Meeting("ad", "a", "d", allowed_slots=frozenset({"day5"})),
        ),
        shared_tables=1,
    )
    free = solve(problem, QUICK)
    assert free.figures.scheduled_count == 3
    assert free.figures.breaks_max == 2
    capped = solve(Problem(**{**_fields(problem), "fairness_max_break_spread": 1}), QUICK)
    assert capped.status == Status.OPTIMAL
    assert capped.figures.scheduled_count == 2
    assert capped.figures.breaks_max == 1
    assert (
        check(
            capped_problem := Problem(**{**_fields(problem), "fairness_max_break_spread": 1}),
            capped.assignments,
        )
        == []
    )
    assert capped_problem.fairness_max_break_spread == 1


def _fields(problem: Problem) -> dict:
    return {name: getattr(problem, name) for name in Problem.__slots__}


def test_stability_keeps_meetings_in_their_previous_slots():
    problem = Problem(
        slots=slots(4),
        participants=people("a", "b", "c"),
        meetings=(Meeting("ab", "a", "b"), Meeting("bc", "b", "c")),
        shared_tables=1,
    )
    previous = {"ab": "day3", "bc": "day2"}
    result = solve(problem, SolveOptions(time_limit=10, workers=1, previous=previous))
    assert result.status == Status.OPTIMAL
    assert slot_of(result) == previous
    assert result.figures.kept_in_place == 2


def test_stability_never_costs_breaks():
    # The previous schedule had a break for b; breaks come first, so one meeting moves.
    problem = Problem(
        slots=slots(4),
        participants=people("a", "b", "c"),
        meetings=(Meeting("ab", "a", "b"), Meeting("bc", "b", "c")),
        shared_tables=1,
    )
    result = solve(
        problem, SolveOptions(time_limit=10, workers=1, previous={"ab": "day1", "bc": "day4"})
    )
    assert result.figures.breaks_total == 0
    assert result.figures.kept_in_place == 1


def test_booth_meetings_use_no_shared_table():
    # No shared tables at all: only meetings with a booth holder can take place.
    problem = Problem(
        slots=slots(1),
        participants=people("host", "guest", "x", "y", host={"booth": "B1"}),
        meetings=(Meeting("at_booth", "guest", "host"), Meeting("no_booth", "x", "y")),
        shared_tables=0,
    )
    result = solve(problem, QUICK)
    assert result.status == Status.OPTIMAL
    [assignment] = result.assignments
    assert (assignment.meeting, assignment.table) == ("at_booth", "B1")
    [left_out] = result.unscheduled
    assert left_out.meeting == "no_booth"
    assert "table" in left_out.reason


def test_booth_meetings_do_not_count_against_the_people_a_shared_table_seats():
    # One slot, one shared table, two booths: six people meet at once, more than the two a
    # shared table seats, because four of them sit at booths.
    problem = Problem(
        slots=slots(1),
        participants=people(
            "h1", "v1", "h2", "v2", "x", "y", h1={"booth": "B1"}, h2={"booth": "B2"}
        ),
        meetings=(
            Meeting("at_b1", "h1", "v1", mandatory=True),
            Meeting("at_b2", "v2", "h2", mandatory=True),
            Meeting("shared", "x", "y", mandatory=True),
        ),
        shared_tables=1,
    )
    result = solve(problem, QUICK)
    assert result.status == Status.OPTIMAL
    assert {a.meeting: a.table for a in result.assignments} == {
        "at_b1": "B1",
        "at_b2": "B2",
        "shared": "1",
    }
    assert check(problem, result.assignments) == []


def test_per_slot_table_counts_are_respected():
    # Two disjoint pairs, two slots; slot 1 has one table, slot 2 none: only one fits.
    problem = Problem(
        slots=slots(2),
        participants=people("a", "b", "c", "d"),
        meetings=(Meeting("ab", "a", "b"), Meeting("cd", "c", "d")),
        shared_tables=1,
        tables_per_slot={"day2": 0},
    )
    result = solve(problem, QUICK)
    assert result.figures.scheduled_count == 1
    assert [a.slot for a in result.assignments] == ["day1"]
    [left_out] = result.unscheduled
    assert left_out.reason == "all shared tables taken in the slots both are free"


def test_fixed_slot_is_kept():
    problem = Problem(
        slots=slots(3),
        participants=people("a", "b"),
        meetings=(Meeting("ab", "a", "b", fixed_slot="day3"),),
        shared_tables=1,
    )
    result = solve(problem, QUICK)
    assert slot_of(result) == {"ab": "day3"}


def test_precedence_puts_the_predecessor_strictly_earlier():
    problem = Problem(
        slots=slots(3),
        participants=people("a", "b", "c"),
        meetings=(
            Meeting("second", "a", "c", mandatory=True, after=("first",)),
            Meeting("first", "a", "b", mandatory=True, allowed_slots=frozenset({"day2", "day3"})),
        ),
        shared_tables=2,
    )
    result = solve(problem, QUICK)
    schedule = slot_of(result)
    assert schedule == {"first": "day2", "second": "day3"}


def test_precedence_is_void_when_the_predecessor_is_unscheduled():
    # "first" cannot take place at all; "second" still may, in the only slot there is.
    problem = Problem(
        slots=slots(1),
        participants=people("a", "b", "c", b={"unavailable": frozenset({"day1"})}),
        meetings=(
            Meeting("first", "a", "b"),
            Meeting("second", "a", "c", mandatory=True, after=("first",)),
        ),
        shared_tables=1,
    )
    result = solve(problem, QUICK)
    assert result.status == Status.OPTIMAL
    assert slot_of(result) == {"second": "day1"}
    [left_out] = result.unscheduled
    assert "no slot where both" in left_out.reason


def test_max_meetings_is_respected_and_explained():
    problem = Problem(
        slots=slots(3),
        participants=people("a", "b", "c", "d", a={"max_meetings": 2}),
        meetings=(
            Meeting("ab", "a", "b", weight=3),
            Meeting("ac", "a", "c", weight=2),
            Meeting("ad", "a", "d", weight=1),
        ),
        shared_tables=1,
    )
    result = solve(problem, QUICK)
    assert set(slot_of(result)) == {"ab", "ac"}
    [left_out] = result.unscheduled
    assert left_out.meeting == "ad"
    assert "max_meetings" in left_out.reason


def test_contradictory_locks_are_infeasible_with_an_explanation():
    problem = Problem(
        slots=slots(2),
        participants=people("a", "b", "c"),
        meetings=(
            Meeting("ab", "a", "b", fixed_slot="day1"),
            Meeting("ac", "a", "c", fixed_slot="day1"),
        ),
        shared_tables=2,
    )
    result = solve(problem, QUICK)
    assert result.status == Status.INFEASIBLE
    assert result.assignments == ()
    assert any("ab" in line and "ac" in line for line in result.explanation)


def test_mandatory_meetings_that_cannot_fit_are_explained_from_a_core():
    # Three mandatory meetings of a in two slots: no pre-check sees it, the core does.
    problem = Problem(
        slots=slots(2),
        participants=people("a", "b", "c", "d", "e"),
        meetings=(
            Meeting("ab", "a", "b", mandatory=True),
            Meeting("ac", "a", "c", mandatory=True),
            Meeting("ad", "a", "d", mandatory=True),
            Meeting("de", "d", "e"),
        ),
        shared_tables=3,
    )
    result = solve(problem, QUICK)
    assert result.status == Status.INFEASIBLE
    text = " ".join(result.explanation)
    for meeting_id in ("ab", "ac", "ad"):
        assert f"meeting {meeting_id} " in text
    assert "meeting de " not in text


def test_precedence_cycle_between_mandatory_meetings_is_infeasible():
    problem = Problem(
        slots=slots(3),
        participants=people("a", "b", "c"),
        meetings=(
            Meeting("ab", "a", "b", mandatory=True, after=("bc",)),
            Meeting("bc", "b", "c", mandatory=True, after=("ab",)),
        ),
        shared_tables=1,
    )
    result = solve(problem, QUICK)
    assert result.status == Status.INFEASIBLE
    assert any("cycle" in line for line in result.explanation)


def test_degenerate_inputs():
    nobody = Problem(slots=(), participants=(), meetings=(), shared_tables=0)
    result = solve(nobody, QUICK)
    assert result.status == Status.OPTIMAL
    assert result.assignments == ()

    alone = Problem(slots=slots(2), participants=people("a"), meetings=(), shared_tables=1)
    assert solve(alone, QUICK).status == Status.OPTIMAL

    no_tables = Problem(
        slots=slots(2),
        participants=people("a", "b"),
        meetings=(Meeting("ab", "a", "b"),),
        shared_tables=0,
    )
    result = solve(no_tables, QUICK)
    assert result.status == Status.OPTIMAL
    assert result.figures.scheduled_count == 0
    assert result.unscheduled[0].reason

    everyone_away = frozenset({"day1", "day2"})
    away = Problem(
        slots=slots(2),
        participants=people("a", "b", a={"unavailable": everyone_away}),
        meetings=(Meeting("ab", "a", "b"),),
        shared_tables=1,
        fairness_max_break_spread=0,
    )
    result = solve(away, QUICK)
    assert result.status == Status.OPTIMAL
    assert "no slot where both" in result.unscheduled[0].reason

    away_but_mandatory = Problem(
        slots=slots(2),
        participants=people("a", "b", a={"unavailable": everyone_away}),
        meetings=(Meeting("ab", "a", "b", mandatory=True),),
        shared_tables=1,
    )
    result = solve(away_but_mandatory, QUICK)
    assert result.status == Status.INFEASIBLE
    assert "no slot where both" in " ".join(result.explanation)


def _busy_problem() -> Problem:
    ids = [f"p{i}" for i in range(6)]
    meetings = tuple(
        Meeting(f"{a}-{b}", a, b, weight=1 + (i * j) % 3)
        for i, a in enumerate(ids)
        for j, b in enumerate(ids)
        if i < j and (i + j) % 3 != 0
    )
    return Problem(
        slots=slots(3, "am") + slots(2, "pm"),
        participants=people(*ids),
        meetings=meetings,
        shared_tables=2,
        fairness_max_break_spread=1,
    )


def test_same_seed_and_one_worker_give_the_same_schedule():
    problem = _busy_problem()
    options = SolveOptions(time_limit=10, workers=1, seed=7)
    first, second = solve(problem, options), solve(problem, options)
    assert first.assignments == second.assignments
    assert check(problem, first.assignments) == []


def test_on_progress_is_called_with_phases():
    seen: list[Progress] = []
    solve(_busy_problem(), SolveOptions(time_limit=10, workers=1, on_progress=seen.append))
    phases = [progress.phase for progress in seen]
    assert "weight" in phases
    assert phases[-1] == "tables"
    assert seen[-1].scheduled_count > 0


def test_should_stop_keeps_the_best_schedule_so_far():
    problem = _busy_problem()
    result = solve(problem, SolveOptions(time_limit=30, workers=1, should_stop=lambda: True))
    assert result.status in (Status.FEASIBLE, Status.UNKNOWN)
    if result.status == Status.FEASIBLE:
        assert check(problem, result.assignments) == []


def test_breaks_search_solver_settings_keep_an_explicit_worker_count():
    from brokerage.scheduling.solver import search

    # Left open: the breaks search gets its LNS-capable worker count, without symmetry.
    auto = search.make_solver(SolveOptions(workers=0), 5.0, breaks_search=True)
    assert auto.parameters.num_workers == search.OBJECTIVE_SEARCH_WORKERS
    assert auto.parameters.symmetry_level == 0
    # An explicit count (one worker: the reproducible mode) is never overridden.
    one = search.make_solver(SolveOptions(workers=1, seed=3), 5.0, breaks_search=True)
    assert one.parameters.num_workers == 1
    assert one.parameters.random_seed == 3
    # Other phases keep CP-SAT's defaults.
    plain = search.make_solver(SolveOptions(workers=0), 5.0)
    assert plain.parameters.num_workers == 0
