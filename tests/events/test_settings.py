"""Organisers edit the event's settings; local times are stored in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from brokerage.events.models import Event
from brokerage.extensions import db

URL = "/events/event-a/manage/settings"
VALID = {
    "title": "Event A renamed",
    "slug": "event-a",
    "description": "Meet partners for EU projects.",
    "venue": "Square, Brussels",
    "timezone": "Europe/Brussels",
    "start_date": "2027-03-10",
    "end_date": "2027-03-11",
    "registration_opens_at": "2027-01-05T09:00",
    "registration_closes_at": "2027-03-01T18:00",
    "booking_deadline": "2027-03-05T12:00",
    "meeting_minutes": "30",
    "changeover_minutes": "10",
    "max_meetings_per_participant": "12",
    "requires_approval": "y",
    "capacity": "250",
}


def _event(slug: str = "event-a") -> Event:
    return db.session.scalar(select(Event).filter_by(slug=slug))


def test_settings_page_shows_local_times(as_organiser, app):
    assert as_organiser.submit(URL, VALID).status_code == 302
    page = as_organiser.get(URL).get_data(as_text=True)
    assert 'value="2027-01-05T09:00"' in page
    assert "Europe/Brussels" in page
    assert '<datalist id="timezone-options">' in page


def test_organiser_saves_settings_in_utc(as_organiser, app):
    response = as_organiser.submit(URL, VALID)
    assert response.status_code == 302
    with app.app_context():
        event = _event()
        assert event.title == "Event A renamed"
        # 09:00 in Brussels in winter is 08:00 UTC; 18:00 on 1 March too (CET).
        assert event.registration_opens_at == datetime(2027, 1, 5, 8, 0, tzinfo=UTC)
        assert event.registration_closes_at == datetime(2027, 3, 1, 17, 0, tzinfo=UTC)
        assert event.booking_deadline == datetime(2027, 3, 5, 11, 0, tzinfo=UTC)
        assert (event.meeting_minutes, event.changeover_minutes) == (30, 10)
        assert event.max_meetings_per_participant == 12
        assert event.capacity == 250
        assert event.requires_approval is True


def test_optional_settings_can_be_emptied(as_organiser, app):
    data = {
        **VALID,
        "registration_opens_at": "",
        "registration_closes_at": "",
        "booking_deadline": "",
        "max_meetings_per_participant": "",
        "capacity": "",
    }
    del data["requires_approval"]
    assert as_organiser.submit(URL, data).status_code == 302
    with app.app_context():
        event = _event()
        assert event.registration_opens_at is None
        assert event.capacity is None
        assert event.requires_approval is False


def test_changing_the_slug_moves_the_event(as_organiser, app):
    response = as_organiser.submit(URL, {**VALID, "slug": "event-a-2027"})
    assert response.status_code == 302
    assert response.location.endswith("/events/event-a-2027/manage/settings")
    assert as_organiser.get("/events/event-a").status_code == 404
    assert as_organiser.get("/events/event-a-2027").status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 10_000}, "title"),
        ({"description": "x" * 10_000}, "description"),
        ({"venue": "x" * 10_000}, "venue"),
        ({"slug": "Has Spaces"}, "slug"),
        ({"slug": "double--hyphen"}, "slug"),
        ({"slug": "event-b"}, "slug"),
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"start_date": "10/03/2027"}, "start_date"),
        ({"end_date": "2027-03-09"}, "end_date"),
        ({"start_date": "0001-01-01"}, "start_date"),
        ({"end_date": "9999-12-31"}, "end_date"),
        ({"booking_deadline": "9999-12-31T23:59"}, "booking_deadline"),
        ({"registration_opens_at": "soon"}, "registration_opens_at"),
        ({"registration_closes_at": "2027-01-05T08:00"}, "registration_closes_at"),
        ({"booking_deadline": "2027-01-01T08:00"}, "booking_deadline"),
        ({"meeting_minutes": "0"}, "meeting_minutes"),
        ({"meeting_minutes": "twenty"}, "meeting_minutes"),
        ({"meeting_minutes": ""}, "meeting_minutes"),
        ({"meeting_minutes": "9" * 10_000}, "meeting_minutes"),
        ({"changeover_minutes": "-5"}, "changeover_minutes"),
        ({"max_meetings_per_participant": "0"}, "max_meetings_per_participant"),
        ({"capacity": "-1"}, "capacity"),
        ({"capacity": "1.5"}, "capacity"),
        # 02:30 on the last Sunday of March does not exist in Brussels.
        (
            {"registration_opens_at": "2027-03-28T02:30", "registration_closes_at": ""},
            "registration_opens_at",
        ),
    ],
)
def test_bad_settings_give_field_errors_and_change_nothing(as_organiser, app, changes, field):
    response = as_organiser.submit(URL, {**VALID, **changes})
    assert response.status_code == 200
    assert f'id="{field}-errors"' in response.get_data(as_text=True)
    with app.app_context():
        event = _event()
        assert event.title != "Event A renamed"
        assert event.meeting_minutes == 20


def test_dates_cannot_leave_sessions_behind(as_organiser, app):
    as_organiser.submit(URL, VALID)
    as_organiser.submit(
        "/events/event-a/manage/sessions",
        {"name": "Day 2", "day": "2027-03-11", "start_time": "09:00", "end_time": "12:00"},
    )
    response = as_organiser.submit(URL, {**VALID, "end_date": "2027-03-10"})
    assert response.status_code == 200
    assert "Day 2" in response.get_data(as_text=True)
    with app.app_context():
        assert str(_event().end_date) == "2027-03-11"


def test_changing_the_zone_keeps_local_session_times(as_organiser, app):
    as_organiser.submit(URL, VALID)
    as_organiser.submit(
        "/events/event-a/manage/sessions",
        {"name": "Morning", "day": "2027-03-10", "start_time": "09:00", "end_time": "11:00"},
    )
    assert as_organiser.submit(URL, {**VALID, "timezone": "Europe/Lisbon"}).status_code == 302
    with app.app_context():
        event = _event()
        session = event.sessions[0]
        assert session.starts_at == datetime(2027, 3, 10, 9, 0, tzinfo=UTC)  # Lisbon = UTC
        assert [event.local(slot.starts_at).strftime("%H:%M") for slot in session.slots] == [
            "09:00",
            "09:40",
            "10:20",
        ]
