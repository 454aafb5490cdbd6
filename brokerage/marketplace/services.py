"""Who may browse the marketplace, and who is listed in it.

- Listed: approved participants of the event who agreed to appear (marketplace_consent).
- Browsing: approved participants of the event, and its organisers (and admins). Anyone
  else gets a refusal whose message says what to do.
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask import g
from sqlalchemy import func

from brokerage.access import is_organiser
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.marketplace.search import listed_participants
from brokerage.registration.models import Organisation, Participant, ParticipantStatus
from brokerage.registration.services import registration_of


class MarketplaceClosed(PermissionError):
    """The user may not browse this event's marketplace; the message says why."""


def viewer_of(event: Event, user: Any) -> Participant | None:
    """The user's approved registration when they may browse; None for organisers.

    Raises MarketplaceClosed for everyone else. The answer is kept for the request, so the
    navigation can show the link without asking the database again.
    """
    participant = registration_of(event, user)
    if participant is not None and participant.status is ParticipantStatus.APPROVED:
        _remember(event, True)
        return participant
    if is_organiser(event, user):
        _remember(event, True)
        return None
    _remember(event, False)
    if participant is not None and participant.status is ParticipantStatus.PENDING:
        raise MarketplaceClosed(
            "Your registration is waiting for the organisers' approval. The marketplace "
            "opens to you once it is approved."
        )
    raise MarketplaceClosed(
        "The marketplace is open to the approved participants of this event: register to "
        "see the marketplace."
    )


def may_browse(event: Event, user: Any) -> bool:
    cache = g.setdefault("marketplace_access", {})
    if event.id not in cache:
        with contextlib.suppress(MarketplaceClosed):
            viewer_of(event, user)
    return cache[event.id]


def _remember(event: Event, allowed: bool) -> None:
    g.setdefault("marketplace_access", {})[event.id] = allowed


def listed_participant_or_none(event: Event, participant_id: int) -> Participant | None:
    return db.session.scalar(listed_participants(event).where(Participant.id == participant_id))


def listed_countries(event: Event) -> list[str]:
    """The countries of listed participants, for the filter."""
    return list(
        db.session.scalars(
            listed_participants(event)
            .join(Participant.organisation)
            .with_only_columns(Organisation.country)
            .distinct()
        )
    )


def listed_count(event: Event) -> int:
    return (
        db.session.scalar(listed_participants(event).with_only_columns(func.count(Participant.id)))
        or 0
    )
