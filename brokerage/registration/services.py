"""Participant registration: register, edit, cancel, and the organiser's decisions.

Public entry points (plain values plus the acting user in; they flush, never commit):

    register(event, user, data: RegistrationData, *, now=None) -> Participant
    update_registration(participant, data: RegistrationData, acting_user, *, now=None)
    cancel_registration(participant, acting_user, *, now=None)
    decide(participant, approve: bool, acting_user) -> Participant
    find_participants(event, filters: ParticipantFilters) -> Select

`RegistrationData` and `OpportunityData` are dataclasses of plain values, so the web forms,
the demo loader and the CLI call the same code. Refusals raise `RegistrationError` with a
message meant for the person; a reference to something outside the event (a topic, type or
opportunity id) raises `InvalidReference`, which views turn into a 400.

Rules:
- Only a user with a verified e-mail address may register, once per event.
- Registration is open from `registration_opens_at` (none: already open) until
  `registration_closes_at` (none: the end of the event's last day, in its time zone).
- Capacity counts pending and approved registrations. The event row is locked
  (SELECT ... FOR UPDATE on PostgreSQL) before counting, so two concurrent requests cannot
  both take the last place; SQLite allows one writer at a time anyway.
- A cancelled registration may register again: the same record is reactivated and gets its
  status by the same rules as a new one (pending when the event requires approval). A
  rejected registration may not: the organisers decided, and the person is told to contact
  them.
- A participant edits their registration until the booking deadline (none: the end of the
  event). Organisers may edit on a participant's behalf at any time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from brokerage.auth.models import User
from brokerage.db_types import utcnow
from brokerage.events.models import Event, ParticipantType, Topic
from brokerage.extensions import db
from brokerage.mail import queue_mail
from brokerage.marketplace.search import reindex_participant
from brokerage.registration.models import (
    Opportunity,
    OpportunityKind,
    Organisation,
    OrganisationSize,
    Participant,
    ParticipantStatus,
    participant_topics,
)

# Statuses that hold a place at the event.
ACTIVE_STATUSES = (ParticipantStatus.PENDING, ParticipantStatus.APPROVED)


class RegistrationError(ValueError):
    """A refusal with a message meant for the user."""


class InvalidReference(RegistrationError):
    """An id that does not belong to this event or participant: forged or stale input."""


@dataclass
class OpportunityData:
    kind: OpportunityKind
    title: str
    description: str = ""
    topic_ids: list[int] = field(default_factory=list)
    id: int | None = None  # an existing opportunity of the participant to update


@dataclass
class RegistrationData:
    first_name: str
    last_name: str
    organisation_name: str
    type_id: int
    country: str  # ISO 3166-1 alpha-2
    terms_accepted: bool
    job_title: str = ""
    phone: str = ""
    city: str = ""
    website: str = ""
    size: OrganisationSize | None = None
    organisation_description: str = ""
    topic_ids: list[int] = field(default_factory=list)
    opportunities: list[OpportunityData] = field(default_factory=list)
    marketplace_consent: bool = False

    @classmethod
    def from_participant(cls, participant: Participant) -> RegistrationData:
        organisation = participant.organisation
        return cls(
            first_name=participant.first_name,
            last_name=participant.last_name,
            job_title=participant.job_title,
            phone=participant.phone,
            organisation_name=organisation.name,
            type_id=organisation.type_id,
            country=organisation.country,
            city=organisation.city,
            website=organisation.website,
            size=organisation.size,
            organisation_description=organisation.description,
            topic_ids=[topic.id for topic in participant.topics],
            opportunities=[
                OpportunityData(
                    id=opportunity.id,
                    kind=opportunity.kind,
                    title=opportunity.title,
                    description=opportunity.description,
                    topic_ids=[topic.id for topic in opportunity.topics],
                )
                for opportunity in participant.opportunities
            ],
            marketplace_consent=participant.marketplace_consent,
            terms_accepted=True,
        )


@dataclass
class ParticipantFilters:
    query: str = ""
    status: ParticipantStatus | None = None
    type_id: int | None = None
    country: str | None = None
    topic_id: int | None = None


# --- dates -------------------------------------------------------------------------------


def event_ends_at(event: Event) -> datetime:
    """Midnight after the event's last day, in its own zone, as an aware UTC moment."""
    local_end = datetime.combine(event.end_date + timedelta(days=1), time(), tzinfo=event.zone)
    return local_end.astimezone(UTC)


def registration_closes_at(event: Event) -> datetime:
    return event.registration_closes_at or event_ends_at(event)


def edit_deadline(event: Event) -> datetime:
    return event.booking_deadline or event_ends_at(event)


def registration_window_problem(event: Event, now: datetime | None = None) -> str | None:
    """Why registration is not open right now, or None when it is."""
    now = now or utcnow()
    opens = event.registration_opens_at
    if opens is not None and now < opens:
        local = event.local(opens).strftime("%d %b %Y, %H:%M")
        return f"Registration is not open yet. It opens on {local} ({event.timezone})."
    if now >= registration_closes_at(event):
        return "Registration for this event is closed."
    return None


