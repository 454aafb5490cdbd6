"""Throwaway PostgreSQL databases, for test runs and benchmarks that share one server."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text

from config import normalise_database_url


@contextmanager
def throwaway_database(server_url: str, prefix: str) -> Iterator[str]:
    """Create a database with a unique name next to `server_url`'s, yield its URL, drop it.

    A unique name keeps concurrent runs on one server (two terminals, CI beside a developer)
    from emptying each other's tables.
    """
    base = normalise_database_url(server_url)
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            # FORCE ends connections a failed run may have left open (PostgreSQL 13+).
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
