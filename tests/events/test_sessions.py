"""Sessions, and the slots derived from them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from brokerage.events import services
from brokerage.events.models import Event, MeetingSession, Slot
from brokerage.extensions import db
from tests.factories import make_event

URL = "/events/event-a/manage/sessions"


def _event(slug: str = "event-a") -> Event:
    return db.session.scalar(select(Event).filter_by(slug=slug))


def _day(app) -> str:
    with app.app_context():
        return str(_event().start_date)


def _add(client, app, name="Day 1 morning", start="09:00", end="12:30", day=None):
    return client.submit(
        URL, {"name": name, "day": day or _day(app), "start_time": start, "end_time": end}
    )


def test_session_slots_follow_meeting_length_and_changeover(as_organiser, app):
    response = _add(as_organiser, app)
    assert response.status_code == 302
    with app.app_context():
        event = _event()
        session = event.sessions[0]
        local = [event.local(slot.starts_at).strftime("%H:%M") for slot in session.slots]
        # 20 minutes + 5 of changeover from 09:00 to 12:30: the last starts at 11:55.
        assert local == ["09:00", "09:25", "09:50", "10:15", "10:40", "11:05", "11:30", "11:55"]
        assert event.local(session.slots[-1].ends_at).strftime("%H:%M") == "12:15"
    page = as_organiser.get(URL).get_data(as_text=True)
    assert "8 slots" in page
    assert "Total: 8 slots in 1 sessions" in page
    assert "11:55–12:15" in page
    assert "Europe/Brussels" in page


def test_dst_day_in_brussels(app_ctx):
    # 28 March 2027: the clocks go from 02:00 to 03:00 in Brussels.
    event = make_event(
        "dst", start_date=date(2027, 3, 27), end_date=date(2027, 3, 28), timezone="Europe/Brussels"
    )
    before = services.add_session(event, "Saturday", date(2027, 3, 27), time(9), time(12, 30))
    after = services.add_session(event, "Sunday", date(2027, 3, 28), time(9), time(12, 30))
    assert len(before.slots) == len(after.slots) == 8
    assert before.slots[0].starts_at == datetime(2027, 3, 27, 8, 0, tzinfo=UTC)
    assert after.slots[0].starts_at == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)
    # A night session across the change has one real hour less than its wall-clock span.
    night = services.add_session(event, "Night", date(2027, 3, 28), time(1, 0), time(4, 0))
    assert [event.local(slot.starts_at).strftime("%H:%M") for slot in night.slots] == [
        "01:00",
        "01:25",
        "01:50",
        "03:15",
        "03:40",
    ]
    with pytest.raises(services.EventSetupError, match="does not exist"):
        services.add_session(event, "Gap", date(2027, 3, 28), time(2, 30), time(2, 50))


def test_unchanged_slots_keep_their_rows(as_organiser, app):
    _add(as_organiser, app)
    with app.app_context():
        ids = {
            _event().local(slot.starts_at).strftime("%H:%M"): slot.id
            for slot in _event().sessions[0].slots
        }
        session_id = _event().sessions[0].id
    # Ending later adds slots and keeps all the old rows.
    response = as_organiser.submit(
        f"{URL}/{session_id}",
        {"name": "Day 1 morning", "day": _day(app), "start_time": "09:00", "end_time": "13:00"},
    )
    assert response.status_code == 302
    with app.app_context():
        slots = _event().sessions[0].slots
        assert len(slots) == 9
        assert {slot.id for slot in slots} >= set(ids.values())
    # A shorter changeover (20 + 0 from 09:00) keeps only the slots at multiples of 100 minutes.
    # No changeover (20 + 0): the slots at 09:00 and 10:40 still start on the new grid.
    with app.app_context():
        event = services.update_event(_event(), changeover_minutes=0)
        kept = {
            event.local(slot.starts_at).strftime("%H:%M"): slot.id
            for slot in event.sessions[0].slots
        }
        db.session.commit()
    assert len(kept) == 12
    assert kept["09:00"] == ids["09:00"]
    assert kept["10:40"] == ids["10:40"]
    assert kept["09:20"] not in ids.values()


def test_sync_slots_reports_its_changes(app_ctx):
    event = make_event("sync", start_date=date(2027, 6, 1), end_date=date(2027, 6, 1))
    services.add_session(event, "Morning", date(2027, 6, 1), time(9), time(10, 10))
    assert services.sync_slots(event) == services.SlotChanges(kept=3, added=0, removed=0)
    event.meeting_minutes = 30  # 09:00 and 09:35 instead of 09:00, 09:25 and 09:50
    assert services.sync_slots(event) == services.SlotChanges(kept=1, added=1, removed=2)


def test_edit_and_delete_a_session(as_organiser, app):
    _add(as_organiser, app)
    with app.app_context():
        session_id = _event().sessions[0].id
    page = as_organiser.get(f"{URL}/{session_id}").get_data(as_text=True)
    assert 'value="09:00"' in page
    assert "its 8 slots" in page
    response = as_organiser.submit(f"{URL}/{session_id}/delete", form_url=f"{URL}/{session_id}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(MeetingSession.id))) == 0
        assert db.session.scalar(select(func.count(Slot.id))) == 0


def test_overlapping_sessions_are_refused(as_organiser, app):
    _add(as_organiser, app)
    response = _add(as_organiser, app, name="Overlap", start="12:00", end="14:00")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="start_time-errors"' in page
    assert "overlaps" in page
    # Back to back is fine.
    assert _add(as_organiser, app, name="Afternoon", start="12:30", end="14:00").status_code == 302


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 10_000}, "name"),
        ({"day": ""}, "day"),
        ({"day": "tomorrow"}, "day"),
        ({"day": "2001-01-01"}, "day"),
        ({"day": "9999-12-31"}, "day"),
        ({"start_time": "9am"}, "start_time"),
        ({"start_time": "25:00"}, "start_time"),
        ({"end_time": ""}, "end_time"),
        ({"end_time": "08:00"}, "end_time"),
        ({"end_time": "9" * 10_000}, "end_time"),
    ],
)
def test_bad_session_input_gives_field_errors(as_organiser, app, changes, field):
    data = {"name": "Morning", "day": _day(app), "start_time": "09:00", "end_time": "12:00"}
    response = as_organiser.submit(URL, {**data, **changes})
    assert response.status_code == 200
    assert f'id="{field}-errors"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(MeetingSession.id))) == 0
        assert db.session.scalar(select(func.count(Slot.id))) == 0


def test_sessions_of_another_event_are_not_found(as_organiser, app):
    with app.app_context():
        other = _event("event-b")
        session = services.add_session(other, "B morning", other.start_date, time(9), time(10))
        session_id = session.id
        db.session.commit()
    assert as_organiser.get(f"{URL}/{session_id}").status_code == 404
    assert as_organiser.get(f"{URL}/999999").status_code == 404
    response = as_organiser.submit(f"{URL}/{session_id}/delete", form_url=URL)
    assert response.status_code == 404
    response = as_organiser.submit(
        f"{URL}/{session_id}",
        {"name": "Hijack", "day": _day(app), "start_time": "09:00", "end_time": "10:00"},
        form_url=URL,
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(MeetingSession, session_id).name == "B morning"


def test_public_page_shows_sessions_in_local_time(client, as_organiser, app):
    _add(as_organiser, app)
    page = client.get("/events/event-a").get_data(as_text=True)
    assert "Day 1 morning" in page
    assert "09:00–12:30" in page
    assert "Times in Europe/Brussels" in page
    assert 'href="/events/event-a/register"' in page
