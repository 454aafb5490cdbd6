"""People and an event for the event set-up tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import login
from tests.factories import commit, make_event, make_participant, make_user


@dataclass
class World:
    event_id: int
    slug: str
    other_slug: str
    admin_email: str
    organiser_email: str
    other_organiser_email: str
    participant_email: str
    plain_email: str


@pytest.fixture
def world(app) -> World:
    """Event A with an organiser and a participant; event B with its own organiser."""
    with app.app_context():
        admin = make_user("admin@example.org", is_admin=True)
        organiser = make_user("organiser@example.org")
        other_organiser = make_user("other@example.org")
        participant_user = make_user("participant@example.org")
        make_user("plain@example.org")
        event = make_event("event-a", organiser=organiser, title="Event A")
        make_event("event-b", organiser=other_organiser, title="Event B")
        make_participant(event, participant_user)
        world = World(
            event_id=event.id,
            slug=event.slug,
            other_slug="event-b",
            admin_email=admin.email,
            organiser_email=organiser.email,
            other_organiser_email=other_organiser.email,
            participant_email=participant_user.email,
            plain_email="plain@example.org",
        )
        commit()
    return world


@pytest.fixture
def as_organiser(client, world):
    login(client, world.organiser_email, "correct horse battery")
    return client


@pytest.fixture
def as_admin(client, world):
    login(client, world.admin_email, "correct horse battery")
    return client
