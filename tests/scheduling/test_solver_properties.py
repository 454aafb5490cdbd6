"""Properties of solve(): every schedule it returns is valid, its figures are true, and on tiny
problems its optimum (weight, then breaks) equals exhaustive enumeration.

Random small problems exercise booths, per-slot tables, max_meetings, allowed and fixed slots,
precedences, the fairness cap and mandatory meetings.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brokerage.scheduling.solver import SolveOptions, Status, solve
from brokerage.scheduling.solver.checker import check, evaluate
from brokerage.scheduling.solver.problem import Meeting, Participant, Problem, Slot
from brokerage.scheduling.solver.tables import assign_tables, booth_of_meetings

REPO = Path(__file__).resolve().parents[2]
OPTIONS = SolveOptions(time_limit=20.0, workers=2, seed=0)
COMPARED_FIGURES = (
    "scheduled_count",
    "scheduled_weight",
    "breaks_total",
    "breaks_max",
    "table_changes",
)


@st.composite
def problems(draw: st.DrawFn, max_slots: int = 6, max_meetings: int = 8) -> Problem:
    slot_count = draw(st.integers(1, max_slots))
    split = draw(st.integers(0, slot_count))  # where the second session starts (or none)
    slots = tuple(
        Slot(f"s{index}", "am" if index < split or split == 0 else "pm")
        for index in range(slot_count)
    )
    slot_ids = [slot.id for slot in slots]
    slot_subsets = st.frozensets(st.sampled_from(slot_ids))

    people = []
    for index in range(draw(st.integers(2, 5))):
        people.append(
            Participant(
                id=f"p{index}",
                max_meetings=draw(st.none() | st.none() | st.integers(0, 3)),
                booth=draw(st.sampled_from([None, None, None, f"B{index}"])),
                unavailable=draw(st.frozensets(st.sampled_from(slot_ids), max_size=2)),
            )
        )
    ids = [person.id for person in people]

    meetings: list[Meeting] = []
    for index in range(draw(st.integers(1, max_meetings))):
        a, b = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        earlier = [meeting.id for meeting in meetings]
        after = ()
        if earlier and draw(st.integers(0, 4)) == 0:
            after = tuple(draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True)))
        meetings.append(
            Meeting(
                id=f"m{index}",
                a=a,
                b=b,
                weight=draw(st.integers(1, 3)),
                mandatory=draw(st.integers(0, 14)) == 0,
                allowed_slots=draw(st.none() | st.none() | slot_subsets),
                fixed_slot=draw(st.sampled_from([None] * 20 + slot_ids)),
                after=after,
            )
        )
    shared_tables = draw(st.integers(1, 3))
    tables_per_slot = draw(
        st.dictionaries(st.sampled_from(slot_ids), st.integers(0, 3), max_size=2)
    )
    most = max([shared_tables, *tables_per_slot.values()])
    labels = draw(st.none() | st.just(tuple(f"T{number}" for number in range(most))))
    return Problem(
        slots=slots,
        participants=tuple(people),
        meetings=tuple(meetings),
        shared_tables=shared_tables,
        tables_per_slot=tables_per_slot,
        fairness_max_break_spread=draw(st.none() | st.integers(0, 2)),
        table_labels=labels,
    )


def assert_consistent(problem: Problem, result) -> None:
    assert check(problem, result.assignments) == []
    figures, per_participant = evaluate(problem, result.assignments)
    for name in COMPARED_FIGURES:
        assert getattr(result.figures, name) == getattr(figures, name), name
    assert dict(result.per_participant) == per_participant
    placed = Counter(assignment.meeting for assignment in result.assignments)
    left = Counter(item.meeting for item in result.unscheduled)
    assert placed + left == Counter(meeting.id for meeting in problem.meetings)
    for item in result.unscheduled:
        assert item.reason


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_schedule_passes_the_checker(problem: Problem) -> None:
    result = solve(problem, OPTIONS)
    if result.status in (Status.INFEASIBLE, Status.UNKNOWN):
        assert result.assignments == ()
        if result.status == Status.INFEASIBLE:
            assert result.explanation
        return
    assert_consistent(problem, result)


def usable(problem: Problem, meeting: Meeting) -> list[str]:
    people = {person.id: person for person in problem.participants}
    blocked = people[meeting.a].unavailable | people[meeting.b].unavailable
    return [
        slot.id
        for slot in problem.slots
        if slot.id not in blocked
        and (meeting.allowed_slots is None or slot.id in meeting.allowed_slots)
        and (meeting.fixed_slot is None or slot.id == meeting.fixed_slot)
    ]


def exhaustive_optimum(problem: Problem) -> tuple[int, int] | None:
    """(max weight, then min breaks) over every schedule, or None if there is none."""
    at_booth = booth_of_meetings(problem)
    choices = [[None, *usable(problem, meeting)] for meeting in problem.meetings]
    best: tuple[int, int] | None = None
    for chosen in itertools.product(*choices):
        slot_of = {
            meeting.id: slot_id
            for meeting, slot_id in zip(problem.meetings, chosen, strict=True)
            if slot_id is not None
        }
        busy = Counter()
        shared = Counter()
        for meeting in problem.meetings:
            slot_id = slot_of.get(meeting.id)
            if slot_id is None:
                continue
            busy[meeting.a, slot_id] += 1
            busy[meeting.b, slot_id] += 1
            if meeting.id not in at_booth:
                shared[slot_id] += 1
        if any(count > 1 for count in busy.values()):
            continue
        if any(count > problem.tables_in(slot_id) for slot_id, count in shared.items()):
            continue
        assignments, _ = assign_tables(problem, slot_of)
        if check(problem, assignments):
            continue
        figures, _ = evaluate(problem, assignments)
        key = (figures.scheduled_weight, -figures.breaks_total)
        if best is None or key > (best[0], -best[1]):
            best = (figures.scheduled_weight, figures.breaks_total)
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_slots=4, max_meetings=5))
def test_optimum_matches_exhaustive_enumeration(problem: Problem) -> None:
    expected = exhaustive_optimum(problem)
    result = solve(problem, OPTIONS)
    if expected is None:
        assert result.status == Status.INFEASIBLE
        return
    assert result.status == Status.OPTIMAL
    assert_consistent(problem, result)
    found = (result.figures.scheduled_weight, result.figures.breaks_total)
    assert found == expected


def test_breaks_are_minimised_in_a_known_case() -> None:
    # a meets b and c; with two slots free in a row there is no reason for a break.
    slots = tuple(Slot(f"s{index}", "day") for index in range(4))
    people = (Participant("a"), Participant("b", unavailable=frozenset({"s0"})), Participant("c"))
    problem = Problem(
        slots,
        people,
        (Meeting("m1", "a", "b"), Meeting("m2", "a", "c", fixed_slot="s3")),
        shared_tables=1,
    )
    result = solve(problem, OPTIONS)
    assert result.status == Status.OPTIMAL
    assert result.figures.breaks_total == 0
    assert {a.meeting: a.slot for a in result.assignments} == {"m1": "s2", "m2": "s3"}


def test_solver_package_imports_nothing_forbidden() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    completed = subprocess.run(  # noqa: S603 (the project's own tool)
        [str(lint_imports)], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    # And at run time: importing and using the solver loads no web stack.
    probe = (
        "import sys\n"
        "from brokerage.scheduling.solver import solve, Problem, Slot, Participant, Meeting\n"
        "import brokerage.scheduling.solver.checker, brokerage.scheduling.solver.tables\n"
        "import brokerage.scheduling.solver.greedy\n"
        "p = Problem((Slot('1', 'x'),), (Participant('a'), Participant('b')),"
        " (Meeting('m', 'a', 'b'),), 1)\n"
        "assert solve(p).assignments\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in"
        " ('flask', 'sqlalchemy', 'werkzeug', 'wtforms', 'flask_wtf')]\n"
        "assert not bad, bad\n"
    )
    completed = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert completed.returncode == 0, completed.stderr
