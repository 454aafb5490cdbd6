"""Two approved participants of one event, logged-in clients for them, and an organiser."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import BrowserClient, login
from tests.factories import PASSWORD, commit, make_event, make_participant, make_user


@dataclass
class World:
    slug: str
    event_id: int
    alice: int  # participant ids
    bob: int
    carol: int
    organiser_email: str = "organiser@example.org"


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        organiser = make_user("organiser@example.org")
        event = make_event(organiser=organiser)
        alice = make_participant(event, make_user("alice@example.org"), first_name="Alice")
        bob = make_participant(event, make_user("bob@example.org"), first_name="Bob")
        carol = make_participant(event, make_user("carol@example.org"), first_name="Carol")
        commit()
        return World(event.slug, event.id, alice.id, bob.id, carol.id)


def logged_in(app, email: str) -> BrowserClient:
    app.test_client_class = BrowserClient
    client = app.test_client()
    login(client, email, PASSWORD)
    return client
