"""What each side says about a meeting afterwards: did it take place, and how was it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from brokerage.db_types import UTCDateTime, enum_column, utcnow
from brokerage.extensions import db

if TYPE_CHECKING:
    from brokerage.meetings.models import MeetingRequest
    from brokerage.registration.models import Participant


class MeetingOutcome(StrEnum):
    TOOK_PLACE = "took_place"
    PARTNER_NO_SHOW = "partner_no_show"


class MeetingFeedback(db.Model):
    """One participant's account of one meeting.

    Keyed by the meeting request (a meeting keeps its request across runs and hand edits),
    one row per side. The rating and comment are for the organisers' eyes only.
    """

    __tablename__ = "meeting_feedback"
    __table_args__ = (
        UniqueConstraint("request_id", "participant_id"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("meeting_requests.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[MeetingOutcome] = mapped_column(enum_column(MeetingOutcome))
    rating: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    request: Mapped[MeetingRequest] = relationship()
    participant: Mapped[Participant] = relationship()
