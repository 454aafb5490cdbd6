"""A marketplace page costs the same number of SQL statements whatever its size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event as sa_event

from brokerage.extensions import db
from brokerage.registration.models import OpportunityKind as Kind
from tests.conftest import login
from tests.factories import PASSWORD, make_event
from tests.marketplace.helpers import index, listed

TOPICS = ("Circular economy", "Digital growth", "Energy transition")


@contextmanager
def counted_statements(app) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def crowd(app) -> str:
    with app.app_context():
        event = make_event()
        viewer = listed(
            event,
            "Vera",
            "Viewer",
            topics=("Circular economy",),
            opportunities=((Kind.REQUEST, "Solar panels", "Recycled solar panels"),),
        )
        viewer.user.email = "viewer@example.org"
        for number in range(70):
            listed(
                event,
                f"Person{number:02d}",
                "Solar",
                country=("BE", "FR", "DE")[number % 3],
                topics=(TOPICS[number % 3], TOPICS[(number + 1) % 3]),
                opportunities=(
                    (Kind.OFFER, f"Solar panels model {number}", "Recycled solar panels"),
                    (Kind.REQUEST, "Investors", "Seed funding for solar"),
                ),
            )
        slug = event.slug
        index(event)
    return slug


def statements_for(app, client, url: str, **query) -> int:
    client.get(url, query_string=query)  # warm caches (suggestion model, country names)
    with counted_statements(app) as statements:
        response = client.get(url, query_string=query)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "solar panels"},
        {"country": "FR", "kind": "offer"},
        {"q": "recycled", "country": "BE", "sort": "name"},
    ],
)
def test_search_and_filter_pages_make_a_constant_number_of_queries(app, client, crowd, query):
    login(client, "viewer@example.org", PASSWORD)
    url = f"/events/{crowd}/marketplace"
    small = statements_for(app, client, url, per_page="10", **query)
    large = statements_for(app, client, url, per_page="50", **query)
    assert small == large
    assert small <= 15


def test_suggestions_make_a_constant_number_of_queries(app, client, crowd):
    login(client, "viewer@example.org", PASSWORD)
    url = f"/events/{crowd}/marketplace/suggestions"
    warm = statements_for(app, client, url)
    assert warm <= 15
    html = client.get(url).get_data(as_text=True)
    assert html.count("<strong>Why:</strong>") == 20
