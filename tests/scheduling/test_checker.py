"""The independent checker: each hard constraint is reported, and figures are recomputed."""

from __future__ import annotations

from brokerage.scheduling.solver.checker import check, evaluate
from brokerage.scheduling.solver.problem import Assignment, Meeting, Participant, Problem, Slot

SLOTS = (
    Slot("am1", "am"),
    Slot("am2", "am"),
    Slot("am3", "am"),
    Slot("am4", "am"),
    Slot("pm1", "pm"),
    Slot("pm2", "pm"),
)


def make_problem(
    meetings: tuple[Meeting, ...],
    participants: tuple[Participant, ...] | None = None,
    shared_tables: int = 2,
    **extra: object,
) -> Problem:
    if participants is None:
        people = sorted({person for meeting in meetings for person in (meeting.a, meeting.b)})
        participants = tuple(Participant(person) for person in people)
    return Problem(SLOTS, participants, meetings, shared_tables, **extra)  # type: ignore[arg-type]


def only(violations: list[str], *fragments: str) -> None:
    assert len(violations) == 1, violations
    for fragment in fragments:
        assert fragment in violations[0], violations


def test_valid_schedule_has_no_violations() -> None:
    problem = make_problem((Meeting("m1", "a", "b"), Meeting("m2", "a", "c")))
    schedule = [Assignment("m1", "am1", "1"), Assignment("m2", "am2", "1")]
    assert check(problem, schedule) == []


def test_unknown_meeting_and_slot() -> None:
    problem = make_problem((Meeting("m1", "a", "b"),))
    violations = check(problem, [Assignment("zz", "am1", "1"), Assignment("m1", "nope", "1")])
    assert any("unknown meeting 'zz'" in line for line in violations)
    assert any("unknown slot 'nope'" in line for line in violations)


def test_meeting_assigned_twice() -> None:
    problem = make_problem((Meeting("m1", "a", "b"),))
    violations = check(problem, [Assignment("m1", "am1", "1"), Assignment("m1", "am2", "1")])
    only(violations, "'m1'", "more than once")


def test_participant_double_booked() -> None:
    problem = make_problem((Meeting("m1", "a", "b"), Meeting("m2", "a", "c")))
    violations = check(problem, [Assignment("m1", "am1", "1"), Assignment("m2", "am1", "2")])
    only(violations, "participant 'a'", "2 meetings", "'am1'")


def test_participant_unavailable() -> None:
    participants = (Participant("a", unavailable=frozenset({"am1"})), Participant("b"))
    problem = make_problem((Meeting("m1", "a", "b"),), participants)
    only(check(problem, [Assignment("m1", "am1", "1")]), "unavailable", "'a'")


def test_slot_not_allowed_and_fixed_slot() -> None:
    problem = make_problem(
        (
            Meeting("m1", "a", "b", allowed_slots=frozenset({"pm1", "pm2"})),
            Meeting("m2", "c", "d", fixed_slot="am2"),
        )
    )
    only(check(problem, [Assignment("m1", "am1", "1"), Assignment("m2", "am2", "2")]), "may not")
    only(check(problem, [Assignment("m2", "am1", "1")]), "fixed to slot 'am2'")
    only(check(problem, []), "fixed to slot 'am2'", "not scheduled")


def test_shared_tables_over_capacity_and_per_slot_override() -> None:
    meetings = (Meeting("m1", "a", "b"), Meeting("m2", "c", "d"), Meeting("m3", "e", "f"))
    problem = make_problem(meetings, shared_tables=3, tables_per_slot={"am1": 2})
    schedule = [Assignment(m.id, "am1", str(number)) for number, m in enumerate(meetings, 1)]
    violations = check(problem, schedule)
    assert any("3 meetings at shared tables but only 2" in line for line in violations)
    assert any("table '3'" in line and "not a shared table" in line for line in violations)
    moved = [Assignment(m.id, "am2", str(number)) for number, m in enumerate(meetings, 1)]
    assert check(problem, moved) == []


def test_booth_meetings_do_not_use_shared_tables() -> None:
    participants = (
        Participant("a", booth="B-a"),
        Participant("b", booth="B-b"),
        Participant("c"),
        Participant("d"),
    )
    meetings = (Meeting("m1", "c", "a"), Meeting("m2", "b", "a"), Meeting("m3", "c", "d"))
    problem = make_problem(meetings, participants, shared_tables=1)
    schedule = [
        Assignment("m1", "am1", "B-a"),  # booth of b... of a, the participant who has one
        Assignment("m2", "am2", "B-b"),  # both have booths: a's booth (b is `a` here)
        Assignment("m3", "am2", "1"),
    ]
    assert check(problem, schedule) == []
    wrong = [Assignment("m1", "am1", "1"), Assignment("m2", "am2", "B-a")]
    violations = check(problem, wrong)
    assert any("'m1'" in line and "instead of booth 'B-a'" in line for line in violations)
    assert any("'m2'" in line and "instead of booth 'B-b'" in line for line in violations)


