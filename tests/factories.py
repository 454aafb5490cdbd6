"""Factories: build valid rows with sensible defaults; override what a test cares about.

They flush but never commit; tests that go through views commit via `commit()`.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from brokerage.auth.models import User
from brokerage.db_types import utcnow
from brokerage.events.models import (
    Event,
    EventRole,
    EventRoleKind,
    ParticipantType,
    Slot,
    Table,
    Topic,
)
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest
from brokerage.meetings.models import RequestStatus as MeetingRequestStatus
from brokerage.registration.models import (
    Opportunity,
    OpportunityKind,
    Organisation,
    Participant,
    ParticipantStatus,
)
from brokerage.scheduling.models import RunState, ScheduledMeeting, ScheduleRun

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def commit() -> None:
    db.session.commit()


def make_user(
    email: str | None = None, *, password: str = PASSWORD, verified: bool = True, **fields
) -> User:
    user = User(email=email or f"user{next(_counter)}@example.org", **fields)
    user.set_password(password)
    if verified:
        user.email_verified_at = utcnow()
    db.session.add(user)
    db.session.flush()
    return user


def make_event(slug: str | None = None, *, organiser: User | None = None, **fields) -> Event:
    today = utcnow().date()
    number = next(_counter)
    defaults = {
        "slug": slug or f"event-{number}",
        "title": f"Innovation Partnering Day {number}",
        "timezone": "Europe/Brussels",
        "start_date": today + timedelta(days=30),
        "end_date": today + timedelta(days=31),
        "registration_opens_at": utcnow() - timedelta(days=1),
        "registration_closes_at": utcnow() + timedelta(days=20),
        "booking_deadline": utcnow() + timedelta(days=25),
        "requires_approval": True,
    }
    defaults.update(fields)
    event = Event(**defaults)
    event.topics = [
        Topic(name=name) for name in ("Circular economy", "Digital growth", "Energy transition")
    ]
    event.participant_types = [
        ParticipantType(name=name, position=position)
        for position, name in enumerate(
            ("Company / SME", "University or research organisation", "Cluster")
        )
    ]
    db.session.add(event)
    db.session.flush()
    if organiser is not None:
        make_role(event, organiser)
    return event


def make_role(event: Event, user: User, kind: EventRoleKind = EventRoleKind.ORGANISER) -> EventRole:
    role = EventRole(event=event, user=user, kind=kind)
    db.session.add(role)
    db.session.flush()
    return role


def make_participant(
    event: Event,
    user: User | None = None,
    *,
    status: ParticipantStatus = ParticipantStatus.APPROVED,
    organisation_name: str | None = None,
    country: str = "BE",
    consent: bool = True,
    **fields,
) -> Participant:
    user = user or make_user()
    organisation = Organisation(
        name=organisation_name or f"Organisation {next(_counter)}",
        type=event.participant_types[0],
        country=country,
        city="Brussels",
    )
    defaults = {
        "first_name": "Ada",
        "last_name": f"Tester{next(_counter)}",
        "job_title": "Innovation manager",
        "marketplace_consent": consent,
        "terms_accepted_at": utcnow(),
    }
    defaults.update(fields)
    participant = Participant(
        event=event, user=user, organisation=organisation, status=status, **defaults
    )
    db.session.add(participant)
    db.session.flush()
    return participant


def make_opportunity(
    participant: Participant, kind: OpportunityKind = OpportunityKind.OFFER, **fields
) -> Opportunity:
    defaults = {
        "title": "Recycled polymers for packaging",
        "description": "We offer pilot quantities.",
    }
    defaults.update(fields)
    opportunity = Opportunity(participant=participant, kind=kind, **defaults)
    db.session.add(opportunity)
    db.session.flush()
    return opportunity


def aware(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def make_meeting_request(
    sender: Participant,
    recipient: Participant,
    *,
    status: MeetingRequestStatus | None = None,
    **fields,
) -> MeetingRequest:
    """A request between two participants of one event, pending unless told otherwise."""
    low, high = sorted((sender.id, recipient.id))
    request = MeetingRequest(
        event_id=sender.event_id,
        sender_id=sender.id,
        recipient_id=recipient.id,
        pair_low_id=low,
        pair_high_id=high,
        status=status or MeetingRequestStatus.PENDING,
        **fields,
    )
    db.session.add(request)
    db.session.flush()
    return request


def make_schedule_run(event: Event, **fields) -> ScheduleRun:
    """A finished, proven-optimal draft run unless told otherwise; add meetings separately."""
    defaults = {
        "state": RunState.FINISHED,
        "solver_status": "OPTIMAL",
        "options": {"time_limit": 30},
        "figures": {},
        "finished_at": utcnow(),
    }
    defaults.update(fields)
    run = ScheduleRun(event_id=event.id, **defaults)
    db.session.add(run)
    db.session.flush()
    return run


def make_scheduled_meeting(
    run: ScheduleRun, request: MeetingRequest, slot: Slot, table: Table | None = None, **fields
) -> ScheduledMeeting:
    meeting = ScheduledMeeting(
        run_id=run.id,
        request_id=request.id,
        slot_id=slot.id,
        table_id=table.id if table is not None else None,
        **fields,
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting
