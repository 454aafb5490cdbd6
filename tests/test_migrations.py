"""The migrations build exactly the schema the models describe, and undo it again.

Each backend gets a fresh, empty database of its own: a temporary SQLite file, and on
PostgreSQL (when TEST_DATABASE_URL points there) a throwaway database created next to the
test database, so the session-wide schema of tests/conftest.py is never touched.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect

from brokerage import create_app
from brokerage.extensions import db
from brokerage.marketplace.search import include_in_migrations
from config import TestConfig, normalise_database_url
from tests.databases import throwaway_database

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

# migrations/env.py (Flask-Migrate's template) tries the deprecated db.get_engine() first.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@pytest.fixture
def _logging_restored() -> Iterator[None]:
    """Alembic's env.py calls logging.config.fileConfig, which disables existing loggers
    and replaces the root handlers; put everything back for the tests that follow."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    loggers = {
        name: (logger.disabled, logger.level)
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            disabled, old_level = loggers.get(name, (False, logging.NOTSET))
            logger.disabled = disabled
            logger.setLevel(old_level)


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return normalise_database_url(url) if url.startswith(("postgres", "postgresql")) else None


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'migrations.sqlite'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    base = _postgres_url()
    if base is None:
        pytest.skip("TEST_DATABASE_URL does not point at PostgreSQL")
    with throwaway_database(base, "brokerage_migrations_test") as url:
        yield url


def _app_for(url: str) -> Flask:
    class MigrationTestConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(MigrationTestConfig)


def _schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_in_migrations}
        )
        return compare_metadata(context, db.metadata)


def _check_upgrade_and_downgrade(url: str) -> None:
    assert any((MIGRATIONS / "versions").glob("*.py")), (
        "no migrations yet: generate one with `flask --app brokerage db migrate -m ...`"
    )
    app = _app_for(url)
    with app.app_context():
        try:
            flask_migrate.upgrade()
            differences = _schema_differences()
            assert differences == [], (
                "the migrations and the models disagree; generate a migration with "
                f"`flask --app brokerage db migrate`: {differences}"
            )

            flask_migrate.downgrade(revision="base")
            inspector = inspect(db.engine)
            assert set(inspector.get_table_names()) <= {"alembic_version"}

            # And up again: a downgrade must leave nothing behind that blocks an upgrade.
            flask_migrate.upgrade()
            assert _schema_differences() == []
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.mark.usefixtures("_logging_restored")
def test_migrations_match_the_models_on_sqlite(sqlite_url: str) -> None:
    _check_upgrade_and_downgrade(sqlite_url)


@pytest.mark.postgres
@pytest.mark.usefixtures("_logging_restored")
def test_migrations_match_the_models_on_postgresql(postgres_url: str) -> None:
    _check_upgrade_and_downgrade(postgres_url)
