"""Personal agendas: each participant's part of the PUBLISHED schedule, as plain values.

`agendas_for` is the one loader: it reads the participants, the event's sessions with their
slots, and the published run's meetings that involve them (joined with slot, table, booth
owner, request, both participants and the opportunity) — three queries, whatever the number
of participants — and builds every agenda in Python. The page, the PDF, the iCalendar feed
and the organiser's print-outs all read these values, never the ORM rows.

A meeting counts as cancelled when the run's meeting row is cancelled or its request no longer
stands; cancelled meetings stay in the agenda (struck through, STATUS:CANCELLED in calendars).
The timeline follows the glossary: a break is a run of idle slots strictly between two of a
participant's meetings in one session; idle slots before the first or after the last meeting
of a session are free time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import aliased, joinedload

from brokerage.events.models import Event, MeetingSession, Slot, Table
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.registration.models import Opportunity, Organisation, Participant, ParticipantStatus
from brokerage.scheduling.models import MeetingState, ScheduledMeeting, UnscheduledRequest

NO_TABLE_YET = "Table to be announced"


@dataclass(frozen=True)
class AgendaMeeting:
    meeting_id: int  # ScheduledMeeting.id in the event's PUBLISHED run
    request_id: int  # the MeetingRequest id: stable across runs and edits
    starts_at: datetime  # aware UTC (show with the local_time filter)
    ends_at: datetime
    session_name: str
    place: str  # "Table 12", or "Booth: <owner name> (table 3)"
    partner_id: int
    partner_name: str
    partner_organisation: str
    partner_country: str  # ISO 3166 alpha-2
    opportunity_title: str | None
    cancelled: bool  # meeting cancelled, or its request no longer accepted
    sequence: int  # ScheduledMeeting.sequence (iCalendar SEQUENCE)


class EntryKind(StrEnum):
    MEETING = "meeting"
    BREAK = "break"  # idle slots between two meetings of the same session
    FREE = "free"  # idle slots before the first or after the last meeting of a session


@dataclass(frozen=True)
class TimelineEntry:
    kind: EntryKind
    starts_at: datetime
    ends_at: datetime
    meeting: AgendaMeeting | None = None  # for MEETING entries
    slot_count: int = 1  # idle slots this BREAK or FREE entry covers


@dataclass(frozen=True)
class SessionTimeline:
    session_id: int
    name: str
    starts_at: datetime
    ends_at: datetime
    entries: list[TimelineEntry]

    @property
    def meeting_count(self) -> int:
        return sum(
            1
            for entry in self.entries
            if entry.kind is EntryKind.MEETING and entry.meeting and not entry.meeting.cancelled
        )


@dataclass(frozen=True)
class Agenda:
    event: Event
    participant: Participant
    published: bool  # False until the event has a published run
    meetings: list[AgendaMeeting]  # time order, cancelled ones included
    sessions: list[SessionTimeline] = field(default_factory=list)  # empty until published

    @property
    def active_meetings(self) -> list[AgendaMeeting]:
        return [meeting for meeting in self.meetings if not meeting.cancelled]

    @property
    def break_count(self) -> int:
        return sum(
            1
            for session in self.sessions
            for entry in session.entries
            if entry.kind is EntryKind.BREAK
        )


# --- loading ---------------------------------------------------------------------------------


def agenda_for(event: Event, participant: Participant, *, with_timeline: bool = True) -> Agenda:
    """One participant's agenda (the same three queries as for a thousand)."""
    agendas = agendas_for(event, [participant.id], with_timeline=with_timeline)
    if agendas:
        return agendas[0]
    # Not approved (or of another event): an empty agenda rather than someone else's data.
    return Agenda(event=event, participant=participant, published=False, meetings=[])


def agendas_for(
    event: Event, participant_ids: Collection[int] | None = None, *, with_timeline: bool = True
) -> list[Agenda]:
    """The agendas of the event's approved participants (all of them, or those ids),
    sorted by last name then first name, in a constant number of queries.

    `with_timeline=False` skips the sessions (one query less), for calendars that only list
    the meetings."""
    participants = _approved_participants(event, participant_ids)
    if not participants:
        return []
    if event.published_run_id is None:
        return [
            Agenda(event=event, participant=participant, published=False, meetings=[])
            for participant in participants
        ]
    sessions = _sessions_with_slots(event) if with_timeline else []
    wanted = {participant.id for participant in participants}
    meetings_by_participant: dict[int, list[AgendaMeeting]] = defaultdict(list)
    for row in _published_meetings(
        event.published_run_id, None if participant_ids is None else wanted
    ):
        for participant_id, partner in (
            (row.sender_id, _Partner(row.recipient_id, *row[-4:])),
            (row.recipient_id, _Partner(row.sender_id, *row[-8:-4])),
        ):
            if participant_id in wanted:
                meetings_by_participant[participant_id].append(_agenda_meeting(row, partner))
    agendas = []
    for participant in participants:
        meetings = sorted(
            meetings_by_participant.get(participant.id, []),
            key=lambda item: (item.starts_at, not item.cancelled, item.request_id),
        )
        agendas.append(
            Agenda(
                event=event,
                participant=participant,
                published=True,
                meetings=meetings,
                sessions=timeline(sessions, meetings),
            )
        )
    return agendas


