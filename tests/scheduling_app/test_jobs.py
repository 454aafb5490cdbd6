"""Runs in the background: the job, the thread path, RQ on Redis, cancel, crashes, one run."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from brokerage import create_app
from brokerage.extensions import db
from brokerage.scheduling import jobs
from brokerage.scheduling.models import (
    RunMode,
    RunState,
    ScheduledMeeting,
    ScheduleRun,
    UnscheduledRequest,
)
from brokerage.scheduling.services import ScheduleError, build_problem, save_result
from brokerage.scheduling.solver import SolveOptions, solve
from config import TestConfig
from tests.scheduling_app.world import make_world

FAST = jobs.RunOptions(time_limit=5, workers=1)


def _meetings(run_id: int) -> int:
    return db.session.scalar(
        select(func.count(ScheduledMeeting.id)).where(ScheduledMeeting.run_id == run_id)
    )


@pytest.mark.usefixtures("app_ctx")
def test_save_result_round_trip() -> None:
    world = make_world()
    run = ScheduleRun(event_id=world.event.id, state=RunState.RUNNING)
    db.session.add(run)
    db.session.flush()
    build = build_problem(world.event)
    result = solve(build.problem, SolveOptions(time_limit=10, workers=1))
    save_result(run, build, result)
    db.session.commit()
    db.session.expire_all()

    saved = db.session.get(ScheduleRun, run.id)
    assert saved.state is RunState.FINISHED
    assert saved.solver_status == "OPTIMAL"
    assert saved.figures["scheduled_count"] == 3
    assert saved.figures["requested"] == 3
    assert saved.figures["per_participant"][str(world.alice.id)]["meetings"] == 2
    placed = {(m.request_id, m.slot_id, m.table.label) for m in saved.meetings}
    assert (world.ab.id, world.slots[0].id, "T3") in placed  # Alice's booth
    assert {m.request_id for m in saved.meetings} == {world.ab.id, world.ac.id, world.bc.id}
    assert saved.unscheduled == []


@pytest.mark.usefixtures("app_ctx")
def test_unscheduled_requests_keep_their_reason() -> None:
    world = make_world()
    world.event.max_meetings_per_participant = 1
    run = ScheduleRun(event_id=world.event.id, state=RunState.RUNNING)
    db.session.add(run)
    db.session.flush()
    build = build_problem(world.event)
    save_result(run, build, solve(build.problem, SolveOptions(time_limit=10, workers=1)))
    db.session.commit()
    left = db.session.scalars(select(UnscheduledRequest)).all()
    assert len(left) == 2  # three people, one meeting each: one meeting only
    assert all(item.reason for item in left)


@pytest.mark.usefixtures("app_ctx")
def test_job_runs_and_saves(monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world()
    run = jobs.start_run(world.event, world.organiser, FAST)
    db.session.commit()
    lines: list[str] = []
    finished = jobs.execute_run(run.id, report=lines.append)
    assert finished is not None
    assert finished.state is RunState.FINISHED
    assert _meetings(run.id) == 3
    assert finished.progress["phase"] == "done"
    assert "Built the problem" in finished.log
    assert any("Saved in" in line for line in lines)


@pytest.mark.usefixtures("app_ctx")
def test_a_second_start_is_refused_while_one_is_active() -> None:
    world = make_world()
    jobs.start_run(world.event, world.organiser, FAST)
    db.session.commit()
    with pytest.raises(ScheduleError, match=r"already in progress \(started by .* at \d\d:\d\d\)"):
        jobs.start_run(world.event, world.organiser, FAST)
    db.session.rollback()
    assert db.session.scalar(select(func.count(ScheduleRun.id))) == 1


@pytest.mark.usefixtures("app_ctx")
def test_cancel_keeps_the_best_schedule_found() -> None:
    world = make_world()
    run = jobs.start_run(world.event, world.organiser, FAST)
    db.session.commit()
    # The organiser presses Cancel as the run starts: the first poll stops the solver.
    run.cancel_requested = True
    db.session.commit()
    finished = jobs.execute_run(run.id)
    assert finished.state is RunState.CANCELLED
    assert finished.figures["scheduled_count"] == _meetings(run.id)
    assert "stopped by an organiser" in finished.log


@pytest.mark.usefixtures("app_ctx")
def test_cancelling_a_queued_run_ends_it_at_once() -> None:
    world = make_world()
    run = jobs.start_run(world.event, world.organiser, FAST)
    jobs.request_cancel(run)
    db.session.commit()
    assert run.state is RunState.CANCELLED
    assert jobs.execute_run(run.id) is None  # a worker taking it later does nothing
    with pytest.raises(ScheduleError, match="already ended"):
        jobs.request_cancel(run)


@pytest.mark.usefixtures("app_ctx")
def test_a_crash_marks_the_run_failed_with_its_log_and_no_meetings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = make_world()
    run = jobs.start_run(world.event, world.organiser, FAST)
    db.session.commit()

    def crash(*args, **kwargs):
        raise RuntimeError("the disk is full")

    # Crash after the meetings were written: they must be rolled back with the rest.
    real_save = jobs.save_result

    def save_then_crash(*args, **kwargs):
        real_save(*args, **kwargs)
        crash()

    monkeypatch.setattr(jobs, "save_result", save_then_crash)
    failed = jobs.execute_run(run.id)
    assert failed.state is RunState.FAILED
    assert "RuntimeError: the disk is full" in failed.log
    assert failed.finished_at is not None
    assert _meetings(run.id) == 0
    # The event is free again.
    assert jobs.start_run(world.event, world.organiser, FAST).state is RunState.QUEUED


@pytest.mark.usefixtures("app_ctx")
def test_a_run_whose_worker_died_is_marked_failed() -> None:
    world = make_world()
    run = jobs.start_run(world.event, world.organiser, FAST)
    run.state = RunState.RUNNING
    run.started_at = run.created_at - timedelta(minutes=10)
    run.progress = {"heartbeat": (run.created_at - timedelta(minutes=9)).isoformat()}
    db.session.commit()
    assert jobs.is_stale(run)
    assert jobs.mark_stale_runs(world.event) == [run]
    assert run.state is RunState.FAILED
    assert "worker stopped" in run.log


@pytest.mark.usefixtures("app_ctx")
def test_options_are_bounded() -> None:
    with pytest.raises(ScheduleError, match="time limit"):
        jobs.RunOptions(time_limit=1)
    with pytest.raises(ScheduleError, match="time limit"):
        jobs.RunOptions(time_limit=3601)


@pytest.mark.usefixtures("app_ctx")
def test_incremental_needs_a_published_run() -> None:
    world = make_world()
    with pytest.raises(ScheduleError, match="none is published"):
        jobs.start_run(world.event, world.organiser, jobs.RunOptions(mode=RunMode.INCREMENTAL))


# --- the thread path, with real connections -------------------------------------------------


@pytest.fixture
def threaded_app(app: Flask, tmp_path) -> Iterator[Flask]:
    """An app whose threads get connections of their own, like production.

    In-memory SQLite shares one connection between threads; a file gives each its own.
    PostgreSQL is fine as it is.
    """
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        yield app
        return
    config = type(
        "FileConfig",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'threads.sqlite'}", "REDIS_URL": None},
    )
    file_app = create_app(config)
    with file_app.app_context():
        db.create_all()
    yield file_app
    with file_app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_thread_path_end_to_end(threaded_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(threaded_app.config, "REDIS_URL", None)
    with threaded_app.app_context():
        world = make_world("threaded")
        run = jobs.start_run(world.event, world.organiser, FAST)
        db.session.commit()
        jobs.enqueue_run(run)
        assert jobs.wait_for_thread(run.id, timeout=60)
        db.session.expire_all()
        run = db.session.get(ScheduleRun, run.id)
        assert run.state is RunState.FINISHED, run.log
        assert _meetings(run.id) == 3
        db.session.remove()


def test_two_organisers_pressing_run_at_once_start_one_run(threaded_app: Flask) -> None:
    with threaded_app.app_context():
        world = make_world("race")
        event_id, user_id = world.event.id, world.organiser.id
        db.session.commit()
        db.session.remove()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def press_run() -> None:
        from brokerage.auth.models import User
        from brokerage.events.models import Event

        with threaded_app.app_context():
            event = db.session.get(Event, event_id)
            user = db.session.get(User, user_id)
            barrier.wait()
            try:
                jobs.start_run(event, user, FAST)
                db.session.commit()
                outcomes.append("started")
            except ScheduleError as error:
                db.session.rollback()
                outcomes.append(str(error))
            except Exception as error:  # SQLite: the other writer holds the lock
                db.session.rollback()
                outcomes.append(f"refused: {type(error).__name__}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=press_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes.count("started") == 1, outcomes
    with threaded_app.app_context():
        assert db.session.scalar(select(func.count(ScheduleRun.id))) == 1
        db.session.remove()


# --- RQ on the real Redis ---------------------------------------------------------------


@pytest.fixture
def redis_queue(app: Flask, monkeypatch: pytest.MonkeyPatch):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: the RQ path needs a real Redis")
    from redis import Redis
    from rq import Queue

    name = f"scheduling-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    monkeypatch.setitem(app.config, "SCHEDULE_QUEUE", name)
    connection = Redis.from_url(url)
    queue = Queue(name, connection=connection)
    yield queue
    queue.empty()
    queue.delete(delete_jobs=True)
    for key in connection.scan_iter(f"*{name}*"):
        connection.delete(key)


@pytest.mark.usefixtures("app_ctx")
def test_rq_path_on_redis(redis_queue) -> None:
    from rq import SimpleWorker

    world = make_world("redis")
    run = jobs.start_run(world.event, world.organiser, FAST)
    db.session.commit()
    jobs.enqueue_run(run)
    db.session.expire_all()
    run = db.session.get(ScheduleRun, run.id)
    assert run.job_id
    assert redis_queue.count == 1
    worker = SimpleWorker([redis_queue], connection=redis_queue.connection)
    worker.work(burst=True)
    db.session.expire_all()
    run = db.session.get(ScheduleRun, run.id)
    assert run.state is RunState.FINISHED, run.log
    assert _meetings(run.id) == 3