def can_edit(participant: Participant, now: datetime | None = None) -> bool:
    """Whether the participant may still change their own registration."""
    return (now or utcnow()) < edit_deadline(participant.event)


# --- queries -----------------------------------------------------------------------------


def registration_of(event: Event, user: User) -> Participant | None:
    """The user's registration for the event, whatever its status."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Participant).where(Participant.event_id == event.id, Participant.user_id == user.id)
    )


def active_count(event: Event) -> int:
    return db.session.scalar(
        select(func.count(Participant.id)).where(
            Participant.event_id == event.id, Participant.status.in_(ACTIVE_STATUSES)
        )
    )


def is_full(event: Event) -> bool:
    return event.capacity is not None and active_count(event) >= event.capacity


def participant_of_event_or_none(event: Event, participant_id: int) -> Participant | None:
    return db.session.scalar(
        select(Participant).where(
            Participant.id == participant_id, Participant.event_id == event.id
        )
    )


def find_participants(event: Event, filters: ParticipantFilters) -> Select[tuple[Participant]]:
    """A select of the event's participants matching the filters, ordered by name."""
    statement = (
        select(Participant)
        .join(Participant.organisation)
        .join(Participant.user)
        .where(Participant.event_id == event.id)
        .options(
            selectinload(Participant.organisation).selectinload(Organisation.type),
            selectinload(Participant.user),
            selectinload(Participant.topics),
            selectinload(Participant.opportunities).selectinload(Opportunity.topics),
        )
        .order_by(func.lower(Participant.last_name), func.lower(Participant.first_name))
    )
    query = filters.query.strip()
    if query:
        # Escape LIKE wildcards so a search for "100%" means what it says.
        escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        full_name = func.lower(Participant.first_name + " " + Participant.last_name)
        statement = statement.where(
            or_(
                full_name.like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(Organisation.name).like(pattern, escape="\\"),
            )
        )
    if filters.status is not None:
        statement = statement.where(Participant.status == filters.status)
    if filters.type_id is not None:
        statement = statement.where(Organisation.type_id == filters.type_id)
    if filters.country:
        statement = statement.where(Organisation.country == filters.country)
    if filters.topic_id is not None:
        statement = statement.where(
            Participant.id.in_(
                select(participant_topics.c.participant_id).where(
                    participant_topics.c.topic_id == filters.topic_id
                )
            )
        )
    return statement


# --- operations --------------------------------------------------------------------------


def check_may_register(event: Event, user: User, now: datetime | None = None) -> None:
    """Raise RegistrationError when the user may not register now (before showing a form)."""
    if not user.is_verified:
        raise RegistrationError(
            "Please confirm your e-mail address before registering: follow the link in the "
            "e-mail we sent you."
        )
    existing = registration_of(event, user)
    if existing is not None and existing.status in ACTIVE_STATUSES:
        raise RegistrationError("You are already registered for this event.")
    if existing is not None and existing.status is ParticipantStatus.REJECTED:
        raise RegistrationError(
            "Your registration for this event was declined. Please contact the organisers."
        )
    problem = registration_window_problem(event, now)
    if problem:
        raise RegistrationError(problem)
    if is_full(event):
        raise RegistrationError("Sorry, this event is full: all places are taken.")


def register(
    event: Event, user: User, data: RegistrationData, *, now: datetime | None = None
) -> Participant:
    """Register the user for the event and queue a confirmation e-mail."""
    if not data.terms_accepted:
        raise RegistrationError("Please accept the terms to register.")
    # Lock the event row first: the duplicate and capacity checks below then see every
    # registration committed before ours, and concurrent ones wait for our commit.
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
    check_may_register(event, user, now)

    status = ParticipantStatus.PENDING if event.requires_approval else ParticipantStatus.APPROVED
    participant = registration_of(event, user)  # a cancelled registration is reactivated
    references = _check_references(event, data, participant)
    # No autoflush: a new row is incomplete until _apply has set every field.
    with db.session.no_autoflush:
        if participant is None:
            participant = Participant(event=event, user=user, organisation=Organisation())
            db.session.add(participant)
        participant.status = status
        participant.terms_accepted_at = now or utcnow()
        participant.decided_at = None
        participant.decided_by = None
        _apply(participant, data, references)
    db.session.flush()
    reindex_participant(participant)
    queue_mail(
        user.email,
        f"Your registration for {event.title}",
        "registration_received",
        participant=participant,
        event=event,
    )
    return participant


def update_registration(
    participant: Participant,
    data: RegistrationData,
    acting_user: User,
    *,
    now: datetime | None = None,
) -> Participant:
    """Change a registration: by the participant until the deadline, by organisers any time."""
    from brokerage.access import is_organiser

    own = participant.user_id == acting_user.id
    if not is_organiser(participant.event, acting_user):
        if not own:
            raise RegistrationError("You may only change your own registration.")
        if participant.status is ParticipantStatus.CANCELLED:
            raise RegistrationError("This registration is cancelled. Register again instead.")
        if not can_edit(participant, now):
            raise RegistrationError("The deadline for changes has passed.")
    references = _check_references(participant.event, data, participant)
    with db.session.no_autoflush:
        _apply(participant, data, references)
    db.session.flush()
    reindex_participant(participant)
    return participant