def _approved_participants(
    event: Event, participant_ids: Collection[int] | None
) -> list[Participant]:
    query = (
        select(Participant)
        .where(Participant.event_id == event.id, Participant.status == ParticipantStatus.APPROVED)
        .options(joinedload(Participant.organisation))
        .order_by(Participant.last_name, Participant.first_name, Participant.id)
    )
    if participant_ids is not None:
        ids = sorted(set(participant_ids))
        if not ids:
            return []
        query = query.where(Participant.id.in_(ids))
    return list(db.session.scalars(query))


def _sessions_with_slots(event: Event) -> list[MeetingSession]:
    return list(
        db.session.scalars(
            select(MeetingSession)
            .where(MeetingSession.event_id == event.id)
            .options(joinedload(MeetingSession.slots))
            .order_by(MeetingSession.starts_at, MeetingSession.id)
        ).unique()
    )


# Made once: fresh aliases on every call would defeat SQLAlchemy's statement cache.
_SENDER = aliased(Participant, name="sender")
_RECIPIENT = aliased(Participant, name="recipient")
_BOOTH_OWNER = aliased(Participant, name="booth_owner")
_SENDER_ORGANISATION = aliased(Organisation, name="sender_organisation")
_RECIPIENT_ORGANISATION = aliased(Organisation, name="recipient_organisation")


def _published_meetings(run_id: int, participant_ids: set[int] | None) -> list[Row]:
    """The run's meetings (of these participants) as flat rows of plain columns.

    Columns rather than ORM objects: the joined eager loads of meeting, slot, session,
    table, booth owner, request, both participants and organisations and the opportunity
    cost SQLAlchemy more to set up per query than the query itself, which a feed request
    (one participant) would pay every time.
    """
    sender, recipient, booth_owner = _SENDER, _RECIPIENT, _BOOTH_OWNER
    sender_organisation, recipient_organisation = _SENDER_ORGANISATION, _RECIPIENT_ORGANISATION
    query = (
        select(
            ScheduledMeeting.id,
            ScheduledMeeting.request_id,
            ScheduledMeeting.state,
            ScheduledMeeting.sequence,
            Slot.starts_at,
            Slot.ends_at,
            MeetingSession.name.label("session_name"),
            Table.label.label("table_label"),
            booth_owner.first_name.label("owner_first_name"),
            booth_owner.last_name.label("owner_last_name"),
            MeetingRequest.status,
            Opportunity.title.label("opportunity_title"),
            MeetingRequest.sender_id,
            MeetingRequest.recipient_id,
            # The last eight columns: sender, then recipient (see _Partner).
            sender.first_name,
            sender.last_name,
            sender_organisation.name,
            sender_organisation.country,
            recipient.first_name,
            recipient.last_name,
            recipient_organisation.name,
            recipient_organisation.country,
        )
        .join(MeetingRequest, MeetingRequest.id == ScheduledMeeting.request_id)
        .join(Slot, Slot.id == ScheduledMeeting.slot_id)
        .join(MeetingSession, MeetingSession.id == Slot.session_id)
        .outerjoin(Table, Table.id == ScheduledMeeting.table_id)
        .outerjoin(booth_owner, booth_owner.id == Table.booth_owner_id)
        .outerjoin(Opportunity, Opportunity.id == MeetingRequest.opportunity_id)
        .join(sender, sender.id == MeetingRequest.sender_id)
        .join(sender_organisation, sender_organisation.id == sender.organisation_id)
        .join(recipient, recipient.id == MeetingRequest.recipient_id)
        .join(recipient_organisation, recipient_organisation.id == recipient.organisation_id)
        .where(ScheduledMeeting.run_id == run_id)
    )
    if participant_ids is not None:
        ids = sorted(participant_ids)
        query = query.where(
            or_(MeetingRequest.sender_id.in_(ids), MeetingRequest.recipient_id.in_(ids))
        )
    return list(db.session.execute(query).all())


@dataclass(frozen=True, slots=True)
class _Partner:
    id: int
    first_name: str
    last_name: str
    organisation: str
    country: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def place_words(label: str | None, booth_owner_name: str | None) -> str:
    """Where a meeting happens, as the agenda prints it: "Table 12", "Booth: Ada (table B1)"."""
    if label is None:
        return NO_TABLE_YET
    named = label.lower().startswith(("table", "booth", "stand"))
    if booth_owner_name is not None:
        return f"Booth: {booth_owner_name} ({label if named else f'table {label}'})"
    place = label if named else f"table {label}"
    return place[:1].upper() + place[1:]


