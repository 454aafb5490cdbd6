"""Subscribable calendar feeds: an unguessable, revocable token per participant.

The token is `<participant id>-<secret>`; the secret is `secrets.token_urlsafe(32)` (256 bits)
and is compared in constant time. Regenerating replaces the secret, so the old URL stops
working at once. The feed needs no login: whoever holds the URL sees the agenda, which is
why the participant can revoke it.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from brokerage.agendas.models import CalendarFeed
from brokerage.db_types import utcnow
from brokerage.extensions import db
from brokerage.registration.models import Participant

# Fetch times are recorded at most this often: clients poll feeds every few minutes.
FETCH_RECORD_INTERVAL = timedelta(hours=1)


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def feed_of(participant: Participant) -> CalendarFeed | None:
    return db.session.scalar(
        select(CalendarFeed).where(CalendarFeed.participant_id == participant.id)
    )


def ensure_feed(participant: Participant) -> tuple[CalendarFeed, bool]:
    """The participant's feed, made on first use; True when it was just made (commit it)."""
    feed = feed_of(participant)
    if feed is not None:
        return feed, False
    feed = CalendarFeed(participant_id=participant.id, secret=_new_secret())
    db.session.add(feed)
    db.session.flush()
    return feed, True


def regenerate_feed(participant: Participant) -> CalendarFeed:
    """A new secret: the old feed URL is revoked."""
    feed, created = ensure_feed(participant)
    if not created:
        feed.secret = _new_secret()
        feed.created_at = utcnow()
        feed.last_fetched_at = None
        db.session.flush()
    return feed


def feed_token(feed: CalendarFeed) -> str:
    return f"{feed.participant_id}-{feed.secret}"


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed this token opens, or None for an unknown, malformed or revoked token."""
    participant_part, separator, secret = token.partition("-")
    if not separator or not participant_part.isascii() or not participant_part.isdigit():
        return None
    if len(participant_part) > 18 or not secret or len(secret) > 128:
        return None
    feed = db.session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.participant_id == int(participant_part))
        .options(
            joinedload(CalendarFeed.participant).joinedload(Participant.event),
        )
    )
    if feed is None:
        # Compare anyway, so an unknown participant id costs the same time as a wrong secret.
        hmac.compare_digest(secret.encode(), _new_secret().encode())
        return None
    if not hmac.compare_digest(secret.encode(), feed.secret.encode()):
        return None
    return feed


def record_fetch(feed: CalendarFeed) -> bool:
    """Note when the feed was last read (at most hourly); True when there is a write to commit."""
    now = utcnow()
    if feed.last_fetched_at is not None and now - feed.last_fetched_at < FETCH_RECORD_INTERVAL:
        return False
    feed.last_fetched_at = now
    db.session.flush()
    return True
