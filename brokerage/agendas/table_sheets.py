"""Table sheets: one A4 page per table or booth with its meetings slot by slot.

A table host reads who meets at their table and when; the large label doubles as signage.
Only the PUBLISHED run is shown. Cancelled meetings leave their slot free (a cancelled request
frees the slot, which a later meeting may take). Three queries whatever the event's size: the
tables (with booth owners and their organisations), the slots, and the run's meetings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from brokerage.events.models import Event, MeetingSession, Table
from brokerage.extensions import db
from brokerage.pdf import render_joined_pdf
from brokerage.registration.models import Participant
from brokerage.scheduling.models import ScheduledMeeting
from brokerage.scheduling.review import event_slots, is_active, load_meetings

# Tables per WeasyPrint render (see table_sheets_pdf): about 40 pages at 32 slots per table.
SHEETS_PER_RENDER = 20


@dataclass(frozen=True)
class SheetPerson:
    name: str
    organisation: str


@dataclass(frozen=True)
class SheetRow:
    starts_at: datetime  # aware UTC; shown in the event's zone
    ends_at: datetime
    people: tuple[SheetPerson, SheetPerson] | None  # None: the slot is free


@dataclass(frozen=True)
class SheetSession:
    day: date  # in the event's zone
    name: str
    rows: list[SheetRow]


@dataclass(frozen=True)
class TableSheet:
    title: str  # "Table 7", "Booth B1"
    booth_owner: SheetPerson | None
    sessions: list[SheetSession]

    @property
    def meeting_count(self) -> int:
        return sum(row.people is not None for session in self.sessions for row in session.rows)


def _tables(event: Event) -> list[Table]:
    return list(
        db.session.scalars(
            select(Table)
            .where(Table.event_id == event.id)
            .options(joinedload(Table.booth_owner).joinedload(Participant.organisation))
            .order_by(Table.position, Table.id)
        )
    )


def _person(participant: Participant) -> SheetPerson:
    return SheetPerson(participant.full_name, participant.organisation.name)


def _people(meeting: ScheduledMeeting, table: Table) -> tuple[SheetPerson, SheetPerson]:
    """Both participants; at a booth, its owner first (they host)."""
    sender, recipient = meeting.request.sender, meeting.request.recipient
    if table.booth_owner_id == recipient.id:
        sender, recipient = recipient, sender
    return _person(sender), _person(recipient)


def _title(table: Table) -> str:
    place = table.place
    return place[:1].upper() + place[1:]


def schedule_days(event: Event) -> list[date]:
    """The days (in the event's zone) that have sessions, in order: one query."""
    starts = db.session.scalars(
        select(MeetingSession.starts_at).where(MeetingSession.event_id == event.id)
    )
    return sorted({event.local(moment).date() for moment in starts})


def table_sheets(event: Event, day: date | None = None) -> list[TableSheet]:
    """Every table and booth of the event in display order, with the slots of `day` (or of
    every day); [] when nothing is published."""
    if event.published_run_id is None:
        return []
    tables = _tables(event)
    slots = [
        slot
        for slot in event_slots(event)
        if day is None or event.local(slot.session.starts_at).date() == day
    ]
    at: dict[tuple[int, int], ScheduledMeeting] = {}
    for meeting in load_meetings(event.published_run_id):
        if meeting.table_id is not None and is_active(meeting):
            at[meeting.table_id, meeting.slot_id] = meeting
    sheets = []
    for table in tables:
        by_session: dict[int, SheetSession] = {}
        for slot in slots:
            meeting = at.get((table.id, slot.id))
            session = by_session.get(slot.session_id)
            if session is None:
                session = SheetSession(
                    day=event.local(slot.session.starts_at).date(), name=slot.session.name, rows=[]
                )
                by_session[slot.session_id] = session
            session.rows.append(
                SheetRow(
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    people=_people(meeting, table) if meeting is not None else None,
                )
            )
        owner = table.booth_owner
        sheets.append(
            TableSheet(
                title=_title(table),
                booth_owner=_person(owner) if owner is not None else None,
                sessions=list(by_session.values()),
            )
        )
    return sheets


def table_sheets_pdf(event: Event, sheets: Sequence[TableSheet]) -> bytes:
    """All sheets in one PDF, rendered SHEETS_PER_RENDER tables at a time (the parts side by
    side on every core) and joined.

    WeasyPrint keeps every page of a document laid out until it writes the PDF: 170 tables of
    32 slots in one render peaked at 1 GB. Renders of a bounded size keep the memory bounded;
    each table numbers its own pages, so the joined document reads the same.
    """
    if not sheets:
        raise ValueError("no tables to print")
    parts = [
        render_template(
            "agendas/pdf_table_sheets.html",
            event=event,
            sheets=sheets[start : start + SHEETS_PER_RENDER],
        )
        for start in range(0, len(sheets), SHEETS_PER_RENDER)
    ]
    return render_joined_pdf(parts, title=f"Table sheets · {event.title}")