def place_of(table: Table | None) -> str:
    """`place_words` for a Table row (its booth owner loaded)."""
    if table is None:
        return NO_TABLE_YET
    owner = table.booth_owner.full_name if table.booth_owner is not None else None
    return place_words(table.label, owner)


def _agenda_meeting(row: Row, partner: _Partner) -> AgendaMeeting:
    owner_name = (
        f"{row.owner_first_name} {row.owner_last_name}".strip()
        if row.owner_first_name is not None
        else None
    )
    return AgendaMeeting(
        meeting_id=row.id,
        request_id=row.request_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        session_name=row.session_name,
        place=place_words(row.table_label, owner_name),
        partner_id=partner.id,
        partner_name=partner.full_name,
        partner_organisation=partner.organisation,
        partner_country=partner.country,
        opportunity_title=row.opportunity_title,
        cancelled=row.state is not MeetingState.SCHEDULED
        or row.status is not RequestStatus.ACCEPTED,
        sequence=row.sequence,
    )


# --- the timeline ----------------------------------------------------------------------------


def timeline(
    sessions: Sequence[MeetingSession], meetings: Iterable[AgendaMeeting]
) -> list[SessionTimeline]:
    """Each session's slots in order: meetings, and the idle runs as breaks or free time.

    A cancelled meeting is listed (struck through on the page) and its slot counts as idle.
    """
    by_start: dict[datetime, list[AgendaMeeting]] = defaultdict(list)
    for meeting in meetings:
        by_start[meeting.starts_at].append(meeting)
    result = []
    for session in sessions:
        slots = sorted(session.slots, key=lambda slot: slot.starts_at)
        busy = [any(not m.cancelled for m in by_start.get(slot.starts_at, ())) for slot in slots]
        busy_positions = [index for index, is_busy in enumerate(busy) if is_busy]
        entries = [
            TimelineEntry(
                kind=EntryKind.MEETING, starts_at=m.starts_at, ends_at=m.ends_at, meeting=m
            )
            for slot in slots
            for m in by_start.get(slot.starts_at, ())
        ]
        for first, last in _idle_runs(busy):
            between = (
                bool(busy_positions) and busy_positions[0] < first and last < busy_positions[-1]
            )
            entries.append(
                TimelineEntry(
                    kind=EntryKind.BREAK if between else EntryKind.FREE,
                    starts_at=slots[first].starts_at,
                    ends_at=slots[last].ends_at,
                    slot_count=last - first + 1,
                )
            )
        # Meetings before idle time at the same moment: a cancelled meeting, then its free slot.
        entries.sort(key=lambda e: (e.starts_at, e.kind is not EntryKind.MEETING))
        result.append(
            SessionTimeline(
                session_id=session.id,
                name=session.name,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                entries=entries,
            )
        )
    return result


def _idle_runs(busy: Sequence[bool]) -> list[tuple[int, int]]:
    """(first, last) positions of each maximal run of idle slots."""
    runs = []
    start: int | None = None
    for index, is_busy in enumerate(busy):
        if not is_busy and start is None:
            start = index
        elif is_busy and start is not None:
            runs.append((start, index - 1))
            start = None
    if start is not None:
        runs.append((start, len(busy) - 1))
    return runs


# --- accepted, not (yet) scheduled -----------------------------------------------------------

WAITING_FOR_A_SLOT = "Waiting for a slot"


@dataclass(frozen=True)
class WaitingMeeting:
    """An accepted request without a meeting in the published schedule."""

    request_id: int
    partner_name: str
    partner_organisation: str
    partner_country: str
    reason: str  # the published run's reason, or "Waiting for a slot"


def waiting_for(event: Event, participant: Participant) -> list[WaitingMeeting]:
    """The participant's accepted requests the published schedule has no meeting for."""
    from brokerage.scheduling.editing import waiting_requests

    run_id = event.published_run_id
    if run_id is None:
        return []
    requests = waiting_requests(event, participant)
    if not requests:
        return []
    reasons: dict[int, str] = dict(
        db.session.execute(
            select(UnscheduledRequest.request_id, UnscheduledRequest.reason).where(
                UnscheduledRequest.run_id == run_id,
                UnscheduledRequest.request_id.in_([request.id for request in requests]),
            )
        )
        .tuples()
        .all()
    )
    waiting = []
    for request in requests:
        partner = request.recipient if request.sender_id == participant.id else request.sender
        reason = reasons.get(request.id) or WAITING_FOR_A_SLOT
        waiting.append(
            WaitingMeeting(
                request_id=request.id,
                partner_name=partner.full_name,
                partner_organisation=partner.organisation.name,
                partner_country=partner.organisation.country,
                reason=reason[:1].upper() + reason[1:],
            )
        )
    return waiting
