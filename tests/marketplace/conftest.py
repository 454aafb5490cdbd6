"""Marketplace fixtures: an empty search index and suggestion cache for every test.

The suite empties the models' tables after each test; the search table is not a model, and
SQLite reuses row ids, so stale rows from another test could match new participants.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from brokerage.extensions import db
from brokerage.marketplace.suggestions import clear_cache


@pytest.fixture(autouse=True)
def _empty_search_index(app: Flask) -> Iterator[None]:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DELETE FROM participant_search"))
    clear_cache()
    yield
    clear_cache()
