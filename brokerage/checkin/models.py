"""Who came in through the door, when, and who let them in."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from brokerage.db_types import UTCDateTime, enum_column, utcnow
from brokerage.extensions import db

if TYPE_CHECKING:
    from brokerage.auth.models import User
    from brokerage.events.models import Event
    from brokerage.registration.models import Participant


class CheckInMethod(StrEnum):
    BADGE = "badge"  # the QR token on the badge, scanned or typed
    SEARCH = "search"  # found by name at the desk, e.g. no badge with them


class CheckIn(db.Model):
    """A participant's check-in; one per participant, so a replayed scan finds this row."""

    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_event_at", "event_id", "checked_in_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), unique=True
    )
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    method: Mapped[CheckInMethod] = mapped_column(enum_column(CheckInMethod))

    event: Mapped[Event] = relationship()
    participant: Mapped[Participant] = relationship()
    checked_in_by: Mapped[User | None] = relationship()
