"""Building listed participants and meeting requests for the marketplace tests."""

from __future__ import annotations

from brokerage.events.models import Event, Topic
from brokerage.extensions import db
from brokerage.marketplace.search import reindex_event
from brokerage.registration.models import OpportunityKind, Participant
from tests.factories import make_opportunity, make_participant


def topic(event: Event, name: str) -> Topic:
    return next(item for item in event.topics if item.name == name)


def listed(
    event: Event,
    first_name: str,
    last_name: str,
    *,
    organisation: str | None = None,
    description: str = "",
    topics: tuple[str, ...] = (),
    opportunities: tuple[tuple[OpportunityKind, str, str], ...] = (),
    **fields,
) -> Participant:
    """A participant with topics and opportunities (kind, title, description)."""
    participant = make_participant(
        event, first_name=first_name, last_name=last_name, organisation_name=organisation, **fields
    )
    participant.organisation.description = description
    participant.topics = [topic(event, name) for name in topics]
    for kind, title, text in opportunities:
        make_opportunity(participant, kind, title=title, description=text)
    db.session.flush()
    return participant


def index(event: Event) -> None:
    """Rows made by factories bypass the services: index the event as the demo loader does."""
    reindex_event(event)
    db.session.commit()
