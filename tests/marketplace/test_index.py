"""The search index follows registrations: register, edit, decide, cancel, demo load."""

from __future__ import annotations

from sqlalchemy import select, text

from brokerage.auth.models import User
from brokerage.demo import load_demo
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.marketplace.search import (
    MarketplaceFilters,
    SortOrder,
    reindex_participant,
    search_participants,
)
from brokerage.registration import services as registration
from brokerage.registration.models import Participant
from tests.conftest import login
from tests.factories import PASSWORD, make_event, make_user
from tests.marketplace.helpers import index, listed
from tests.registration.helpers import registration_form


def found(event: Event, query: str) -> list[str]:
    result = search_participants(event, query, MarketplaceFilters(), SortOrder.RELEVANCE, 1, 50)
    return [participant.full_name for participant in result.items]


def test_registration_edits_decisions_and_cancellation_update_the_index(app, client):
    with app.app_context():
        organiser = make_user("organiser@example.org")
        event = make_event(organiser=organiser)
        make_user("grace@example.org")
        listed(event, "Vera", "Viewer")
        slug, event_id, organiser_id = event.slug, event.id, organiser.id
        index(event)
        form = registration_form(event)
    login(client, "grace@example.org", PASSWORD)
    assert client.submit(f"/events/{slug}/register", form).status_code == 302
    with app.app_context():
        event = db.session.get(Event, event_id)
        grace = db.session.scalars(
            select(Participant).where(Participant.first_name == "Grace")
        ).one()
        assert found(event, "compilers") == []  # pending: indexed, not listed
        registration.decide(grace, True, db.session.get(User, organiser_id))
        db.session.commit()
        assert found(event, "compilers") == ["Grace Hopper"]
        assert found(event, "consulting") == ["Grace Hopper"]

    edited = dict(form, **{"opportunities-0-title": "Quantum annealing"})
    edited.pop("terms_accepted")
    assert client.submit(f"/events/{slug}/registration", edited).status_code == 302
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert found(event, "quantum") == ["Grace Hopper"]
        assert found(event, "consulting") == []

    cancel_url = f"/events/{slug}/registration/cancel"
    assert client.submit(cancel_url).status_code == 302
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert found(event, "quantum") == []


def test_a_refused_write_leaves_the_index_as_it_was(app):
    with app.app_context():
        event = make_event()
        person = listed(event, "Vera", "Viewer", organisation="Old Name")
        index(event)
        data = registration.RegistrationData.from_participant(person)
        data.organisation_name = "New Name"
        person.first_name = "Changed"
        reindex_participant(person)
        db.session.rollback()
        rows = db.session.execute(text("SELECT organisation FROM participant_search")).all()
        assert rows == [("Old Name",)]


def test_the_demo_is_searchable(app):
    with app.app_context():
        load_demo()
        db.session.commit()
        event = db.session.scalars(select(Event).where(Event.slug == "demo")).one()
        listed_count = len(
            search_participants(event, "", MarketplaceFilters(), SortOrder.NAME, 1, 200).items
        )
        assert listed_count > 50
        some = db.session.scalars(
            select(Participant).where(
                Participant.event_id == event.id, Participant.marketplace_consent.is_(True)
            )
        ).first()
        assert some.full_name in found(event, some.last_name)
