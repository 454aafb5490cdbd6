from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from brokerage.db_types import UTCDateTime, enum_column, utcnow
from brokerage.extensions import db

if TYPE_CHECKING:
    from brokerage.auth.models import User
    from brokerage.events.models import Event
    from brokerage.registration.models import Opportunity, Participant


class RequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class RequestPriority(StrEnum):
    NORMAL = "normal"
    MUST_MEET = "must_meet"


class MeetingRequest(db.Model):
    """A request from one participant to another to meet at the event.

    There is one request per pair of participants, in either direction: the pair columns hold
    the two participant ids in ascending order, and a unique constraint on them lets the
    database settle a race between two people requesting each other at the same moment.
    """

    __tablename__ = "meeting_requests"
    __table_args__ = (
        UniqueConstraint("event_id", "pair_low_id", "pair_high_id"),
        CheckConstraint("sender_id <> recipient_id", name="not_to_self"),
        CheckConstraint("pair_low_id < pair_high_id", name="pair_ordered"),
        Index("ix_meeting_requests_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    pair_low_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    pair_high_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus), default=RequestStatus.PENDING
    )
    priority: Mapped[RequestPriority] = mapped_column(
        enum_column(RequestPriority), default=RequestPriority.NORMAL
    )
    message: Mapped[str] = mapped_column(Text, default="")
    # The marketplace opportunity the request was sent about, if any (shown on agendas).
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="SET NULL")
    )
    # Both sides asked for this meeting: the scheduler weighs it higher.
    mutual: Mapped[bool] = mapped_column(default=False)
    response_reason: Mapped[str] = mapped_column(String(1000), default="")  # why declined
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when an organiser created the request on behalf of both participants (e.g. a VIP).
    created_by_organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    cancelled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )

    event: Mapped[Event] = relationship()
    sender: Mapped[Participant] = relationship(foreign_keys=[sender_id])
    recipient: Mapped[Participant] = relationship(foreign_keys=[recipient_id])
    created_by_organiser: Mapped[User | None] = relationship()
    opportunity: Mapped[Opportunity | None] = relationship()

    def other_side(self, participant_id: int) -> int:
        return self.recipient_id if participant_id == self.sender_id else self.sender_id

    def involves(self, participant_id: int) -> bool:
        return participant_id in (self.sender_id, self.recipient_id)
