"""The organiser's live figures and the CSV/XLSX exports."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from brokerage.checkin.figures import checkin_figures, timeline
from brokerage.checkin.models import CheckIn, CheckInMethod
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Participant, ParticipantStatus
from tests.checkin.conftest import World, as_user
from tests.factories import make_participant


def _check_in(
    event: Event, participant: Participant, at: datetime, by: int | None, method=CheckInMethod.BADGE
) -> None:
    db.session.add(
        CheckIn(
            event_id=event.id,
            participant_id=participant.id,
            checked_in_at=at,
            checked_in_by_id=by,
            method=method,
        )
    )


def _fill(app, world: World) -> None:
    """Ada at 09:05 and a university person at 09:40 (Brussels, summer); Bob not yet."""
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        ada = db.session.get(Participant, world.people["ada"])
        ada.organisation.name = '=HYPERLINK("http://evil.example")'
        scholar = make_participant(event, first_name="Uma", last_name="Uni")
        scholar.organisation.type = event.participant_types[1]
        _check_in(event, ada, datetime(2026, 7, 7, 7, 5, tzinfo=UTC), world.staff_id)
        _check_in(
            event,
            scholar,
            datetime(2026, 7, 7, 7, 40, tzinfo=UTC),
            world.staff_id,
            CheckInMethod.SEARCH,
        )
        db.session.commit()


def test_figures_count_by_type_and_over_time(app, world):
    _fill(app, world)
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        figures = checkin_figures(event)
        assert (figures.checked_in, figures.approved) == (2, 3)  # Pia is pending
        by_type = {row.name: (row.checked_in, row.approved) for row in figures.by_type}
        assert by_type == {
            "Company / SME": (1, 2),
            "University or research organisation": (1, 1),
            "Cluster": (0, 0),
        }
        [day] = figures.days
        # Padded to two hours around the check-ins, so a short burst still reads as one.
        assert [(f"{b.starts_at:%H:%M}", b.count) for b in day.buckets] == [
            ("08:30", 0),
            ("08:45", 0),
            ("09:00", 1),
            ("09:15", 0),
            ("09:30", 1),
            ("09:45", 0),
            ("10:00", 0),
            ("10:15", 0),
        ]
        # A check-in whose registration is later cancelled is counted apart.
        db.session.get(Participant, world.people["ada"]).status = ParticipantStatus.CANCELLED
        db.session.flush()
        figures = checkin_figures(event)
        assert (figures.checked_in, figures.approved, figures.checked_in_not_approved) == (1, 2, 1)
        db.session.rollback()


def test_timeline_splits_days_in_the_event_zone(app, world):
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        moments = [
            datetime(2026, 7, 7, 21, 50, tzinfo=UTC),  # 23:50 on the 7th in Brussels
            datetime(2026, 7, 7, 22, 10, tzinfo=UTC),  # 00:10 on the 8th
        ]
        days = timeline(event, moments)
        assert [(str(day.day), day.total) for day in days] == [("2026-07-07", 1), ("2026-07-08", 1)]


def test_overview_page_shows_figures_chart_and_text(app, client, world):
    _fill(app, world)
    as_user(client, world.organiser)
    html = client.get(f"/events/{world.slug}/manage/checkin").get_data(as_text=True)
    assert "<strong>2</strong> of 3 approved participants" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img"' in html
    assert "Check-ins per 15 minutes on Tue 07 Jul 2026" in html
    assert '<td>09:30</td><td class="text-end">1</td>' in html
    assert "University or research organisation" in html


def test_csv_export_lists_everyone_approved_with_guarded_cells(app, client, world):
    _fill(app, world)
    as_user(client, world.organiser)
    response = client.get(f"/events/{world.slug}/manage/checkin.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == [
        "First name",
        "Last name",
        "Organisation",
        "Country",
        "Type",
        "Registration",
        "Checked in at",
        "Checked in by",
        "Method",
    ]
    by_last = {row[1]: row for row in rows[1:]}
    assert set(by_last) == {"Müller", "Babbage", "Uni"}  # not Pia (pending, not in)
    assert by_last["Müller"][2] == '\'=HYPERLINK("http://evil.example")'
    assert by_last["Müller"][3:] == [
        "France",
        "Company / SME",
        "approved",
        "2026-07-07 09:05",
        "Sam Staff",
        "badge",
    ]
    assert by_last["Uni"][6:] == ["2026-07-07 09:40", "Sam Staff", "search"]
    assert by_last["Babbage"][6:] == ["", "", ""]


def test_xlsx_export_has_the_same_rows(app, client, world):
    _fill(app, world)
    as_user(client, world.organiser)
    response = client.get(f"/events/{world.slug}/manage/checkin.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = [
        [cell if cell is not None else "" for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert rows[0][0] == "First name"
    by_last = {row[1]: row for row in rows[1:]}
    assert by_last["Müller"][2] == '\'=HYPERLINK("http://evil.example")'  # text, not a formula
    assert by_last["Müller"][6] == "2026-07-07 09:05"
    assert by_last["Babbage"][6] == ""
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def _statements_during(action) -> int:
    from sqlalchemy import event as sa_event

    count = 0

    def counted(*_args) -> None:
        nonlocal count
        count += 1

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", counted)
    try:
        action()
    finally:
        sa_event.remove(engine, "before_cursor_execute", counted)
    return count


def test_figures_exports_and_search_use_a_constant_number_of_queries(app, world):
    from brokerage.checkin import exports, services

    with app.app_context():
        event = db.session.get(Event, world.event_id)

        def everything() -> None:
            db.session.expire_all()
            checkin_figures(event)
            exports.checkin_rows(event)
            services.search_participants(event, "a")
            services.latest_check_ins(event)

        _fill_more(event, world, 3)
        few = _statements_during(everything)
        _fill_more(event, world, 30)
        many = _statements_during(everything)
        assert many == few
        db.session.rollback()


def _fill_more(event: Event, world: World, count: int) -> None:
    for number in range(count):
        person = make_participant(event, first_name="Anna", last_name=f"Many{number}")
        _check_in(event, person, datetime(2026, 7, 7, 8, number % 60, tzinfo=UTC), world.staff_id)
    db.session.flush()
