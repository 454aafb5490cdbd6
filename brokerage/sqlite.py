"""SQLite connection settings for the embedded default."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event


@event.listens_for(Engine, "connect")
def _enforce_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite ignores foreign keys unless asked, per connection.

    Without this, ON DELETE CASCADE / SET NULL never fire on the embedded default, and it
    would behave differently from PostgreSQL. Migrations switch it off again, because
    Alembic's batch mode rebuilds tables by copying and dropping them.
    """
    module = type(dbapi_connection).__module__
    if module.startswith(("sqlite3", "pysqlite")):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
