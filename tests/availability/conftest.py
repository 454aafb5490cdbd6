"""People and events for the availability tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from brokerage.registration.models import ParticipantStatus
from tests.availability.helpers import add_sessions
from tests.factories import commit, make_event, make_participant, make_user


@dataclass
class World:
    slug: str
    other_slug: str
    alice_id: int  # approved participant of event "a"
    pia_id: int  # pending participant of "a"
    bob_id: int  # participant of "b"
    session_ids: list[int]  # of "a", in time order
    slot_ids: list[int]  # of "a", in time order
    other_session_id: int  # of "b"
    other_slot_id: int  # of "b"


@pytest.fixture
def world(app) -> World:
    """Event "a" (organiser a-org@, participants alice@ approved and pia@ pending, plus
    carl@ cancelled and rita@ rejected), event "b" (organiser b-org@, participant bob@), and
    plain@ with no registration."""
    with app.app_context():
        a_org = make_user("a-org@example.org")
        b_org = make_user("b-org@example.org")
        make_user("admin@example.org", is_admin=True)
        make_user("plain@example.org")
        event_a = make_event("a", organiser=a_org, title="Event A")
        event_b = make_event("b", organiser=b_org, title="Event B")
        add_sessions(event_a)
        add_sessions(event_b)
        alice = make_participant(event_a, make_user("alice@example.org"), first_name="Alice")
        pia = make_participant(
            event_a, make_user("pia@example.org"), status=ParticipantStatus.PENDING
        )
        make_participant(event_a, make_user("carl@example.org"), status=ParticipantStatus.CANCELLED)
        make_participant(event_a, make_user("rita@example.org"), status=ParticipantStatus.REJECTED)
        bob = make_participant(event_b, make_user("bob@example.org"))
        sessions = event_a.sessions
        world = World(
            slug="a",
            other_slug="b",
            alice_id=alice.id,
            pia_id=pia.id,
            bob_id=bob.id,
            session_ids=[session.id for session in sessions],
            slot_ids=[slot.id for session in sessions for slot in session.slots],
            other_session_id=event_b.sessions[0].id,
            other_slot_id=event_b.sessions[0].slots[0].id,
        )
        commit()
    return world
