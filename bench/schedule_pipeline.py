"""Benchmark the whole scheduling path from the database: build, solve, save.

    .venv/bin/python bench/schedule_pipeline.py [--participants 1000] [--time-limit 60]
                                                [--seed 1] [--workers 0]
                                                [--database-url postgresql://...]

Builds a demo-style event in a temporary SQLite file, or in a throwaway database created on
the PostgreSQL server of --database-url (dropped afterwards): 1,000 approved participants,
about 9 accepted requests each with a heavy tail (a few participants are asked by dozens),
some mutual or must-meet; partial availability (a quarter skip one session, a fifth block two
slots); two days of two sessions (32 slots); 150 shared tables and 20 booths. Then it times,
separately, as the background job runs them:

- build_problem(event): database rows to the solver's Problem (and the SQL statements);
- readiness(event): the figures of the schedule page (it builds the same Problem);
- solve(problem): the CP-SAT solve, with --time-limit;
- save_result(run, build, result) + commit: the bulk insert of the meetings (and statements).

Target: build + save well under 3 s together, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import time as clock
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, insert, select, text

from brokerage import create_app
from brokerage.auth.models import User
from brokerage.availability.models import SessionAbsence, SlotBlock
from brokerage.db_types import utcnow
from brokerage.events import services as events
from brokerage.events.models import Slot, Table
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest, RequestPriority, RequestStatus
from brokerage.registration.models import Organisation, Participant, ParticipantStatus
from brokerage.scheduling.models import RunState, ScheduleRun
from brokerage.scheduling.services import build_problem, readiness, save_result
from brokerage.scheduling.solver import SolveOptions, solve
from config import TestConfig
from tests.databases import throwaway_database

SHARED_TABLES = 150
BOOTHS = 20
REQUESTS_PER_PARTICIPANT = 9  # accepted meetings per participant, on average


@contextmanager
def database(url: str | None) -> Iterator[str]:
    if url is None:
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'schedule.sqlite'}"
        return
    with throwaway_database(url, "bench_schedule") as database_url:
        yield database_url


def build_event(count: int, seed: int) -> int:
    """The event, its people, requests and availability, in bulk; returns the event id."""
    rng = random.Random(seed)
    start = utcnow().date() + timedelta(days=30)
    organiser = User(email="organiser@example.org", password_hash="!")  # noqa: S106 - no login
    db.session.add(organiser)
    bench = events.create_event(
        title="Scheduling benchmark",
        slug="bench",
        timezone="Europe/Brussels",
        start_date=start,
        end_date=start + timedelta(days=1),
        created_by=organiser,
    )
    for day in (start, start + timedelta(days=1)):
        events.add_session(bench, f"{day:%a} morning", day, clock(9), clock(12, 20))
        events.add_session(bench, f"{day:%a} afternoon", day, clock(14), clock(17, 20))
    events.generate_tables(bench, SHARED_TABLES + BOOTHS)
    db.session.flush()
    now = utcnow()
    type_id = bench.participant_types[0].id
    db.session.execute(
        insert(User),
        [
            {"email": f"p{n}@example.org", "password_hash": "x", "email_verified_at": now}
            for n in range(count)
        ],
    )
    user_ids = list(db.session.scalars(select(User.id).where(User.email.like("p%@example.org"))))
    db.session.execute(
        insert(Organisation),
        [{"name": f"Organisation {n}", "type_id": type_id, "country": "BE"} for n in range(count)],
    )
    organisation_ids = list(db.session.scalars(select(Organisation.id).order_by(Organisation.id)))
    db.session.execute(
        insert(Participant),
        [
            {
                "event_id": bench.id,
                "user_id": user_id,
                "organisation_id": organisation_id,
                "status": ParticipantStatus.APPROVED,
                "first_name": "Participant",
                "last_name": str(n),
                "terms_accepted_at": now,
            }
            for n, (user_id, organisation_id) in enumerate(
                zip(user_ids, organisation_ids, strict=True)
            )
        ],
    )
    ids = list(db.session.scalars(select(Participant.id).order_by(Participant.id)))

    # Booths: the last tables belong to twenty exhibitors.
    booth_tables = db.session.scalars(
        select(Table).where(Table.event_id == bench.id).order_by(Table.position.desc())
    ).all()[:BOOTHS]
    for table, owner in zip(booth_tables, rng.sample(ids, BOOTHS), strict=True):
        table.booth_owner_id = owner

    # Requests with a heavy tail: popular participants are asked far more often.
    popularity = [rng.paretovariate(1.3) for _ in ids]
    wanted = count * REQUESTS_PER_PARTICIPANT // 2
    pairs: set[tuple[int, int]] = set()
    rows: list[dict[str, Any]] = []
    while len(rows) < wanted:
        sender = rng.choice(ids)
        recipient = rng.choices(ids, weights=popularity)[0]
        low, high = sorted((sender, recipient))
        if low == high or (low, high) in pairs:
            continue
        pairs.add((low, high))
        roll = rng.random()
        rows.append(
            {
                "event_id": bench.id,
                "sender_id": sender,
                "recipient_id": recipient,
                "pair_low_id": low,
                "pair_high_id": high,
                "status": RequestStatus.ACCEPTED,
                "priority": RequestPriority.MUST_MEET if roll < 0.05 else RequestPriority.NORMAL,
                "mutual": 0.05 <= roll < 0.2,
                "created_at": now,
                "updated_at": now,
            }
        )
    # Some noise the build must leave out.
    for status in (RequestStatus.PENDING, RequestStatus.DECLINED, RequestStatus.CANCELLED):
        for _ in range(count // 10):
            sender, recipient = rng.sample(ids, 2)
            low, high = sorted((sender, recipient))
            if (low, high) in pairs:
                continue
            pairs.add((low, high))
            rows.append({**rows[0], "sender_id": sender, "recipient_id": recipient,
                         "pair_low_id": low, "pair_high_id": high, "status": status})  # fmt: skip
    db.session.execute(insert(MeetingRequest), rows)

    sessions = [session.id for session in bench.sessions]
    slot_ids = list(db.session.scalars(select(Slot.id).where(Slot.session_id.in_(sessions))))
    absences = [
        {"participant_id": pid, "session_id": rng.choice(sessions)}
        for pid in ids
        if rng.random() < 0.25
    ]
    blocks = [
        {"participant_id": pid, "slot_id": slot}
        for pid in ids
        if rng.random() < 0.2
        for slot in rng.sample(slot_ids, 2)
    ]
    db.session.execute(insert(SessionAbsence), absences)
    db.session.execute(insert(SlotBlock), blocks)
    db.session.commit()
    return bench.id


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def timed(action: Callable[[], Any]) -> tuple[Any, float, int]:
    with counting() as statements:
        started = time.perf_counter()
        value = action()
        seconds = time.perf_counter() - started
    return value, seconds, len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()

    with database(options.database_url) as url:
        config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
        app = create_app(config)
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            event_id = build_event(options.participants, options.seed)
            setup_seconds = time.perf_counter() - started
            backend = db.engine.dialect.name
            if backend == "postgresql":
                db.session.execute(text("ANALYZE"))  # fresh tables have no statistics yet
                db.session.commit()
            from brokerage.events.models import Event

            bench = db.session.get(Event, event_id)
            db.session.expire_all()

            build, build_s, build_q = timed(lambda: build_problem(bench))
            db.session.commit()
            db.session.expire_all()
            _, ready_s, ready_q = timed(lambda: readiness(bench))
            db.session.commit()

            problem = build.problem
            started = time.perf_counter()
            result = solve(
                problem, SolveOptions(time_limit=options.time_limit, workers=options.workers)
            )
            solve_s = time.perf_counter() - started

            run = ScheduleRun(event_id=event_id, state=RunState.RUNNING, options={})
            db.session.add(run)
            db.session.commit()

            def save() -> None:
                save_result(run, build, result)
                db.session.commit()

            _, save_s, save_q = timed(save)
            db.session.remove()
            db.drop_all()
            db.engine.dispose()

    load = os.getloadavg()
    figures = result.figures
    bound = "-" if figures.best_bound is None else f"{figures.best_bound:.0f}"
    print(
        f"{backend}: {len(problem.participants)} participants, {len(problem.meetings)} accepted "
        f"requests, {len(problem.slots)} slots, {problem.shared_tables} shared tables + "
        f"{BOOTHS} booths (event built in {setup_seconds:.1f} s)"
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(f"build_problem   {build_s:7.3f} s  {build_q:3d} SQL statements")
    print(f"readiness       {ready_s:7.3f} s  {ready_q:3d} SQL statements")
    print(
        f"solve           {solve_s:7.1f} s  {result.status}: {figures.scheduled_count} meetings, "
        f"weight {figures.scheduled_weight} (bound {bound}), "
        f"breaks {figures.breaks_total}, time limit {options.time_limit:g} s"
    )
    print(f"save_result     {save_s:7.3f} s  {save_q:3d} SQL statements (commit included)")
    print(f"build + save    {build_s + save_s:7.3f} s  (target: well under 3 s)")


if __name__ == "__main__":
    main()
