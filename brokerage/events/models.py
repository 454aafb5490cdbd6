from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from brokerage.db_types import UTCDateTime, enum_column, utcnow
from brokerage.extensions import db

if TYPE_CHECKING:
    from brokerage.auth.models import User
    from brokerage.registration.models import Participant


class EventRoleKind(StrEnum):
    ORGANISER = "organiser"
    CHECKIN_STAFF = "checkin_staff"


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        CheckConstraint("meeting_minutes > 0", name="meeting_minutes_positive"),
        CheckConstraint("changeover_minutes >= 0", name="changeover_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(300), default="")
    timezone: Mapped[str] = mapped_column(String(64))  # IANA name, e.g. Europe/Brussels
    start_date: Mapped[date]
    end_date: Mapped[date]
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    booking_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    meeting_minutes: Mapped[int] = mapped_column(default=20)
    changeover_minutes: Mapped[int] = mapped_column(default=5)
    max_meetings_per_participant: Mapped[int | None]
    requires_approval: Mapped[bool] = mapped_column(default=True)
    capacity: Mapped[int | None]
    # Meeting requests: how many each participant may send, and how long one stays pending.
    max_requests_per_participant: Mapped[int | None]
    request_expiry_days: Mapped[int | None]
    # The schedule participants see; None until an organiser publishes a run.
    published_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("schedule_runs.id", ondelete="SET NULL", use_alter=True)
    )
    # After publication: place a newly accepted request at once in the earliest free slot.
    auto_place_late_requests: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()
    sessions: Mapped[list[MeetingSession]] = relationship(
        back_populates="event", order_by="MeetingSession.starts_at", cascade="all, delete-orphan"
    )
    tables: Mapped[list[Table]] = relationship(
        back_populates="event", order_by="Table.position", cascade="all, delete-orphan"
    )
    topics: Mapped[list[Topic]] = relationship(
        back_populates="event", order_by="Topic.name", cascade="all, delete-orphan"
    )
    participant_types: Mapped[list[ParticipantType]] = relationship(
        back_populates="event", order_by="ParticipantType.position", cascade="all, delete-orphan"
    )
    roles: Mapped[list[EventRole]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        """A stored UTC moment in the event's own time zone, for display."""
        return moment.astimezone(self.zone)

    @property
    def slot_minutes(self) -> int:
        return self.meeting_minutes + self.changeover_minutes

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventRole(db.Model):
    """Who may manage (organiser) or staff (check-in) an event."""

    __tablename__ = "event_roles"
    __table_args__ = (UniqueConstraint("event_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EventRoleKind] = mapped_column(enum_column(EventRoleKind))

    event: Mapped[Event] = relationship(back_populates="roles")
    user: Mapped[User] = relationship()


class MeetingSession(db.Model):
    """A block of meeting time, e.g. "Day 1 morning 09:00-12:30". Its slots are derived."""

    __tablename__ = "meeting_sessions"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship(back_populates="sessions")
    slots: Mapped[list[Slot]] = relationship(
        back_populates="session", order_by="Slot.starts_at", cascade="all, delete-orphan"
    )

    def slot_times(
        self, meeting_minutes: int, changeover_minutes: int
    ) -> list[tuple[datetime, datetime]]:
        """The (start, end) of every meeting that fits, back to back with changeovers."""
        step = timedelta(minutes=meeting_minutes + changeover_minutes)
        length = timedelta(minutes=meeting_minutes)
        times = []
        start = self.starts_at
        while start + length <= self.ends_at:
            times.append((start, start + length))
            start += step
        return times


class Slot(db.Model):
    """One meeting time in a session. Rows are (re)derived by events.services, never typed in."""

    __tablename__ = "slots"
    __table_args__ = (UniqueConstraint("session_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_sessions.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())

    session: Mapped[MeetingSession] = relationship(back_populates="slots")


class Table(db.Model):
    """A numbered place for meetings; a booth when it belongs to one participant."""

    __tablename__ = "tables"
    __table_args__ = (UniqueConstraint("event_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)  # display and assignment order
    booth_owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), unique=True
    )

    event: Mapped[Event] = relationship(back_populates="tables")
    booth_owner: Mapped[Participant | None] = relationship()

    @property
    def is_booth(self) -> bool:
        return self.booth_owner_id is not None

    @property
    def place(self) -> str:
        """Where a meeting is, as people read it: "table 7", "booth 3", or a label that says so."""
        if self.label.lower().startswith(("table", "booth", "stand")):
            return self.label
        return f"{'booth' if self.is_booth else 'table'} {self.label}"


class Topic(db.Model):
    """A thematic area of an event."""

    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))

    event: Mapped[Event] = relationship(back_populates="topics")


class ParticipantType(db.Model):
    """The kind of organisation a participant represents (SME, university, ...)."""

    __tablename__ = "participant_types"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    colour: Mapped[str] = mapped_column(String(7), default="#6c757d")  # badge band, #rrggbb

    event: Mapped[Event] = relationship(back_populates="participant_types")
