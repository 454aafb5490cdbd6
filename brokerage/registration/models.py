from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from brokerage.db_types import UTCDateTime, enum_column, utcnow
from brokerage.extensions import db

if TYPE_CHECKING:
    from brokerage.auth.models import User
    from brokerage.events.models import Event, ParticipantType, Topic


class ParticipantStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class OpportunityKind(StrEnum):
    OFFER = "offer"
    REQUEST = "request"
    PARTNERSHIP = "partnership"


class OrganisationSize(StrEnum):
    MICRO = "1-9"
    SMALL = "10-49"
    MEDIUM = "50-249"
    LARGE = "250+"


participant_topics = Table(
    "participant_topics",
    db.metadata,
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
)

opportunity_topics = Table(
    "opportunity_topics",
    db.metadata,
    Column("opportunity_id", ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
)


class Organisation(db.Model):
    """The organisation a participant represents at one event."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type_id: Mapped[int] = mapped_column(ForeignKey("participant_types.id"), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    city: Mapped[str] = mapped_column(String(120), default="")  # city or region
    website: Mapped[str] = mapped_column(String(300), default="")
    size: Mapped[OrganisationSize | None] = mapped_column(enum_column(OrganisationSize))
    description: Mapped[str] = mapped_column(Text, default="")

    type: Mapped[ParticipantType] = relationship()


class Participant(db.Model):
    """A person registered for one event on behalf of an organisation."""

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    status: Mapped[ParticipantStatus] = mapped_column(
        enum_column(ParticipantStatus), default=ParticipantStatus.PENDING, index=True
    )
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    job_title: Mapped[str] = mapped_column(String(150), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    marketplace_consent: Mapped[bool] = mapped_column(default=False)
    # Participant settings: accept every incoming request, and only essential e-mails.
    # Server defaults too, so the columns can be added to a table that already has rows.
    auto_accept_requests: Mapped[bool] = mapped_column(default=False, server_default=false())
    essential_emails_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    terms_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    organisation: Mapped[Organisation] = relationship(
        cascade="all, delete-orphan", single_parent=True
    )
    topics: Mapped[list[Topic]] = relationship(secondary=participant_topics, order_by="Topic.name")
    opportunities: Mapped[list[Opportunity]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", order_by="Opportunity.id"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_approved(self) -> bool:
        return self.status is ParticipantStatus.APPROVED

    def __repr__(self) -> str:
        return f"<Participant {self.id} {self.full_name}>"


class Opportunity(db.Model):
    """A marketplace entry: an offer, a request, or a partnership sought."""

    __tablename__ = "opportunities"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[OpportunityKind] = mapped_column(enum_column(OpportunityKind))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    participant: Mapped[Participant] = relationship(back_populates="opportunities")
    topics: Mapped[list[Topic]] = relationship(secondary=opportunity_topics, order_by="Topic.name")
