"""The published schedule as a spreadsheet: CSV (UTF-8 with BOM, for Excel) and XLSX bytes.

One row per meeting of the event's PUBLISHED run, cancelled ones included with their status;
a draft run never appears. Two queries whatever the size: the run's meetings with slots,
sessions, tables, requests, participants and organisations joined, and the event's slots
(for each slot's number within its session).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import func, select

from brokerage.events.models import Event, Table
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.registration.models import Participant, ParticipantStatus
from brokerage.scheduling.models import MeetingState, ScheduledMeeting
from brokerage.scheduling.review import event_slots, is_active, load_meetings, slot_positions
from brokerage.spreadsheets import csv_bytes, xlsx_bytes
from brokerage.templating import country_name

HEADER = [
    "Day",
    "Start",
    "End",
    "Session",
    "Slot",
    "Table",
    "Participant A",
    "Organisation A",
    "Country A",
    "Participant B",
    "Organisation B",
    "Country B",
    "Status",
]

# Widths in characters, column by column, for the XLSX sheet.
COLUMN_WIDTHS = [12, 8, 8, 22, 6, 18, 26, 32, 16, 26, 32, 16, 11]


@dataclass(frozen=True)
class ScheduleRow:
    day: date  # in the event's time zone
    start: time
    end: time
    session: str
    slot: int  # 1-based number of the slot within its session
    place: str  # "table 7", "booth B1 (Ada Lovelace)", or "no table"
    participant_a: str  # the request's sender
    organisation_a: str
    country_a: str  # country name
    participant_b: str  # the request's recipient
    organisation_b: str
    country_b: str
    status: str  # "scheduled" or "cancelled"

    def cells(self) -> list[object]:
        return [
            self.day,
            self.start,
            self.end,
            self.session,
            self.slot,
            self.place,
            self.participant_a,
            self.organisation_a,
            self.country_a,
            self.participant_b,
            self.organisation_b,
            self.country_b,
            self.status,
        ]


def schedule_rows(event: Event) -> list[ScheduleRow]:
    """The published run's meetings in time order, then table order; [] when none is published."""
    if event.published_run_id is None:
        return []
    positions = slot_positions(event_slots(event))
    rows = []
    for meeting in load_meetings(event.published_run_id):
        slot = meeting.slot
        table = meeting.table
        if table is None:
            place = "no table"
        elif table.booth_owner is not None:
            place = f"{table.place} ({table.booth_owner.full_name})"
        else:
            place = table.place
        request = meeting.request
        sender, recipient = request.sender, request.recipient
        starts, ends = event.local(slot.starts_at), event.local(slot.ends_at)
        rows.append(
            ScheduleRow(
                day=starts.date(),
                start=starts.time(),
                end=ends.time(),
                session=slot.session.name,
                slot=positions.get(slot.id, (None, 0))[1] + 1,
                place=place,
                participant_a=sender.full_name,
                organisation_a=sender.organisation.name,
                country_a=country_name(sender.organisation.country),
                participant_b=recipient.full_name,
                organisation_b=recipient.organisation.name,
                country_b=country_name(recipient.organisation.country),
                status="scheduled" if is_active(meeting) else "cancelled",
            )
        )
    return rows


def _text(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def schedule_csv(rows: list[ScheduleRow]) -> bytes:
    return csv_bytes(HEADER, ([_text(cell) for cell in row.cells()] for row in rows))


def schedule_xlsx(rows: list[ScheduleRow], event: Event) -> bytes:
    """Dates and times stay typed values in the workbook."""
    return xlsx_bytes(
        HEADER,
        (row.cells() for row in rows),
        sheet_title="Schedule",
        document_title=f"{event.title}: schedule",
        widths=COLUMN_WIDTHS,
        number_formats={0: "yyyy-mm-dd", 1: "hh:mm", 2: "hh:mm"},
    )


@dataclass(frozen=True)
class ScheduleCounts:
    """What the print-outs page says each document will hold."""

    scheduled: int  # meetings of the published run that take place
    cancelled: int
    tables: int  # tables and booths: one table sheet each
    participants: int  # approved participants: one agenda each


def schedule_counts(event: Event) -> ScheduleCounts:
    """Four counting queries, whatever the size."""
    tables = db.session.scalar(select(func.count(Table.id)).where(Table.event_id == event.id))
    participants = db.session.scalar(
        select(func.count(Participant.id)).where(
            Participant.event_id == event.id, Participant.status == ParticipantStatus.APPROVED
        )
    )
    scheduled = cancelled = 0
    if event.published_run_id is not None:
        active = (ScheduledMeeting.state == MeetingState.SCHEDULED) & (
            MeetingRequest.status == RequestStatus.ACCEPTED
        )
        counts = db.session.execute(
            select(active, func.count(ScheduledMeeting.id))
            .join(ScheduledMeeting.request)
            .where(ScheduledMeeting.run_id == event.published_run_id)
            .group_by(active)
        ).all()
        for is_scheduled, count in counts:
            if is_scheduled:
                scheduled += count
            else:
                cancelled += count
    return ScheduleCounts(
        scheduled=scheduled,
        cancelled=cancelled,
        tables=tables or 0,
        participants=participants or 0,
    )
