"""Benchmark the marketplace pages on a large event.

    .venv/bin/python bench/marketplace.py [--participants 3000] [--runs 25] [--seed 1]
                                          [--database-url postgresql://...] [--markdown]

Builds an event with 3,000 approved, listed participants and 6,000 opportunities (two each;
seeded, with the demo's vocabulary: names by country, organisations, topic-specific
opportunities) in a temporary SQLite file, or in a throwaway database created on the
PostgreSQL server of --database-url (dropped afterwards). It then logs in as one participant
with Flask's test client and renders, each at least --runs times:

- search: several realistic queries, sorted by relevance;
- filter: country / type / topic / opportunity-kind combinations, sorted and paged;
- suggestions: the viewer's suggestions page (the per-event TF-IDF model cached, as in
  production after the first view; the cold build is timed separately).

It prints the median and 90th percentile of the render time and the SQL statements per page.
Target: median under 100 ms on SQLite.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, text
from werkzeug.security import generate_password_hash

from brokerage import create_app
from brokerage.auth.models import User
from brokerage.db_types import utcnow
from brokerage.demo import COUNTRIES, ORGANISATION_KINDS, TOPICS
from brokerage.events import services as events
from brokerage.extensions import db
from brokerage.marketplace.search import reindex_event
from brokerage.marketplace.suggestions import clear_cache
from brokerage.registration.models import (
    Opportunity,
    Organisation,
    Participant,
    ParticipantStatus,
)
from config import TestConfig
from tests.databases import throwaway_database

PASSWORD = "bench-password"  # noqa: S105 - a throwaway database
SEARCHES = (
    "battery",
    "recycled plastics",
    "hydrogen storage",
    "university",
    "investor seed",
    "smart grid",
    "digital twin",
    "water",
    "packaging",
    "pilot",
)
KINDS = ("offer", "request", "partnership", "")
SORTS = ("name", "organisation", "newest")


@contextmanager
def database(url: str | None) -> Iterator[str]:
    if url is None:
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'marketplace.sqlite'}"
        return
    with throwaway_database(url, "bench_marketplace") as database_url:
        yield database_url


def build_event(participant_count: int, seed: int) -> tuple[str, str]:
    """The event and its people; returns (slug, the viewer's e-mail)."""
    rng = random.Random(seed)
    start = utcnow().date() + timedelta(days=30)
    organiser = User(email="organiser@example.org")
    organiser.set_password(PASSWORD)
    db.session.add(organiser)
    bench_event = events.create_event(
        title="Marketplace benchmark",
        slug="bench",
        timezone="Europe/Brussels",
        start_date=start,
        end_date=start + timedelta(days=1),
        created_by=organiser,
    )
    type_ids = {item.name: item.id for item in bench_event.participant_types}
    topics = {item.name: item for item in bench_event.topics}
    password_hash = generate_password_hash(PASSWORD)
    now = utcnow()
    kinds = rng.choices(
        ORGANISATION_KINDS, weights=[k.count for k in ORGANISATION_KINDS], k=participant_count
    )
    for number, kind in enumerate(kinds, start=1):
        country = rng.choices(COUNTRIES, weights=[c.weight for c in COUNTRIES])[0]
        female = rng.random() < 0.5
        first = rng.choice(country.female_first if female else country.male_first)
        last = rng.choice(country.last_names(female))
        topic = rng.choice(TOPICS)
        other_topic = rng.choice([item for item in TOPICS if item is not topic])
        city = rng.choice(country.cities)
        stem = rng.choice(topic.brand_stems)
        words = {"field": topic.field.lower(), "activity": topic.activity}
        candidates = [
            (item_kind, title.format(**words), text_.format(**words))
            for item_kind, title, text_ in kind.opportunities
        ] + list(topic.opportunities)
        user = User(
            email=f"participant{number}@example.org",
            password_hash=password_hash,
            email_verified_at=now,
        )
        participant = Participant(
            event=bench_event,
            user=user,
            status=ParticipantStatus.APPROVED,
            marketplace_consent=True,
            first_name=first,
            last_name=last,
            job_title=rng.choice(kind.job_titles),
            terms_accepted_at=now,
            created_at=now - timedelta(minutes=rng.randint(0, 40_000)),
            organisation=Organisation(
                name=f"{stem} {country.company_suffix} {number}",
                type_id=type_ids[kind.type_name],
                country=country.code,
                city=city,
                description=f"Based in {city}, working on {topic.activity}.",
            ),
            topics=[topics[topic.name]]
            + ([topics[other_topic.name]] if rng.random() < 0.4 else []),
        )
        for item_kind, title, description in rng.sample(candidates, 2):
            participant.opportunities.append(
                Opportunity(
                    kind=item_kind,
                    title=title,
                    description=description,
                    topics=[topics[topic.name]],
                )
            )
        db.session.add(participant)
        if number % 500 == 0:
            db.session.flush()
    db.session.flush()
    reindex_event(bench_event)
    db.session.commit()
    return bench_event.slug, "participant1@example.org"


def filter_queries(app, slug: str, rng: random.Random) -> list[dict[str, str]]:
    with app.app_context():
        from brokerage.events.models import Event

        bench_event = db.session.scalars(db.select(Event).where(Event.slug == slug)).one()
        type_ids = [str(item.id) for item in bench_event.participant_types]
        topic_ids = [str(item.id) for item in bench_event.topics]
    countries = [country.code for country in COUNTRIES]
    queries = []
    for _ in range(40):
        query = {
            "country": rng.choice([*countries, ""]),
            "type": rng.choice([*type_ids, ""]),
            "topic": rng.choice([*topic_ids, ""]),
            "kind": rng.choice(KINDS),
            "sort": rng.choice(SORTS),
            "page": str(rng.randint(1, 3)),
        }
        queries.append({key: value for key, value in query.items() if value})
    return queries


def measure(
    app, client, runs: int, request: Callable[[int], object]
) -> tuple[list[float], list[int]]:
    times, counts = [], []
    statements = 0

    def count(*args: object) -> None:
        nonlocal statements
        statements += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for run in range(runs):
            statements = 0
            started = time.perf_counter()
            response = request(run)
            times.append((time.perf_counter() - started) * 1000)
            counts.append(statements)
            assert response.status_code == 200, response.status_code
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return times, counts


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--markdown", action="store_true")
    options = parser.parse_args()
    rng = random.Random(options.seed)

    with database(options.database_url) as url:
        config = type(
            "BenchConfig",
            (TestConfig,),
            {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False},
        )
        app = create_app(config)
        started = time.perf_counter()
        with app.app_context():
            db.create_all()
            slug, email = build_event(options.participants, options.seed)
            opportunities = db.session.scalar(db.select(db.func.count(Opportunity.id)))
            backend = db.engine.dialect.name
            if backend == "postgresql":
                # Fresh tables have no statistics yet; autovacuum gathers them in production.
                db.session.execute(text("ANALYZE"))
                db.session.commit()
        build_seconds = time.perf_counter() - started

        client = app.test_client()
        login = client.post("/account/login", data={"email": email, "password": PASSWORD})
        assert login.status_code == 302, login.status_code
        base = f"/events/{slug}/marketplace"
        filters = filter_queries(app, slug, rng)

        clear_cache()
        cold_started = time.perf_counter()
        assert client.get(f"{base}/suggestions").status_code == 200
        cold_ms = (time.perf_counter() - cold_started) * 1000

        # One warm-up of each kind (template compilation, country names), not measured.
        client.get(base, query_string={"q": "battery"})
        client.get(base, query_string=filters[0])
        results = {
            "search": measure(
                app,
                client,
                options.runs,
                lambda run: client.get(base, query_string={"q": SEARCHES[run % len(SEARCHES)]}),
            ),
            "filter": measure(
                app,
                client,
                options.runs,
                lambda run: client.get(base, query_string=filters[run % len(filters)]),
            ),
            "suggestions": measure(
                app, client, options.runs, lambda run: client.get(f"{base}/suggestions")
            ),
        }
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()

    load = os.getloadavg()
    print(
        f"{backend}: {options.participants} participants, {opportunities} opportunities "
        f"(built in {build_seconds:.1f} s); {options.runs} runs per page kind"
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    header = "| page | median ms | p90 ms | SQL statements per page |"
    print(header if options.markdown else "page          median     p90   statements")
    if options.markdown:
        print("|---|---:|---:|---:|")
    for name, (times, counts) in results.items():
        median, p90 = statistics.median(times), percentile(times, 0.9)
        spread = f"{min(counts)}" if min(counts) == max(counts) else f"{min(counts)}–{max(counts)}"
        if options.markdown:
            print(f"| {name} | {median:.1f} | {p90:.1f} | {spread} |")
        else:
            print(f"{name:<12} {median:7.1f} {p90:7.1f}   {spread}")
    print(f"suggestions, first view (TF-IDF model built): {cold_ms:.0f} ms")


if __name__ == "__main__":
    main()
