"""App, database and client fixtures.

The schema is built once per test session; after each test every table is emptied, so tests
are independent and views can commit as they do in production. SQLite in memory by default;
PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import make_url, text

from brokerage import create_app
from brokerage.extensions import db
from brokerage.mail import Mail, outbox
from brokerage.marketplace.search import SEARCH_TABLE
from config import TestConfig
from tests.databases import throwaway_database

CSRF_PATTERN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """SQLite in memory, or a throwaway PostgreSQL database made for this test run.

    A database of its own keeps concurrent runs (two terminals, two developers on one
    machine) from emptying each other's tables mid-test.
    """
    base_url = TestConfig.SQLALCHEMY_DATABASE_URI
    if not base_url.startswith("postgresql"):
        yield base_url
        return
    with throwaway_database(base_url, f"{make_url(base_url).database}_run") as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    config = type("RunConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url})
    app = create_app(config)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request: pytest.FixtureRequest) -> Iterator[None]:
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    yield
    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{table.name}"' for table in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(table.delete())
                # The search index is not a model, and SQLite has no cascade to empty it.
                connection.execute(text(f"DELETE FROM {SEARCH_TABLE}"))  # noqa: S608 - a constant
    outbox(app).clear()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    """An application context, for tests that call services directly."""
    with app.app_context():
        yield app
        db.session.rollback()


class BrowserClient(FlaskClient):
    """A test client that fills in the CSRF token from the page, like a browser would."""

    def csrf_token(self, url: str) -> str:
        page = self.get(url)
        match = CSRF_PATTERN.search(page.get_data(as_text=True))
        if match is None:
            raise AssertionError(f"no CSRF token on {url} (status {page.status_code})")
        return match.group(1) or match.group(2)

    def submit(self, url: str, data: dict | None = None, *, form_url: str | None = None, **kwargs):
        """GET the form page (form_url or url) for its token, then POST data to url."""
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf_token(form_url or url))
        return self.post(url, data=payload, **kwargs)


@pytest.fixture
def client(app: Flask) -> BrowserClient:
    app.test_client_class = BrowserClient
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def mail_outbox(app: Flask) -> list[Mail]:
    return outbox(app)


def login(client: BrowserClient, email: str, password: str) -> None:
    response = client.submit("/account/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
