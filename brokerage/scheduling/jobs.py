"""Schedule runs in the background: an RQ job on Redis, or a thread in the web process.

The life of a run:

1. `start_run(event, user, options)` adds a `ScheduleRun` in state *queued* and flushes. The
   partial unique index on (event, active state) lets only one run per event be queued or
   running: a second start, even from another process at the same moment, fails inside a
   SAVEPOINT and becomes a `ScheduleError` naming who started the run in progress.
2. The caller commits, then calls `enqueue_run(run)`: the job must see the committed row.
   With `REDIS_URL` the job goes to the RQ queue "scheduling" (start a worker with
   `rq worker scheduling --url $REDIS_URL`); without it, a daemon thread of this process runs
   it (the embedded default).
3. `run_schedule_job(run_id)` (the job; ids only) marks the run *running*, builds the
   problem, and solves. Progress goes to `ScheduleRun.progress` in short transactions of its
   own on a separate connection (at most one a second), so nothing of the schedule is ever
   committed half-way; `cancel_requested` is re-read at most once a second. The result is
   saved in ONE transaction (`services.save_result`). Any exception marks the run *failed*,
   with the last lines of the traceback in its log, and writes no meeting.
4. A cancelled run keeps the best schedule the solver had found (state *cancelled*).

Stale runs. A worker can die (killed, out of memory, the machine restarted) without being
able to say so. A *running* run writes a heartbeat into its progress at least every
`HEARTBEAT_SECONDS`; when the heartbeat is older than the run's time limit plus
`STALE_GRACE` (2 minutes), `mark_stale_runs` marks it *failed* ("worker stopped"). A run
still *queued* after `QUEUED_GRACE` (10 minutes; no worker took it) is failed likewise. The
schedule page calls it on every view, and `start_run` before starting, so a dead run never
blocks the event.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from brokerage.db_types import utcnow
from brokerage.extensions import db
from brokerage.scheduling.models import RunMode, RunState, ScheduleRun
from brokerage.scheduling.services import (
    ScheduleError,
    build_problem,
    lock_schedule,
    save_result,
    whole_bound,
)

if TYPE_CHECKING:
    from flask import Flask

    from brokerage.auth.models import User
    from brokerage.events.models import Event
    from brokerage.scheduling.solver.problem import Progress

QUEUE_NAME = "scheduling"
MIN_TIME_LIMIT = 5
MAX_TIME_LIMIT = 3600
PROGRESS_INTERVAL = 1.0  # seconds between two progress writes
CANCEL_POLL_INTERVAL = 1.0  # seconds between two reads of cancel_requested
HEARTBEAT_SECONDS = 10.0
STALE_GRACE = timedelta(minutes=2)
QUEUED_GRACE = timedelta(minutes=10)
LOG_TAIL_LINES = 15

Report = Callable[[str], None]


@dataclass(frozen=True)
class RunOptions:
    """What the organiser asked for; stored in `ScheduleRun.options`."""

    time_limit: int = 60
    mode: RunMode = RunMode.FULL
    stability: bool = False  # stay close to the published (or latest finished) run
    fairness_cap: int | None = None
    seed: int = 0
    workers: int = 0

    def __post_init__(self) -> None:
        if not MIN_TIME_LIMIT <= self.time_limit <= MAX_TIME_LIMIT:
            raise ScheduleError(
                f"Choose a time limit from {MIN_TIME_LIMIT} to {MAX_TIME_LIMIT} seconds."
            )
        if self.fairness_cap is not None and self.fairness_cap < 0:
            raise ScheduleError("The fairness cap is a number of breaks: 0 or more.")


# --- starting ---------------------------------------------------------------------------


def active_run(event: Event) -> ScheduleRun | None:
    return db.session.scalar(
        select(ScheduleRun).where(
            ScheduleRun.event_id == event.id,
            ScheduleRun.state.in_((RunState.QUEUED, RunState.RUNNING)),
        )
    )


def stability_base(event: Event) -> ScheduleRun | None:
    """The run a stable re-optimisation stays close to: the published, or latest finished."""
    if event.published_run_id is not None:
        return db.session.get(ScheduleRun, event.published_run_id)
    return db.session.scalar(
        select(ScheduleRun)
        .where(
            ScheduleRun.event_id == event.id,
            ScheduleRun.state.in_((RunState.FINISHED, RunState.CANCELLED)),
        )
        .order_by(ScheduleRun.created_at.desc(), ScheduleRun.id.desc())
        .limit(1)
    )


def _already_running_message(event: Event) -> str:
    run = active_run(event)
    if run is None:  # it finished between the clash and this look-up
        return "A run was already in progress; look at the list of runs and try again."
    who = run.created_by.email if run.created_by is not None else "the command line"
    if run.created_by is not None and run.created_by.display_name:
        who = run.created_by.display_name
    at = event.local(run.created_at).strftime("%H:%M")
    return f"A run is already in progress (started by {who} at {at})."


def start_run(event: Event, acting_user: User | None, options: RunOptions) -> ScheduleRun:
    """A new queued run of `event`; refused while another is queued or running.

    Flushes, never commits; the caller commits and then calls `enqueue_run`.
    """
    lock_schedule(event)
    mark_stale_runs(event)
    if options.mode is RunMode.INCREMENTAL and event.published_run_id is None:
        raise ScheduleError(
            "An incremental run keeps the published schedule, and none is published yet: "
            "run a full schedule first."
        )
    previous = stability_base(event) if options.stability else None
    run = ScheduleRun(
        event_id=event.id,
        state=RunState.QUEUED,
        mode=options.mode,
        options={
            "time_limit": options.time_limit,
            "stability": options.stability,
            "fairness_cap": options.fairness_cap,
            "seed": options.seed,
            "workers": options.workers,
            "previous_run_id": previous.id if previous is not None else None,
        },
        created_by_id=acting_user.id if acting_user is not None else None,
        created_at=utcnow(),
        progress={},
        figures={},
        log="",
    )
    try:
        # The SAVEPOINT keeps the caller's transaction usable when the index refuses the row.
        with db.session.begin_nested():
            db.session.add(run)
    except IntegrityError:
        raise ScheduleError(_already_running_message(event)) from None
    return run


def enqueue_run(run: ScheduleRun) -> None:
    """Hand a committed, queued run to RQ (with REDIS_URL) or to a thread of this process."""
    from flask import current_app

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        job_id = _enqueue_on_redis(app, run)
        db.session.execute(
            update(ScheduleRun).where(ScheduleRun.id == run.id).values(job_id=job_id)
        )
        db.session.commit()
        return
    thread = threading.Thread(
        target=_thread_main, args=(app, run.id), name=f"schedule-run-{run.id}", daemon=True
    )
    _threads[run.id] = thread
    thread.start()


def _enqueue_on_redis(app: Flask, run: ScheduleRun) -> str:
    from redis import Redis
    from rq import Queue

    queue = Queue(
        app.config.get("SCHEDULE_QUEUE", QUEUE_NAME),
        connection=Redis.from_url(app.config["REDIS_URL"]),
    )
    time_limit = int(run.options.get("time_limit", 60))
    job = queue.enqueue(
        "brokerage.scheduling.jobs.run_schedule_job",
        run.id,
        job_timeout=time_limit + 600,  # building and saving on top of the solve
        result_ttl=3600,
        failure_ttl=7 * 24 * 3600,
    )
    return job.id


# In-process runs, by run id: lets tests (and a graceful shutdown) wait for them.
_threads: dict[int, threading.Thread] = {}


def wait_for_thread(run_id: int, timeout: float) -> bool:
    """Wait for the in-process run `run_id` to end; False if it is still going."""
    thread = _threads.get(run_id)
    if thread is None:
        return True
    thread.join(timeout)
    if thread.is_alive():
        return False
    _threads.pop(run_id, None)
    return True


def _thread_main(app: Flask, run_id: int) -> None:
    with app.app_context():
        try:
            execute_run(run_id)
        finally:
            db.session.remove()


# --- the job ----------------------------------------------------------------------------

_worker_app: Flask | None = None


def run_schedule_job(run_id: int) -> None:
    """The RQ job: run `run_id` in an app of its own (config from the environment)."""
    from flask import has_app_context

    if has_app_context():  # a worker inside an app (tests, `flask rq`-style wrappers)
        execute_run(run_id)
        return
    global _worker_app
    if _worker_app is None:
        from brokerage import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        try:
            execute_run(run_id)
        finally:
            db.session.remove()


class _RunMonitor:
    """Progress writes and cancel polls for one run, outside the main transaction."""

    def __init__(self, run_id: int, time_limit: float, report: Report | None) -> None:
        self.run_id = run_id
        self.time_limit = time_limit
        self.report = report
        self.snapshot: dict[str, Any] = {"time_limit": time_limit}
        self.last_write = 0.0
        self.last_poll = 0.0
        self.cancelled = False

    def _write(self) -> None:
        self.snapshot["heartbeat"] = utcnow().isoformat()
        # A connection of its own, committed at once: the organiser's page sees the progress
        # while the schedule itself is still unwritten.
        with db.engine.begin() as connection:
            connection.execute(
                update(ScheduleRun)
                .where(ScheduleRun.id == self.run_id)
                .values(progress=dict(self.snapshot))
            )
        self.last_write = time.monotonic()

    def start(self) -> None:
        self.snapshot.update(elapsed=0.0, phase="building")
        self._write()

    def on_progress(self, progress: Progress) -> None:
        self.snapshot.update(
            phase=progress.phase,
            elapsed=round(progress.elapsed, 1),
            scheduled=progress.scheduled_count,
            weight=progress.scheduled_weight,
            breaks=progress.breaks_total,
        )
        # best_bound is the current phase's objective bound: only the weight phase's bounds
        # the weight; later phases keep it.
        if progress.phase == "weight" and progress.best_bound is not None:
            self.snapshot["bound"] = whole_bound(progress.best_bound)
        if self.report is not None:
            self.report(
                f"{progress.elapsed:7.1f} s  {progress.phase:<9} "
                f"{progress.scheduled_count} meetings, weight {progress.scheduled_weight}, "
                f"breaks {progress.breaks_total if progress.breaks_total is not None else '-'}, "
                f"bound {self.snapshot.get('bound', '-')}"
            )
        if time.monotonic() - self.last_write >= PROGRESS_INTERVAL:
            self._write()

    def should_stop(self) -> bool:
        now = time.monotonic()
        if self.cancelled or now - self.last_poll < CANCEL_POLL_INTERVAL:
            return self.cancelled
        self.last_poll = now
        with db.engine.connect() as connection:
            self.cancelled = bool(
                connection.scalar(
                    select(ScheduleRun.cancel_requested).where(ScheduleRun.id == self.run_id)
                )
            )
        if now - self.last_write >= HEARTBEAT_SECONDS:
            self._write()  # the heartbeat: this worker is alive
        return self.cancelled


def execute_run(run_id: int, report: Report | None = None) -> ScheduleRun | None:
    """Run the queued run `run_id` to its end, in the current app context.

    Commits: it is the job's own unit of work (mark running; save the result in one
    transaction; or mark failed). `report` receives progress lines (the CLI prints them).
    Returns the run (finished, cancelled or failed: a crash is recorded, not raised), or
    None when it was not queued any more (cancelled or failed before a worker took it).
    """
    from brokerage.scheduling.solver import SolveOptions, solve

    run = db.session.get(ScheduleRun, run_id)
    if run is None or run.state is not RunState.QUEUED:
        db.session.rollback()
        return None
    run.state = RunState.RUNNING
    run.started_at = utcnow()
    db.session.commit()
    options = dict(run.options or {})
    time_limit = float(options.get("time_limit", 60))
    monitor = _RunMonitor(run_id, time_limit, report)
    log: list[str] = []

    def note(line: str) -> None:
        log.append(line)
        if report is not None:
            report(line)

    try:
        monitor.start()
        started = time.perf_counter()
        previous_id = options.get("previous_run_id")
        previous = db.session.get(ScheduleRun, previous_id) if previous_id else None
        build = build_problem(
            run.event,
            mode=run.mode,
            fairness_cap=options.get("fairness_cap"),
            previous_run=previous,
        )
        problem = build.problem
        note(
            f"Built the problem in {time.perf_counter() - started:.2f} s: "
            f"{len(problem.meetings)} accepted requests, {len(problem.participants)} "
            f"participants, {len(problem.slots)} slots, {problem.shared_tables} shared tables, "
            f"{len(build.locked)} locked, {len(build.kept)} kept."
        )
        # Nothing is written during the solve: end the read transaction rather than hold it.
        db.session.commit()
        solve_started = time.perf_counter()
        result = solve(
            problem,
            SolveOptions(
                time_limit=time_limit,
                workers=int(options.get("workers") or 0),
                seed=int(options.get("seed") or 0),
                previous=build.previous,
                previous_seats=build.seats,
                on_progress=monitor.on_progress,
                should_stop=monitor.should_stop,
            ),
        )
        note(
            f"Solved in {time.perf_counter() - solve_started:.1f} s: {result.status}, "
            f"{result.figures.scheduled_count} meetings, weight {result.figures.scheduled_weight}"
            + (" (stopped by an organiser)" if monitor.cancelled else "")
            + "."
        )
        save_started = time.perf_counter()
        run = db.session.get(ScheduleRun, run_id)
        if run is None:  # the event was deleted meanwhile (the cascade took the run)
            raise ScheduleError("The run no longer exists.")
        run.log = "\n".join(log)
        run.progress = {
            **monitor.snapshot,
            "phase": "done",
            "elapsed": round(result.figures.wall_time, 1),
            "scheduled": result.figures.scheduled_count,
            "weight": result.figures.scheduled_weight,
            "breaks": result.figures.breaks_total,
            "bound": result.figures.best_bound,
            "heartbeat": utcnow().isoformat(),
        }
        save_result(
            run,
            build,
            result,
            state=RunState.CANCELLED if monitor.cancelled else RunState.FINISHED,
        )
        run.log += f"\nSaved in {time.perf_counter() - save_started:.2f} s."
        db.session.commit()
        if report is not None:
            report(f"Saved in {time.perf_counter() - save_started:.2f} s.")
        return run
    except Exception:
        db.session.rollback()
        tail = traceback.format_exc().strip().splitlines()[-LOG_TAIL_LINES:]
        _mark_failed(run_id, "\n".join([*log, "The run failed:", *tail]))
        if report is not None:
            report("The run failed:\n" + "\n".join(tail))
        from flask import current_app

        current_app.logger.error("Schedule run %s failed:\n%s", run_id, "\n".join(tail))
        db.session.expire_all()
        return db.session.get(ScheduleRun, run_id)


def _mark_failed(run_id: int, log: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(
            update(ScheduleRun)
            .where(ScheduleRun.id == run_id)
            .values(state=RunState.FAILED, finished_at=utcnow(), log=log)
        )


# --- watching and stopping --------------------------------------------------------------


def _heartbeat(run: ScheduleRun) -> datetime | None:
    value = (run.progress or {}).get("heartbeat")
    if value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return run.started_at


def is_stale(run: ScheduleRun, now: datetime | None = None) -> bool:
    """A run whose worker stopped without saying so (see the module docstring)."""
    now = now or utcnow()
    if run.state is RunState.QUEUED:
        return now - run.created_at > QUEUED_GRACE
    if run.state is not RunState.RUNNING:
        return False
    beat = _heartbeat(run) or run.created_at
    time_limit = timedelta(seconds=float((run.options or {}).get("time_limit", 60)))
    return now - beat > time_limit + STALE_GRACE


def mark_stale_runs(event: Event) -> list[ScheduleRun]:
    """Mark the event's dead runs failed ("worker stopped"); flushes. Returns them."""
    stale = []
    for run in db.session.scalars(
        select(ScheduleRun).where(
            ScheduleRun.event_id == event.id,
            ScheduleRun.state.in_((RunState.QUEUED, RunState.RUNNING)),
        )
    ):
        if is_stale(run):
            waited = "no worker took it" if run.state is RunState.QUEUED else "worker stopped"
            run.state = RunState.FAILED
            run.finished_at = utcnow()
            run.log = "\n".join(
                filter(None, [run.log, f"Marked failed: {waited} (no sign of life in time)."])
            )
            stale.append(run)
    if stale:
        db.session.flush()
    return stale


def request_cancel(run: ScheduleRun) -> None:
    """Stop a run: a queued one at once; a running one at the solver's next poll, keeping
    the best schedule found so far. Flushes."""
    if run.state is RunState.QUEUED:
        run.state = RunState.CANCELLED
        run.finished_at = utcnow()
        run.log = "\n".join(filter(None, [run.log, "Cancelled before it started."]))
    elif run.state is RunState.RUNNING:
        run.cancel_requested = True
    else:
        raise ScheduleError("This run has already ended.")
    db.session.flush()