def cancel_registration(
    participant: Participant, acting_user: User, *, now: datetime | None = None
) -> Participant:
    if participant.user_id != acting_user.id:
        raise RegistrationError("You may only cancel your own registration.")
    if participant.status is ParticipantStatus.CANCELLED:
        raise RegistrationError("This registration is already cancelled.")
    if (now or utcnow()) >= event_ends_at(participant.event):
        raise RegistrationError("The event is over; the registration can no longer be cancelled.")
    participant.status = ParticipantStatus.CANCELLED
    db.session.flush()
    reindex_participant(participant)
    return participant


def decide(participant: Participant, approve: bool, acting_user: User) -> Participant:
    """Approve or reject a registration and tell the participant by e-mail."""
    if participant.status is ParticipantStatus.CANCELLED:
        raise RegistrationError("This registration was cancelled by the participant.")
    new_status = ParticipantStatus.APPROVED if approve else ParticipantStatus.REJECTED
    if participant.status is new_status:
        raise RegistrationError(f"This registration is already {new_status.value}.")
    if approve and participant.status is ParticipantStatus.REJECTED:
        # Re-approving takes a place again, so the capacity rule applies.
        event = participant.event
        db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
        if is_full(event):
            raise RegistrationError("The event is full: no place left to approve this person.")
    participant.status = new_status
    participant.decided_at = utcnow()
    participant.decided_by = acting_user
    db.session.flush()
    reindex_participant(participant)
    event = participant.event
    template = "registration_approved" if approve else "registration_rejected"
    subject = (
        f"You are confirmed for {event.title}"
        if approve
        else f"Your registration for {event.title}"
    )
    queue_mail(participant.user.email, subject, template, participant=participant, event=event)
    return participant


# --- internals ---------------------------------------------------------------------------


@dataclass
class _References:
    """The rows the data's ids point to, checked against the event before any write."""

    participant_type: ParticipantType
    topics: list[Topic]
    opportunity_topics: list[list[Topic]]


def _event_topics(event: Event, topic_ids: list[int]) -> list[Topic]:
    wanted = set(topic_ids)
    if not wanted:
        return []
    topics = db.session.scalars(
        select(Topic).where(Topic.event_id == event.id, Topic.id.in_(wanted)).order_by(Topic.name)
    ).all()
    if len(topics) != len(wanted):
        raise InvalidReference("A chosen topic does not belong to this event.")
    return list(topics)


def _check_references(
    event: Event, data: RegistrationData, participant: Participant | None
) -> _References:
    """Resolve every id in the data, or raise InvalidReference with nothing changed yet.

    Checking first (rather than while assigning) keeps a refused call from leaving a
    half-built Participant in the session, which matters to callers that go on using the
    session, such as the demo loader.
    """
    participant_type = db.session.get(ParticipantType, data.type_id)
    if participant_type is None or participant_type.event_id != event.id:
        raise InvalidReference("The organisation type does not belong to this event.")
    own_ids = (
        {opportunity.id for opportunity in participant.opportunities} if participant else set()
    )
    given_ids = [item.id for item in data.opportunities if item.id is not None]
    if not set(given_ids) <= own_ids or len(given_ids) != len(set(given_ids)):
        raise InvalidReference("An opportunity does not belong to this registration.")
    return _References(
        participant_type=participant_type,
        topics=_event_topics(event, data.topic_ids),
        opportunity_topics=[_event_topics(event, item.topic_ids) for item in data.opportunities],
    )


def _apply(participant: Participant, data: RegistrationData, references: _References) -> None:
    """Copy the checked data onto the participant, its organisation and its opportunities."""
    participant.first_name = data.first_name.strip()
    participant.last_name = data.last_name.strip()
    participant.job_title = data.job_title.strip()
    participant.phone = data.phone.strip()
    participant.marketplace_consent = data.marketplace_consent
    participant.topics = references.topics

    organisation = participant.organisation
    organisation.name = data.organisation_name.strip()
    organisation.type = references.participant_type
    organisation.country = data.country.upper()
    organisation.city = data.city.strip()
    organisation.website = data.website.strip()
    organisation.size = OrganisationSize(data.size) if data.size else None
    organisation.description = data.organisation_description.strip()

    existing = {opportunity.id: opportunity for opportunity in participant.opportunities}
    kept: list[Opportunity] = []
    for item, topics in zip(data.opportunities, references.opportunity_topics, strict=True):
        opportunity = existing[item.id] if item.id is not None else Opportunity()
        opportunity.kind = OpportunityKind(item.kind)
        opportunity.title = item.title.strip()
        opportunity.description = item.description.strip()
        opportunity.topics = topics
        kept.append(opportunity)
    # Opportunities left out are removed (delete-orphan on the relationship).
    participant.opportunities = kept
