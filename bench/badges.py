"""Benchmark badge PDFs: 1,000 badges in one PDF, A6 (one per page) and A4 (four per sheet).

    .venv/bin/python bench/badges.py [--participants 1000] [--layout a6|a4|both]

Builds an event in a temporary SQLite file: approved participants spread over three types,
names of every length (some Greek, Cyrillic and accented), organisations and countries, and
an SVG logo. Then, for each layout, in a fresh process (so peak memory is that layout's own),
it times the steps the organiser's download runs, and counts the SQL statements:

- select: the participants with organisation and type (one query, whatever the count);
- badges: QR codes (segno) and fitted text sizes;
- html: the Jinja document;
- pdf: WeasyPrint.

Target: under 30 s for 1,000 badges in one PDF.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, insert, select

from brokerage import create_app
from brokerage.auth.models import User
from brokerage.badges import documents, services
from brokerage.badges.services import BadgeSelection
from brokerage.db_types import utcnow
from brokerage.events import services as events
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Organisation, Participant, ParticipantStatus
from config import TestConfig

FIRST_NAMES = ["Ada", "Jean-Baptiste", "Αλεξάνδρα", "Владимир", "Zoë", "Maximiliane Konstantina",
               "Li", "Siobhán", "Øystein", "María José"]  # fmt: skip
LAST_NAMES = ["Lovelace", "Dvořáková-Müllerová", "Παπαδοπούλου", "Достоевский", "Ng",
              "Wolfeschlegelsteinhausenbergerdorff", "O'Brien", "van der Berg-Janssen",
              "Łukasiewicz", "García Márquez de la Fuente"]  # fmt: skip
ORGANISATIONS = ["Analytical Engines Ltd", "Université catholique de Louvain",
                 "Πανεπιστήμιο Αθηνών", "Институт прикладной математики им. М. В. Келдыша",
                 "ACME", "Fraunhofer-Institut für Produktionstechnik IPA"]  # fmt: skip
COUNTRIES = ["BE", "GR", "UA", "CZ", "DE", "FR", "NO", "PL", "ES", "IE"]
LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 60" width="120" height="60">'
    b'<rect x="2" y="2" width="56" height="56" rx="10" fill="#0b5ed7"/>'
    b'<circle cx="30" cy="30" r="16" fill="#fff"/>'
    b'<text x="66" y="40" font-family="DejaVu Sans" font-weight="bold" font-size="22" '
    b'fill="#0b5ed7">IPD</text></svg>'
)


def app_for(url: str):
    config = type("BenchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    return create_app(config)


def build_event(count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    start = utcnow().date() + timedelta(days=30)
    organiser = User(email="organiser@example.org", password_hash="!")  # noqa: S106 - no login
    db.session.add(organiser)
    bench = events.create_event(
        title="Innovation Partnering Day — Brussels 2026",
        slug="bench",
        timezone="Europe/Brussels",
        start_date=start,
        end_date=start + timedelta(days=1),
        created_by=organiser,
    )
    db.session.flush()
    type_ids = [type_.id for type_ in bench.participant_types]
    now = utcnow()
    db.session.execute(
        insert(User),
        [{"email": f"p{n}@example.org", "password_hash": "x"} for n in range(count)],
    )
    user_ids = list(db.session.scalars(select(User.id).where(User.email.like("p%@example.org"))))
    db.session.execute(
        insert(Organisation),
        [
            {
                "name": rng.choice(ORGANISATIONS),
                "type_id": rng.choice(type_ids),
                "country": rng.choice(COUNTRIES),
            }
            for _ in range(count)
        ],
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
                "first_name": rng.choice(FIRST_NAMES),
                "last_name": rng.choice(LAST_NAMES),
                "job_title": rng.choice(["", "CTO", "Head of Technology Transfer"]),
                "terms_accepted_at": now,
            }
            for user_id, organisation_id in zip(user_ids, organisation_ids, strict=True)
        ],
    )
    services.set_logo(bench, LOGO)
    db.session.commit()


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the PDF render workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_layout(url: str, layout: str) -> None:
    """One layout, in this (fresh) process; prints one line of figures."""
    app = app_for(url)
    with app.app_context(), app.test_request_context():
        import weasyprint  # noqa: F401 - loaded before the clock starts, as in a warm worker

        cpu_at_start = cpu_seconds()
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        bench = db.session.scalar(select(Event).where(Event.slug == "bench"))
        started = time.perf_counter()
        participants = services.selected_participants(bench, BadgeSelection(layout=layout))
        settings = services.settings_for(bench)
        selected = time.perf_counter()
        badges = documents.badges_for(bench, participants, settings)
        made = time.perf_counter()
        # HTML in parts of BADGES_PER_RENDER, rendered side by side on every core, joined.
        pdf = documents.badges_pdf(bench, badges, settings, layout)
        done = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    cpu_s = cpu_seconds() - cpu_at_start
    print(
        f"{layout}: {len(badges)} badges, {len(pdf) / 1e6:.1f} MB PDF in {done - started:.1f} s "
        f"(select {selected - started:.2f} s, badges {made - selected:.2f} s, "
        f"html and pdf {done - made:.1f} s); {cpu_s:.1f} s of CPU (with the render workers); "
        f"{len(statements)} SQL statements; peak memory {peak_mb:.0f} MB, "
        f"render workers {worker_peak_mb:.0f} MB each at most"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--layout", choices=["a6", "a4", "both"], default="both")
    parser.add_argument("--database-url", help=argparse.SUPPRESS)  # the child processes
    options = parser.parse_args()
    if options.database_url:
        run_layout(options.database_url, options.layout)
        return
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'badges.sqlite'}"
        app = app_for(url)
        with app.app_context():
            db.create_all()
            build_event(options.participants)
            db.engine.dispose()
        print(
            f"Python {platform.python_version()}, {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        for layout in ("a6", "a4") if options.layout == "both" else (options.layout,):
            subprocess.run(
                [sys.executable, __file__, "--layout", layout, "--database-url", url], check=True
            )


if __name__ == "__main__":
    main()
