"""An event with approved participants of every type and script, a pending one, check-in
staff, and a second event with its own organiser."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from pypdf import PdfReader

from brokerage.db_types import utcnow
from brokerage.events.models import EventRoleKind
from brokerage.extensions import db
from brokerage.registration.models import Participant, ParticipantStatus
from tests.factories import commit, make_event, make_participant, make_role, make_user

PEOPLE = {
    # key: (first name, last name, organisation, country, type index, registered days ago)
    "ada": ("Ada", "Lovelace", "Analytical Engines Ltd", "GB", 0, 40),
    "greek": ("Αλεξάνδρα", "Παπαδοπούλου", "Πανεπιστήμιο Αθηνών", "GR", 1, 30),
    "cyrillic": ("Владимир", "Достоевский", "Институт прикладной математики", "UA", 1, 20),
    "czech": ("Zoë", "Dvořáková-Müllerová", "Université catholique de Louvain", "BE", 2, 10),
    "html": ("<b>Bold</b>", "O'Brien & <i>Sons</i>", "<script>alert(1)</script> GmbH", "DE", 0, 1),
}


@dataclass
class World:
    slug: str
    event_id: int
    other_slug: str
    other_event_id: int
    organiser: str  # e-mails
    other_organiser: str
    staff: str
    pending: str
    outsider: str
    people: dict[str, int]  # key -> participant id
    emails: dict[str, str]
    type_ids: list[int]


def build_world(app: Flask) -> World:
    with app.app_context():
        organiser = make_user()
        event = make_event(organiser=organiser, title="Partnering Day <2026>")
        staff = make_user()
        make_role(event, staff, EventRoleKind.CHECKIN_STAFF)
        event.participant_types[0].colour = "#1e7145"
        event.participant_types[1].colour = "#ffd43b"
        event.participant_types[2].colour = "#0b3d91"
        people: dict[str, Participant] = {}
        for key, (first, last, organisation, country, type_index, days) in PEOPLE.items():
            person = make_participant(
                event,
                make_user(f"{key}-{event.slug}@example.org"),
                first_name=first,
                last_name=last,
                organisation_name=organisation,
                country=country,
            )
            person.organisation.type = event.participant_types[type_index]
            person.created_at = utcnow() - timedelta(days=days)
            people[key] = person
        pending = make_participant(
            event, first_name="Pat", last_name="Pending", status=ParticipantStatus.PENDING
        )
        other_organiser = make_user()
        other = make_event(organiser=other_organiser)
        make_participant(other, first_name="Otto", last_name="Other")
        outsider = make_user()
        db.session.flush()
        world = World(
            slug=event.slug,
            event_id=event.id,
            other_slug=other.slug,
            other_event_id=other.id,
            organiser=organiser.email,
            other_organiser=other_organiser.email,
            staff=staff.email,
            pending=pending.user.email,
            outsider=outsider.email,
            people={key: person.id for key, person in people.items()},
            emails={key: person.user.email for key, person in people.items()},
            type_ids=[type_.id for type_ in event.participant_types],
        )
        commit()
        return world


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF."""
    assert data.startswith(b"%PDF"), data[:200]
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def logout(client) -> None:
    client.post("/account/logout", data={"csrf_token": client.csrf_token("/")})