def test_two_meetings_at_one_table() -> None:
    problem = make_problem((Meeting("m1", "a", "b"), Meeting("m2", "c", "d")))
    only(
        check(problem, [Assignment("m1", "am1", "1"), Assignment("m2", "am1", "1")]),
        "table '1' hosts 2 meetings",
    )


def test_max_meetings_exceeded() -> None:
    participants = (Participant("a", max_meetings=1), Participant("b"), Participant("c"))
    problem = make_problem((Meeting("m1", "a", "b"), Meeting("m2", "a", "c")), participants)
    only(
        check(problem, [Assignment("m1", "am1", "1"), Assignment("m2", "am2", "1")]),
        "'a' has 2 meetings",
        "maximum of 1",
    )


def test_mandatory_missing() -> None:
    problem = make_problem((Meeting("m1", "a", "b", mandatory=True),))
    only(check(problem, []), "mandatory meeting 'm1'")


def test_precedence_needs_a_strictly_earlier_slot() -> None:
    meetings = (Meeting("m1", "a", "b"), Meeting("m2", "c", "d", after=("m1",)))
    problem = make_problem(meetings)
    same = [Assignment("m1", "am2", "1"), Assignment("m2", "am2", "2")]
    only(check(problem, same), "'m2'", "must come after", "'m1'")
    assert check(problem, [Assignment("m1", "am1", "1"), Assignment("m2", "am2", "1")]) == []
    # Only binding when both are scheduled.
    assert check(problem, [Assignment("m2", "am1", "1")]) == []


def test_fairness_cap() -> None:
    meetings = (Meeting("m1", "a", "b"), Meeting("m2", "a", "c"), Meeting("m3", "d", "e"))
    problem = make_problem(meetings, fairness_max_break_spread=0)
    gap = [Assignment("m1", "am1", "1"), Assignment("m2", "am3", "1"), Assignment("m3", "am1", "2")]
    only(check(problem, gap), "'a' has 1 breaks", "fewest (0)")
    loose = make_problem(meetings, fairness_max_break_spread=1)
    assert check(loose, gap) == []


def test_evaluate_breaks_sessions_and_table_changes() -> None:
    meetings = (
        Meeting("m1", "a", "b", weight=3),
        Meeting("m2", "a", "c"),
        Meeting("m3", "a", "d"),
        Meeting("m4", "a", "e", weight=2),
        Meeting("m5", "b", "c"),
    )
    problem = make_problem(meetings)
    schedule = [
        Assignment("m1", "am1", "1"),
        Assignment("m2", "am2", "2"),  # a changes table 1 -> 2 back to back
        Assignment("m3", "am4", "2"),  # a breaks in am3; no change counted across the gap
        Assignment("m4", "pm2", "1"),  # lunch is not a break; pm1 is idle before the first
        Assignment("m5", "am4", "1"),  # b: am1, am4 -> one break of two idle slots
    ]
    assert check(problem, schedule) == []
    figures, people = evaluate(problem, schedule, previous={"m1": "am1", "m2": "pm1"})
    assert figures.scheduled_count == 5
    assert figures.scheduled_weight == 8
    assert people["a"].breaks == 1
    assert people["b"].breaks == 1
    assert people["c"].breaks == 1  # am2 and am4
    assert figures.breaks_total == 3
    assert figures.breaks_max == 1
    assert people["a"].table_changes == 1
    assert figures.table_changes == 1
    assert (people["a"].first_slot, people["a"].last_slot) == ("am1", "pm2")
    assert people["a"].meetings == 4
    assert figures.kept_in_place == 1
    assert figures.best_bound is None


def test_evaluate_lists_idle_participants() -> None:
    participants = (Participant("a"), Participant("b"), Participant("idle"))
    problem = make_problem((Meeting("m1", "a", "b"),), participants)
    figures, people = evaluate(problem, [])
    assert people["idle"].meetings == 0
    assert people["idle"].first_slot is None
    assert figures.scheduled_count == 0
    assert figures.breaks_max == 0
    assert figures.kept_in_place is None
