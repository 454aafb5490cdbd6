"""Availability rows: the exceptions to "everyone attends every session, every slot".

Representation. We store what a participant can NOT do, never what they can:

- `session_absences`: one row per (participant, session) the participant does not attend;
- `slot_blocks`: one row per (participant, slot) the participant blocks.

A participant with no rows is available in every slot of the event. This keeps the default
free (3,000 participants × 32 slots would otherwise be ~100,000 rows written at registration),
and it keeps a session or slot the organisers add later available to everyone until someone
says otherwise, which is what people expect. A slot is available to a participant when its
session is not in their absences and the slot is not in their blocks. A block inside a session
the participant skips is kept, so ticking the session again restores their earlier choice.

Both tables are plain link tables with a composite primary key (which is also the uniqueness
rule) and ON DELETE CASCADE on every foreign key. SQLite does not enforce foreign keys here,
so the ORM relationships below also cascade: deleting a participant, a session or a slot
through the ORM (e.g. `events.services.sync_slots`) removes their availability rows, and a
reused SQLite row id can never inherit someone's old block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from brokerage.extensions import db

if TYPE_CHECKING:
    from brokerage.events.models import MeetingSession, Slot
    from brokerage.registration.models import Participant


class SessionAbsence(db.Model):
    """A session the participant does not attend: none of its slots is available to them."""

    __tablename__ = "session_absences"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    # Indexed for the cascade when a session is deleted (the key covers participant look-ups).
    session_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_sessions.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    participant: Mapped[Participant] = relationship(
        backref=backref("session_absences", cascade="all, delete-orphan")
    )
    session: Mapped[MeetingSession] = relationship(
        backref=backref("availability_absences", cascade="all, delete-orphan")
    )


class SlotBlock(db.Model):
    """A single slot the participant blocks (a call, a talk they give, a train to catch)."""

    __tablename__ = "slot_blocks"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("slots.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    participant: Mapped[Participant] = relationship(
        backref=backref("slot_blocks", cascade="all, delete-orphan")
    )
    slot: Mapped[Slot] = relationship(
        backref=backref("availability_blocks", cascade="all, delete-orphan")
    )
