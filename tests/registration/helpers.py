"""Shared helpers for the registration tests: a valid form payload and quick look-ups."""

from __future__ import annotations

from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Organisation, Participant


def registration_form(event: Event, **overrides: object) -> dict:
    """A complete, valid registration form for the event, as a browser would post it."""
    data: dict[str, object] = {
        "first_name": "Grace",
        "last_name": "Hopper",
        "job_title": "Head of research",
        "phone": "+32 2 123 45 67",
        "organisation_name": "Compilers Ltd",
        "type_id": str(event.participant_types[0].id),
        "country": "BE",
        "city": "Leuven",
        "website": "compilers.example.org",
        "size": "10-49",
        "organisation_description": "We build compilers.",
        "topics": [str(event.topics[0].id), str(event.topics[1].id)],
        "opportunities-0-id": "",
        "opportunities-0-kind": "offer",
        "opportunities-0-title": "Compiler consulting",
        "opportunities-0-description": "Fast code for your chips.",
        "opportunities-0-topics": [str(event.topics[1].id)],
        "marketplace_consent": "y",
        "terms_accepted": "y",
    }
    return changed(data, **overrides)


def changed(form: dict, **overrides: object) -> dict:
    """A copy of the form with fields replaced; None removes a field."""
    data = dict(form)
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def count(model: type) -> int:
    return db.session.scalar(db.select(db.func.count(model.id)))


def counts() -> tuple[int, int]:
    return count(Participant), count(Organisation)


def the_participant() -> Participant:
    return db.session.scalars(db.select(Participant)).one()
