"""What the agenda documents need to remember: feed tokens and what was last printed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from brokerage.db_types import UTCDateTime, utcnow
from brokerage.extensions import db

if TYPE_CHECKING:
    from brokerage.registration.models import Participant


class CalendarFeed(db.Model):
    """A participant's subscribable iCalendar feed.

    The feed URL carries the participant id and this secret; the secret is compared in
    constant time. Regenerating it replaces the row's secret, which revokes the old URL.
    """

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), unique=True
    )
    secret: Mapped[str] = mapped_column(String(64))  # token_urlsafe(32): 256 bits
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    participant: Mapped[Participant] = relationship()


class PrintedAgenda(db.Model):
    """The agenda a participant was last given on paper (or by e-mail), as a fingerprint.

    A reprint after hand edits covers exactly the participants whose current agenda's
    fingerprint differs from the printed one (or who were never printed).
    """

    __tablename__ = "printed_agendas"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), unique=True
    )
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 hex of the agenda's content
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    participant: Mapped[Participant] = relationship()
