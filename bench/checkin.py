"""Benchmark the check-in desk and the organiser's figures for a large event.

    .venv/bin/python bench/checkin.py [--participants 1000] [--scans 300] [--postgres URL]

Builds an event with --participants approved participants in a temporary SQLite file (or in
a throwaway database made next to --postgres and dropped afterwards), logs a staff member
in through the app, and times through the test client (the whole request: access check,
form, service, commit, template):

- one scan: POST the badge token, follow the redirect to the desk page (median, p95);
- a replayed scan ("already checked in"), the same way;
- a name search on the desk (GET ?q=);
- the organiser's figures page, the CSV and the XLSX export once everyone is checked in.

Target: a scan with its desk page well under 100 ms on a laptop, so a queue at the door
moves as fast as people can hold out their badges.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from brokerage import create_app  # noqa: E402
from brokerage.checkin.tokens import badge_token  # noqa: E402
from brokerage.events.models import EventRoleKind  # noqa: E402
from brokerage.extensions import db  # noqa: E402
from config import TestConfig  # noqa: E402
from tests.conftest import BrowserClient, login  # noqa: E402
from tests.databases import throwaway_database  # noqa: E402
from tests.factories import (  # noqa: E402
    PASSWORD,
    make_event,
    make_participant,
    make_role,
    make_user,
)

FIRST_NAMES = ("Ana", "Jonas", "Marie", "Luca", "Eva", "Tomás", "Ines", "Piotr", "Sofia", "Jan")


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def summary(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {1000 * statistics.median(ordered):6.1f} ms, p95 {1000 * p95:6.1f} ms "
        f"(n={len(ordered)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--scans", type=int, default=300)
    parser.add_argument("--postgres", default="", help="a PostgreSQL server URL")
    args = parser.parse_args()
    if args.postgres:
        with throwaway_database(args.postgres, "bench_checkin") as url:
            run(args, url)
    else:
        with tempfile.TemporaryDirectory() as folder:
            run(args, f"sqlite:///{os.path.join(folder, 'bench.db')}")


def run(args: argparse.Namespace, url: str) -> None:
    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    app = create_app(config)
    app.test_client_class = BrowserClient
    with app.app_context():
        db.create_all()
        start = time.perf_counter()
        organiser = make_user("organiser@bench.example")
        staff = make_user("staff@bench.example", display_name="Desk 1")
        event = make_event("bench", organiser=organiser)
        make_role(event, staff, EventRoleKind.CHECKIN_STAFF)
        tokens = []
        for number in range(args.participants):
            person = make_participant(
                event,
                first_name=FIRST_NAMES[number % len(FIRST_NAMES)],
                last_name=f"Participant{number:05d}",
            )
            tokens.append(badge_token(event.id, person.id))
        db.session.commit()
        print(
            f"built {args.participants} approved participants in "
            f"{time.perf_counter() - start:.1f} s ({db.engine.dialect.name})"
        )

    desk = app.test_client()
    login(desk, "staff@bench.example", PASSWORD)
    csrf = desk.csrf_token("/events/bench/checkin")

    def scan(token: str) -> None:
        response = desk.post("/events/bench/checkin", data={"token": token, "csrf_token": csrf})
        assert response.status_code == 302, response.status_code
        page = desk.get("/events/bench/checkin")
        assert page.status_code == 200

    scans = min(args.scans, len(tokens))
    first = [timed(lambda token=token: scan(token)) for token in tokens[:scans]]
    replay = [timed(lambda token=token: scan(token)) for token in tokens[:50]]
    for token in tokens[scans:]:  # everyone in, for the organiser's figures
        scan(token)
    search = [
        timed(lambda query=query: desk.get("/events/bench/checkin", query_string={"q": query}))
        for query in ("ana", "participant0042", "tomas", "jonas part", "zzz") * 10
    ]

    organiser_client = app.test_client()
    login(organiser_client, "organiser@bench.example", PASSWORD)
    figures = [
        timed(lambda: organiser_client.get("/events/bench/manage/checkin")) for _ in range(5)
    ]
    csv_times = [
        timed(lambda: organiser_client.get("/events/bench/manage/checkin.csv")) for _ in range(3)
    ]
    xlsx_times = [
        timed(lambda: organiser_client.get("/events/bench/manage/checkin.xlsx")) for _ in range(3)
    ]

    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores")
    print(f"scan + desk page (first scan)   {summary(first)}")
    print(f"scan + desk page (replayed)     {summary(replay)}")
    print(f"name search on the desk         {summary(search)}")
    print(f"figures page, all checked in    {summary(figures)}")
    print(f"CSV export ({args.participants} rows)          {summary(csv_times)}")
    print(f"XLSX export ({args.participants} rows)         {summary(xlsx_times)}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
