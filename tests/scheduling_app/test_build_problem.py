"""build_problem turns the database into the solver's Problem exactly."""

from __future__ import annotations

import pytest
from sqlalchemy import event as sa_event

from brokerage.extensions import db
from brokerage.meetings.models import RequestStatus
from brokerage.scheduling.models import RunMode, RunState, ScheduledMeeting, ScheduleRun
from brokerage.scheduling.services import ScheduleError, build_problem
from brokerage.scheduling.solver import SolveOptions, Status, solve
from tests.factories import make_meeting_request, make_participant
from tests.scheduling_app.world import make_world

pytestmark = pytest.mark.usefixtures("app_ctx")


def test_problem_carries_slots_tables_participants_and_weights() -> None:
    world = make_world()
    build = build_problem(world.event)
    problem = build.problem

    assert [slot.id for slot in problem.slots] == [str(slot.id) for slot in world.slots]
    assert {slot.session for slot in problem.slots} == {str(world.event.sessions[0].id)}
    assert problem.slots[0].start == world.slots[0].starts_at.isoformat()
    assert problem.shared_tables == 2
    assert problem.table_labels == ("T1", "T2")
    assert build.table_ids == {table.label: table.id for table in world.tables}

    by_id = {p.id: p for p in problem.participants}
    # Dave has no accepted request; pending and cancelled participants are left out.
    assert set(by_id) == {str(world.alice.id), str(world.bob.id), str(world.carol.id)}
    assert by_id[str(world.alice.id)].booth == "T3"
    assert by_id[str(world.bob.id)].booth is None
    assert by_id[str(world.carol.id)].unavailable == {str(world.slots[0].id)}
    assert by_id[str(world.alice.id)].unavailable == frozenset()
    assert all(p.max_meetings == 2 for p in problem.participants)
    assert by_id[str(world.alice.id)].name.startswith("Alice Archer (")

    meetings = {m.id: m for m in problem.meetings}
    assert set(meetings) == {str(world.ab.id), str(world.ac.id), str(world.bc.id)}
    assert meetings[str(world.ab.id)].weight == 2  # mutual
    assert meetings[str(world.ac.id)].weight == 3  # must-meet
    assert meetings[str(world.bc.id)].weight == 3  # arranged by an organiser
    assert (meetings[str(world.ac.id)].a, meetings[str(world.ac.id)].b) == (
        str(world.carol.id),
        str(world.alice.id),
    )
    assert all(m.fixed_slot is None for m in problem.meetings)
    assert build.previous == {}


def test_known_optimum() -> None:
    world = make_world()
    build = build_problem(world.event)
    result = solve(build.problem, SolveOptions(time_limit=10, workers=1))
    assert result.status is Status.OPTIMAL
    assert result.figures.scheduled_count == 3
    assert result.figures.scheduled_weight == 8
    slot_of = {a.meeting: a.slot for a in result.assignments}
    assert slot_of[str(world.ab.id)] == str(world.slots[0].id)
    table_of = {a.meeting: a.table for a in result.assignments}
    assert table_of[str(world.ab.id)] == table_of[str(world.ac.id)] == "T3"  # Alice's booth


def _published_run(world, *, locked_request=None, slot_index: int = 2) -> ScheduleRun:
    run = ScheduleRun(event_id=world.event.id, state=RunState.FINISHED)
    db.session.add(run)
    db.session.flush()
    for index, request in enumerate((world.ab, world.ac)):
        db.session.add(
            ScheduledMeeting(
                run_id=run.id,
                request_id=request.id,
                slot_id=world.slots[slot_index if request is locked_request else index].id,
                locked=request is locked_request,
            )
        )
    world.event.published_run_id = run.id
    db.session.flush()
    return run


def test_locks_are_fixed_in_every_mode_and_incremental_keeps_the_published() -> None:
    world = make_world()
    run = _published_run(world, locked_request=world.ac)

    full = build_problem(world.event)
    fixed = {m.id: m.fixed_slot for m in full.problem.meetings}
    assert fixed == {
        str(world.ab.id): None,
        str(world.ac.id): str(world.slots[2].id),
        str(world.bc.id): None,
    }
    assert full.locked == {str(world.ac.id)}
    assert full.kept == frozenset()

    incremental = build_problem(world.event, mode=RunMode.INCREMENTAL, previous_run=run)
    fixed = {m.id: m.fixed_slot for m in incremental.problem.meetings}
    assert fixed == {
        str(world.ab.id): str(world.slots[0].id),
        str(world.ac.id): str(world.slots[2].id),
        str(world.bc.id): None,  # accepted after publication: placed around the others
    }
    assert incremental.kept == {str(world.ab.id), str(world.ac.id)}
    assert incremental.previous == {
        str(world.ab.id): str(world.slots[0].id),
        str(world.ac.id): str(world.slots[2].id),
    }
    result = solve(incremental.problem, SolveOptions(time_limit=10, workers=1))
    assert {a.meeting: a.slot for a in result.assignments}[str(world.bc.id)] == str(
        world.slots[1].id
    )


def test_incremental_needs_a_published_run() -> None:
    world = make_world()
    with pytest.raises(ScheduleError, match="none is published"):
        build_problem(world.event, mode=RunMode.INCREMENTAL)


def test_fairness_cap_is_carried_over() -> None:
    world = make_world()
    assert build_problem(world.event, fairness_cap=1).problem.fairness_max_break_spread == 1


def _count_queries(callable_) -> int:
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        callable_()
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_constant_number_of_queries() -> None:
    world = make_world()
    _published_run(world, locked_request=world.ac)
    db.session.expire_all()
    small = _count_queries(lambda: build_problem(world.event))
    bigger = make_world("bigger")
    for _ in range(5):
        extra = make_participant(bigger.event)
        make_meeting_request(extra, bigger.alice, status=RequestStatus.ACCEPTED)
    _published_run(bigger, locked_request=bigger.ac)
    db.session.expire_all()
    larger = _count_queries(lambda: build_problem(bigger.event))
    assert larger == small <= 8
