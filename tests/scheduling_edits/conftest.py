from __future__ import annotations

import pytest

from tests.factories import PASSWORD, commit
from tests.scheduling_edits.helpers import World, build_world


@pytest.fixture
def world(app_ctx) -> World:
    return build_world(organiser_email="organiser@example.org")


@pytest.fixture
def published(app_ctx) -> World:
    return build_world(published=True, organiser_email="organiser@example.org")


@pytest.fixture
def committed(app) -> dict:
    """A committed draft world for the page tests; ids only (the session ends)."""
    with app.app_context():
        world = build_world(organiser_email="organiser@example.org")
        ids = {
            "slug": world.event.slug,
            "run_id": world.run.id,
            "meeting_id": world.m_ana_juergen.id,
            "zoe_omar_id": world.m_zoe_omar.id,
            "ana_zoe_id": world.m_ana_zoe.id,
            "left_out_id": world.juergen_lena.id,
            "slot_ids": [slot.id for slot in world.slots],
            "table_ids": [table.id for table in world.tables],
            "event_id": world.event.id,
        }
        commit()
    return ids


ORGANISER = ("organiser@example.org", PASSWORD)
