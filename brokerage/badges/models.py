"""Badge layout per event, and which participants' badges have been printed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, LargeBinary, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from brokerage.db_types import UTCDateTime, utcnow
from brokerage.extensions import db

if TYPE_CHECKING:
    from brokerage.events.models import Event
    from brokerage.registration.models import Participant


class BadgeSettings(db.Model):
    """What an event's badges show. No row means the defaults (every field shown, no logo)."""

    __tablename__ = "badge_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    show_organisation: Mapped[bool] = mapped_column(default=True, server_default=true())
    show_country: Mapped[bool] = mapped_column(default=True, server_default=true())
    show_job_title: Mapped[bool] = mapped_column(default=True, server_default=true())
    show_participant_type: Mapped[bool] = mapped_column(default=True, server_default=true())
    show_logo: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The uploaded logo, checked by content (PNG or SVG) and size-limited before it is stored.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_mime: Mapped[str | None] = mapped_column(String(40))
    logo_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()


class PrintedBadge(db.Model):
    """When a participant's badge was last printed by the organisers."""

    __tablename__ = "printed_badges"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), unique=True
    )
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    participant: Mapped[Participant] = relationship()
