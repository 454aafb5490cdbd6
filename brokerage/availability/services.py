"""Availability: who can meet when.

Public entry points (plain values plus the acting user in; they flush, never commit):

    available_slot_ids(participant) -> set[int]
    available_slots_by_participant(event) -> dict[participant_id, set[slot_id]]
    availability_summary(participant) -> AvailabilitySummary
    availability_grid(participant) -> list[GridDay]          (for the pages)
    set_availability(participant, attended_session_ids, blocked_slot_ids, acting_user)

Rules:
- Everyone attends every session and every slot unless they say otherwise (see models.py).
- A participant changes their own availability while their registration is pending or
  approved, until the booking deadline (`registration.services.edit_deadline`). Organisers
  change it for any participant of their event at any time.
- Every session and slot id must belong to the participant's event; anything else is forged
  or stale input and raises `InvalidAvailabilityReference` (a 400 in the views), before any
  row is touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from sqlalchemy import Integer, Select, cast, func, literal_column, null, or_, select, union_all
from sqlalchemy.orm import selectinload

from brokerage.auth.models import User
from brokerage.availability.models import SessionAbsence, SlotBlock
from brokerage.events.models import Event, MeetingSession, Slot
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.registration.models import Participant
from brokerage.registration.services import ACTIVE_STATUSES, can_edit


class AvailabilityError(ValueError):
    """A refusal with a message meant for the user."""


class InvalidAvailabilityReference(AvailabilityError):
    """A session or slot id that does not belong to the participant's event."""


@dataclass(frozen=True)
class AvailabilitySummary:
    available_slots: int
    total_slots: int
    accepted_meetings: int
    warning: str | None

    @property
    def overbooked(self) -> bool:
        """More accepted meetings than slots to hold them: some cannot be scheduled."""
        return self.accepted_meetings > self.available_slots


@dataclass(frozen=True)
class GridSlot:
    slot: Slot
    blocked: bool


@dataclass(frozen=True)
class GridSession:
    session: MeetingSession
    attends: bool
    slots: list[GridSlot]


@dataclass(frozen=True)
class GridDay:
    day: date  # in the event's time zone
    sessions: list[GridSession]


# --- queries -----------------------------------------------------------------------------


def _event_slots(event_id: int) -> Select[tuple[int, int]]:
    """(slot id, session id) of every slot of the event."""
    return (
        select(Slot.id, Slot.session_id)
        .join(MeetingSession, MeetingSession.id == Slot.session_id)
        .where(MeetingSession.event_id == event_id)
    )


def available_slot_ids(participant: Participant) -> set[int]:
    """The ids of the event's slots in which the participant can meet."""
    absent_sessions = select(SessionAbsence.session_id).where(
        SessionAbsence.participant_id == participant.id
    )
    blocked_slots = select(SlotBlock.slot_id).where(SlotBlock.participant_id == participant.id)
    statement = (
        select(Slot.id)
        .join(MeetingSession, MeetingSession.id == Slot.session_id)
        .where(
            MeetingSession.event_id == participant.event_id,
            Slot.session_id.not_in(absent_sessions),
            Slot.id.not_in(blocked_slots),
        )
    )
    return set(db.session.scalars(statement))


def available_slots_by_participant(event: Event) -> dict[int, set[int]]:
    """Every pending or approved participant's available slot ids, in two queries.

    For the scheduler: one query for the event's slots, one for the participants and their
    exceptions (absences and blocks, usually few), then set arithmetic in Python. No query
    per participant, so 3,000 participants cost the same two round trips as three.
    """
    slots_by_session: dict[int, set[int]] = {}
    all_slots: set[int] = set()
    for slot_id, session_id in db.session.execute(_event_slots(event.id)):
        slots_by_session.setdefault(session_id, set()).add(slot_id)
        all_slots.add(slot_id)

    active = (Participant.event_id == event.id, Participant.status.in_(ACTIVE_STATUSES))
    # One round trip: the participants, then their absences and blocks, tagged by kind (an
    # inline integer, so the UNION's column types are plain on every backend).
    rows = union_all(
        select(
            Participant.id.label("participant_id"),
            literal_column("0").label("kind"),
            cast(null(), Integer).label("other_id"),
        ).where(*active),
        select(SessionAbsence.participant_id, literal_column("1"), SessionAbsence.session_id)
        .join(Participant, Participant.id == SessionAbsence.participant_id)
        .where(*active),
        select(SlotBlock.participant_id, literal_column("2"), SlotBlock.slot_id)
        .join(Participant, Participant.id == SlotBlock.participant_id)
        .where(*active),
    )
    available: dict[int, set[int]] = {}
    absences: list[tuple[int, int]] = []
    blocks: list[tuple[int, int]] = []
    for participant_id, kind, other_id in db.session.execute(rows):
        if kind == 0:
            available[participant_id] = set(all_slots)
        elif kind == 1:
            absences.append((participant_id, other_id))
        else:
            blocks.append((participant_id, other_id))
    # Exceptions are applied after every participant has their full set, whatever the order
    # in which the database returned the rows.
    for participant_id, session_id in absences:
        available[participant_id] -= slots_by_session.get(session_id, set())
    for participant_id, slot_id in blocks:
        available[participant_id].discard(slot_id)
    return available


