"""Schedule runs and the meetings they place.

A `ScheduleRun` is one solver run with its options, live progress, figures and log. It is a
draft until an organiser publishes it; the event's published run is `Event.published_run_id`
(at most one, by construction). A `ScheduledMeeting` is an accepted `MeetingRequest` placed in
a slot at a table by a run, or by hand. Runs are never overwritten, so they can be compared.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from brokerage.db_types import UTCDateTime, enum_column, utcnow
from brokerage.extensions import db

if TYPE_CHECKING:
    from brokerage.auth.models import User
    from brokerage.events.models import Event, Slot, Table
    from brokerage.meetings.models import MeetingRequest


class RunState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"  # the solver returned; `solver_status` says how well
    CANCELLED = "cancelled"  # stopped by an organiser; keeps the best schedule found
    FAILED = "failed"  # crashed or killed; `log` says why


class RunMode(StrEnum):
    FULL = "full"  # schedule every accepted request from scratch
    INCREMENTAL = "incremental"  # keep published and locked meetings, place the rest


class MeetingState(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"  # stays visible (and in calendar feeds) as cancelled


class ScheduleRun(db.Model):
    __tablename__ = "schedule_runs"
    __table_args__ = (
        Index("ix_schedule_runs_event_state", "event_id", "state"),
        # One active run per event, enforced by the database: two organisers pressing Run at
        # the same moment get one run, the other an IntegrityError to turn into a message.
        Index(
            "uq_schedule_runs_one_active_per_event",
            "event_id",
            unique=True,
            sqlite_where=text("state IN ('queued', 'running')"),
            postgresql_where=text("state IN ('queued', 'running')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    state: Mapped[RunState] = mapped_column(enum_column(RunState), default=RunState.QUEUED)
    mode: Mapped[RunMode] = mapped_column(enum_column(RunMode), default=RunMode.FULL)
    # What the organiser asked for: time_limit, stability, fairness cap, seed, workers.
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Latest progress snapshot while running (elapsed, scheduled, weight, breaks, bound).
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    cancel_requested: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The solver's verdict and figures once finished: OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN.
    solver_status: Mapped[str | None] = mapped_column(String(20))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    explanation: Mapped[str] = mapped_column(Text, default="")  # why INFEASIBLE, in words
    log: Mapped[str] = mapped_column(Text, default="")
    job_id: Mapped[str | None] = mapped_column(String(64))  # RQ job id, when queued on Redis
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship(foreign_keys=[event_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    meetings: Mapped[list[ScheduledMeeting]] = relationship(
        back_populates="run", cascade="all, delete-orphan"
    )
    unscheduled: Mapped[list[UnscheduledRequest]] = relationship(
        back_populates="run", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.state in (RunState.QUEUED, RunState.RUNNING)


class ScheduledMeeting(db.Model):
    """An accepted request placed in a slot at a table, in one run."""

    __tablename__ = "scheduled_meetings"
    __table_args__ = (
        UniqueConstraint("run_id", "request_id"),
        Index("ix_scheduled_meetings_run_slot", "run_id", "slot_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("schedule_runs.id", ondelete="CASCADE"))
    request_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_requests.id", ondelete="CASCADE"), index=True
    )
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"), index=True)
    table_id: Mapped[int | None] = mapped_column(ForeignKey("tables.id", ondelete="SET NULL"))
    state: Mapped[MeetingState] = mapped_column(
        enum_column(MeetingState), default=MeetingState.SCHEDULED
    )
    # A locked meeting keeps its slot in later runs (the solver's fixed_slot).
    locked: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Calendar clients update an event when its SEQUENCE rises: bumped on every change.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    placed_by_hand: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    run: Mapped[ScheduleRun] = relationship(back_populates="meetings")
    request: Mapped[MeetingRequest] = relationship()
    slot: Mapped[Slot] = relationship()
    table: Mapped[Table | None] = relationship()


class UnscheduledRequest(db.Model):
    """An accepted request a run could not place, with the solver's reason in words."""

    __tablename__ = "unscheduled_requests"
    __table_args__ = (UniqueConstraint("run_id", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("schedule_runs.id", ondelete="CASCADE"))
    request_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_requests.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)

    run: Mapped[ScheduleRun] = relationship(back_populates="unscheduled")
    request: Mapped[MeetingRequest] = relationship()


class ScheduleChange(db.Model):
    """The audit log of a schedule: who changed what, and when."""

    __tablename__ = "schedule_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("schedule_runs.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    action: Mapped[str] = mapped_column(String(40))  # run, publish, move, swap, cancel, add, lock
    summary: Mapped[str] = mapped_column(Text)  # in words, for the organiser
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()
