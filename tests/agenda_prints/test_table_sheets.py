"""Table sheets: one page per table, text extracted with pypdf."""

from __future__ import annotations

import io

from pypdf import PdfReader

from brokerage.agendas.table_sheets import table_sheets
from brokerage.extensions import db
from tests.agenda_prints.conftest import HTML_NAME, HTML_ORGANISATION, build_world, event_of
from tests.agenda_prints.helpers import count_queries, more_meetings


def _pages(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_one_page_per_table_with_its_meetings(organiser_client, world):
    response = organiser_client.get(f"/events/{world.slug}/manage/prints/table-sheets.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert 'filename="table-sheets-' in response.headers["Content-Disposition"]
    table_1, table_2, booth = _pages(response.data)

    assert "Table 1" in table_1
    assert "10:00–10:20" in table_1
    assert "Иван Петров" in table_1
    assert "Български иновации ООД" in table_1
    assert f"{HTML_NAME} Zed" in table_1  # escaped: shown as text, not markup
    assert HTML_ORGANISATION in table_1
    assert "Page 1" in table_1

    # The cancelled meeting frees its slot; the draft's meeting at 11:15 never shows.
    assert "Table 2" in table_2
    assert "0 meetings" in table_2
    assert "Παπαδόπουλος" not in table_2
    assert "Vogel" not in table_2

    assert "Booth B1" in booth
    assert "Booth of Ana Marković" in booth
    assert "Marković Čistoća d.o.o." in booth
    assert "Γιώργος Παπαδόπουλος" in booth
    assert "Ελληνική Ενέργεια Α.Ε." in booth
    assert "Page 1" in booth  # each table numbers its own pages
    for page in (table_1, table_2, booth):
        assert "Innovation Partnering Day" in page  # the event's name on every sheet


def test_a_booth_lists_its_owner_first_and_the_slots_in_order(app_ctx):
    world = build_world()
    sheets = table_sheets(event_of(world))
    booth = sheets[-1]
    assert booth.title == "Booth B1"
    rows = booth.sessions[0].rows
    assert [row.people[0].name if row.people else None for row in rows] == [
        "Ana Marković",
        "Ana Marković",
        None,
        None,  # the draft's 11:15 meeting is not published
    ]
    assert booth.meeting_count == 2


def test_table_sheets_cost_the_same_queries_at_any_size(app_ctx):
    world = build_world()
    event = event_of(world)
    with count_queries() as small:
        table_sheets(event)
    more_meetings(event, world, count=12)
    db.session.expire_all()
    event = event_of(world)
    with count_queries() as large:
        sheets = table_sheets(event)
    assert len(sheets) == 3 + 12
    assert large.count == small.count <= 4


def test_big_events_render_in_parts_joined_in_order(app_ctx, monkeypatch):
    from brokerage.agendas import table_sheets as module

    monkeypatch.setattr(module, "SHEETS_PER_RENDER", 2)
    world = build_world()
    more_meetings(event_of(world), world, count=3)
    sheets = table_sheets(event_of(world))
    pages = _pages(module.table_sheets_pdf(event_of(world), sheets))
    assert len(pages) == len(sheets) == 6
    for page, sheet in zip(pages, sheets, strict=True):
        assert sheet.title in page
        assert "Page 1" in page


def test_a_long_sheet_numbers_its_own_pages(app_ctx):
    from datetime import time

    from brokerage.events import services as events

    world = build_world()
    event = event_of(world)
    events.add_session(event, "Afternoon", event.start_date, time(12), time(23))
    pages = _pages(module_pdf(event))
    assert len(pages) > 3
    continued = [page for page in pages if "Page 2" in page]
    assert continued  # a table whose slots spill onto a second page
    assert all("Page 3" not in page for page in pages)  # no table needs three


def module_pdf(event):
    from brokerage.agendas.table_sheets import table_sheets_pdf

    return table_sheets_pdf(event, table_sheets(event))


def test_no_tables_is_a_message(organiser_client, world, app):
    from sqlalchemy import delete

    from brokerage.events.models import Table

    with app.app_context():
        db.session.execute(delete(Table).where(Table.event_id == world.event_id))
        db.session.commit()
    response = organiser_client.get(f"/events/{world.slug}/manage/prints/table-sheets.pdf")
    assert response.status_code == 302
    page = organiser_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "no tables or booths yet" in page


def _add_second_day(app, world) -> str:
    from datetime import time, timedelta

    from brokerage.events import services as events

    with app.app_context():
        event = event_of(world)
        event.end_date = event.start_date + timedelta(days=1)
        events.add_session(event, "Second morning", event.end_date, time(9), time(10))
        db.session.commit()
        return event.end_date.isoformat()


def test_sheets_for_one_day(organiser_client, world, app):
    second_day = _add_second_day(app, world)
    base = f"/events/{world.slug}/manage/prints"
    page = organiser_client.get(base).get_data(as_text=True)
    assert f"table-sheets.pdf?day={second_day}" in page
    everything = _pages(organiser_client.get(base + "/table-sheets.pdf").data)
    assert "Second morning" in everything[0]
    assert "10:00–10:20" in everything[0]  # the first day
    response = organiser_client.get(base + f"/table-sheets.pdf?day={second_day}")
    assert response.status_code == 200
    assert f'filename="table-sheets-{second_day}-' in response.headers["Content-Disposition"]
    [table_1, *_] = _pages(response.data)
    assert "Second morning" in table_1
    assert "10:00–10:20" not in table_1
    assert "Иван Петров" not in table_1  # the first day's meeting
    assert "0 meetings" in table_1


def test_a_day_without_sessions_is_a_404(organiser_client, world):
    base = f"/events/{world.slug}/manage/prints/table-sheets.pdf"
    for junk in ("1999-01-01", "tomorrow", "2026-13-45", "x" * 500):
        assert organiser_client.get(base, query_string={"day": junk}).status_code == 404