def total_slot_count(event: Event) -> int:
    return db.session.scalar(select(func.count()).select_from(_event_slots(event.id).subquery()))


def accepted_meeting_count(participant: Participant) -> int:
    """Accepted meeting requests with the participant on either side."""
    return db.session.scalar(
        select(func.count(MeetingRequest.id)).where(
            MeetingRequest.event_id == participant.event_id,
            MeetingRequest.status == RequestStatus.ACCEPTED,
            or_(
                MeetingRequest.sender_id == participant.id,
                MeetingRequest.recipient_id == participant.id,
            ),
        )
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def availability_summary(participant: Participant) -> AvailabilitySummary:
    available = len(available_slot_ids(participant))
    accepted = accepted_meeting_count(participant)
    warning = None
    if accepted > available:
        warning = (
            f"You have {_plural(accepted, 'accepted meeting')} but only "
            f"{_plural(available, 'available slot')}: some cannot be scheduled."
        )
    return AvailabilitySummary(
        available_slots=available,
        total_slots=total_slot_count(participant.event),
        accepted_meetings=accepted,
        warning=warning,
    )


def _sessions_with_slots(event: Event) -> list[MeetingSession]:
    return list(
        db.session.scalars(
            select(MeetingSession)
            .where(MeetingSession.event_id == event.id)
            .options(selectinload(MeetingSession.slots))
            .order_by(MeetingSession.starts_at)
        )
    )


def absent_session_ids(participant: Participant) -> set[int]:
    return set(
        db.session.scalars(
            select(SessionAbsence.session_id).where(SessionAbsence.participant_id == participant.id)
        )
    )


def blocked_slot_ids(participant: Participant) -> set[int]:
    return set(
        db.session.scalars(
            select(SlotBlock.slot_id).where(SlotBlock.participant_id == participant.id)
        )
    )


def availability_grid(participant: Participant) -> list[GridDay]:
    """The event's sessions and slots by local day, with the participant's choices."""
    event = participant.event
    absent = absent_session_ids(participant)
    blocked = blocked_slot_ids(participant)

    def local_day(session: MeetingSession) -> date:
        return event.local(session.starts_at).date()

    return [
        GridDay(
            day=day,
            sessions=[
                GridSession(
                    session=session,
                    attends=session.id not in absent,
                    slots=[GridSlot(slot, slot.id in blocked) for slot in session.slots],
                )
                for session in sessions
            ],
        )
        for day, sessions in groupby(_sessions_with_slots(event), key=local_day)
    ]


# --- changes -----------------------------------------------------------------------------


def may_edit_own(participant: Participant, now: datetime | None = None) -> bool:
    """Whether the participant may still change their own availability."""
    return participant.status in ACTIVE_STATUSES and can_edit(participant, now)


def set_availability(
    participant: Participant,
    attended_session_ids: Iterable[int],
    blocked_slot_ids: Iterable[int],
    acting_user: User,
    *,
    now: datetime | None = None,
) -> None:
    """Replace the participant's availability: the sessions they attend, the slots they block.

    Sessions not listed become absences. Only the differences are written, after every id
    has been checked, so a refusal leaves the rows as they were.
    """
    from brokerage.access import is_organiser

    event = participant.event
    if not is_organiser(event, acting_user):
        if participant.user_id != acting_user.id:
            raise AvailabilityError("You may only change your own availability.")
        if participant.status not in ACTIVE_STATUSES:
            raise AvailabilityError("This registration is not active.")
        if not can_edit(participant, now):
            raise AvailabilityError("The deadline for changes has passed.")

    attended = set(attended_session_ids)
    blocked = set(blocked_slot_ids)
    slot_ids = {slot_id for slot_id, _ in db.session.execute(_event_slots(event.id))}
    session_ids = set(
        db.session.scalars(select(MeetingSession.id).where(MeetingSession.event_id == event.id))
    )
    if not attended <= session_ids:
        raise InvalidAvailabilityReference("A session does not belong to this event.")
    if not blocked <= slot_ids:
        raise InvalidAvailabilityReference("A slot does not belong to this event.")

    # Serialise concurrent saves for one participant (PostgreSQL; SQLite has one writer), so
    # two tabs saving at once cannot both insert the same row.
    db.session.execute(
        select(Participant.id).where(Participant.id == participant.id).with_for_update()
    )
    absent = session_ids - attended
    for row in list(participant.session_absences):
        if row.session_id not in absent:
            participant.session_absences.remove(row)  # delete-orphan deletes the row
    for session_id in absent - {row.session_id for row in participant.session_absences}:
        participant.session_absences.append(SessionAbsence(session_id=session_id))
    for row in list(participant.slot_blocks):
        if row.slot_id not in blocked:
            participant.slot_blocks.remove(row)
    for slot_id in blocked - {row.slot_id for row in participant.slot_blocks}:
        participant.slot_blocks.append(SlotBlock(slot_id=slot_id))
    db.session.flush()
