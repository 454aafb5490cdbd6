"""The full schedule export: CSV parsed with csv, XLSX re-opened with openpyxl."""

from __future__ import annotations

import csv
import io
from datetime import date, time

from openpyxl import load_workbook

from brokerage.agendas.exports import (
    HEADER,
    schedule_counts,
    schedule_csv,
    schedule_rows,
    schedule_xlsx,
)
from brokerage.events.models import Slot, Table
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest
from brokerage.scheduling.models import ScheduleRun
from tests.agenda_prints.conftest import (
    FORMULA_ORGANISATION,
    HTML_NAME,
    HTML_ORGANISATION,
    build_world,
    event_of,
)
from tests.agenda_prints.helpers import count_queries, more_meetings
from tests.factories import make_scheduled_meeting

EXPECTED_ROWS = [
    # start, table, participant A, participant B, status
    ("10:00", "table 1", "Иван Петров", f"{HTML_NAME} Zed", "scheduled"),
    ("10:00", "booth B1 (Ana Marković)", "Ana Marković", "Γιώργος Παπαδόπουλος", "scheduled"),
    ("10:25", "booth B1 (Ana Marković)", "Ana Marković", "Иван Петров", "scheduled"),
    ("10:50", "table 2", "Γιώργος Παπαδόπουλος", f"{HTML_NAME} Zed", "cancelled"),
]


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_one_row_per_published_meeting(organiser_client, world):
    response = organiser_client.get(f"/events/{world.slug}/manage/prints/schedule.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="schedule-')
    assert response.headers["Cache-Control"] == "no-store"
    header, *rows = _csv_rows(response.data)
    assert header == HEADER
    assert [(r[1], r[5], r[6], r[9], r[12]) for r in rows] == EXPECTED_ROWS
    first = dict(zip(header, rows[1], strict=True))
    assert first["End"] == "10:20"
    assert first["Session"] == "Morning"
    assert first["Slot"] == "1"
    assert first["Organisation A"] == "Marković Čistoća d.o.o."
    assert first["Organisation B"] == "Ελληνική Ενέργεια Α.Ε."
    assert (first["Country A"], first["Country B"]) == ("Croatia", "Greece")
    second = dict(zip(header, rows[0], strict=True))
    assert second["Organisation A"] == "Български иновации ООД"
    assert second["Organisation B"] == HTML_ORGANISATION  # data, kept exactly as typed


def test_the_draft_run_never_shows(organiser_client, world):
    data = organiser_client.get(f"/events/{world.slug}/manage/prints/schedule.csv").data
    text = data.decode("utf-8-sig")
    assert "Vogel" not in text  # only in the draft
    assert "Haddad" not in text
    assert "11:15" not in text  # the draft's moved meeting


def test_cells_that_look_like_formulas_are_defused(app_ctx):
    world = build_world()
    run = db.session.get(ScheduleRun, world.published_run_id)
    lena_omar = db.session.get(MeetingRequest, _request_id(world, "lena"))
    make_scheduled_meeting(
        run, lena_omar, db.session.get(Slot, world.slots[3]), db.session.get(Table, world.tables[1])
    )
    event = event_of(world)
    [row] = [row for row in schedule_rows(event) if row.participant_a == "Lena Vogel"]
    _header, *rows = _csv_rows(schedule_csv([row]))
    assert rows[0][7] == "'" + FORMULA_ORGANISATION
    sheet = load_workbook(io.BytesIO(schedule_xlsx([row], event))).active
    cell = sheet.cell(row=2, column=8)
    assert cell.data_type == "s"
    assert cell.value == "'" + FORMULA_ORGANISATION


def _request_id(world, first_key: str) -> int:
    from sqlalchemy import select

    return db.session.scalar(
        select(MeetingRequest.id).where(MeetingRequest.sender_id == world.people[first_key])
    )


def test_xlsx_is_a_tidy_workbook(organiser_client, world):
    response = organiser_client.get(f"/events/{world.slug}/manage/prints/schedule.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="schedule-' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:M5"
    assert sheet.column_dimensions["G"].width == 26
    assert [(r[5], r[6], r[9], r[12]) for r in rows[1:]] == [row[1:] for row in EXPECTED_ROWS]
    day, start, end = rows[1][:3]
    # Typed values in the event's zone: a date and times a spreadsheet can sort and filter.
    assert isinstance(day.date() if hasattr(day, "date") else day, date)
    assert (start, end) == (time(10, 0), time(10, 20))
    assert sheet.cell(row=2, column=2).number_format == "hh:mm"
    assert "Vogel" not in str(rows)


def test_export_costs_the_same_queries_at_any_size(app_ctx):
    world = build_world()
    event = event_of(world)
    with count_queries() as small:
        small_rows = schedule_rows(event)
    more_meetings(event, world, count=12)
    db.session.expire_all()
    event = event_of(world)
    with count_queries() as large:
        large_rows = schedule_rows(event)
    assert len(large_rows) == len(small_rows) + 12
    assert large.count == small.count <= 3


def test_counts(app_ctx):
    world = build_world()
    counts = schedule_counts(event_of(world))
    assert (counts.scheduled, counts.cancelled, counts.tables, counts.participants) == (
        3,
        1,
        3,
        6,
    )


def test_unpublished_event_refuses_with_a_message(organiser_client, world, app):
    with app.app_context():
        event = event_of(world)
        event.published_run_id = None
        db.session.commit()
    for document in ("schedule.csv", "schedule.xlsx", "table-sheets.pdf"):
        response = organiser_client.get(f"/events/{world.slug}/manage/prints/{document}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/events/{world.slug}/manage/prints")
    page = organiser_client.get(f"/events/{world.slug}/manage/prints").get_data(as_text=True)
    assert "There is no published schedule yet" in page
    assert "No published schedule yet" in page
