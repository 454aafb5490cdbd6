"""Two events: ours with an organiser, check-in staff and participants; another with its own."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from brokerage.checkin.tokens import badge_token
from brokerage.events.models import EventRoleKind
from brokerage.registration.models import ParticipantStatus
from tests.conftest import BrowserClient, login
from tests.factories import PASSWORD, commit, make_event, make_participant, make_role, make_user


@dataclass
class World:
    slug: str
    event_id: int
    other_slug: str
    organiser: str  # e-mails
    staff: str
    other_staff: str
    admin: str
    people: dict[str, int]  # participant ids: ada, bob (approved), pia (pending), eve (other event)
    emails: dict[str, str]
    staff_id: int
    tokens: dict[str, str]  # badge tokens of ada, bob, pia, and eve (of the other event)


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        organiser = make_user("org@example.org", display_name="Olga Organiser")
        staff = make_user("staff@example.org", display_name="Sam Staff")
        other_staff = make_user("other-staff@example.org")
        admin = make_user("root@example.org", is_admin=True)
        event = make_event(organiser=organiser, timezone="Europe/Brussels")
        other = make_event()
        make_role(event, staff, EventRoleKind.CHECKIN_STAFF)
        make_role(other, other_staff, EventRoleKind.CHECKIN_STAFF)
        ada = make_participant(
            event,
            make_user("ada@example.org"),
            first_name="José",
            last_name="Müller",
            organisation_name="Électricité Ltd",
            country="FR",
        )
        bob = make_participant(
            event,
            make_user("bob@example.org"),
            first_name="Bob",
            last_name="Babbage",
            organisation_name="Engines plc",
            country="GB",
        )
        pia = make_participant(
            event,
            make_user("pia@example.org"),
            first_name="Pia",
            last_name="Pending",
            status=ParticipantStatus.PENDING,
        )
        eve = make_participant(
            other, make_user("eve@example.org"), first_name="Eve", last_name="Else"
        )
        world = World(
            slug=event.slug,
            event_id=event.id,
            other_slug=other.slug,
            organiser=organiser.email,
            staff=staff.email,
            other_staff=other_staff.email,
            admin=admin.email,
            people={"ada": ada.id, "bob": bob.id, "pia": pia.id, "eve": eve.id},
            emails={"ada": "ada@example.org", "bob": "bob@example.org"},
            staff_id=staff.id,
            tokens={
                "ada": badge_token(event.id, ada.id),
                "bob": badge_token(event.id, bob.id),
                "pia": badge_token(event.id, pia.id),
                "eve": badge_token(other.id, eve.id),
            },
        )
        commit()
        return world


def as_user(client: BrowserClient, email: str) -> BrowserClient:
    login(client, email, PASSWORD)
    return client


def desk_url(world: World) -> str:
    return f"/events/{world.slug}/checkin"


def scan(client: BrowserClient, world: World, token: str) -> str:
    """Post a scan like the scanner does, follow the redirect, return the desk's HTML."""
    response = client.submit(desk_url(world), {"token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    assert response.headers["Location"].endswith(desk_url(world))
    page = client.get(desk_url(world))
    assert page.status_code == 200
    return page.get_data(as_text=True)
