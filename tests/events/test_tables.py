"""Tables, booths and the capacity figure."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import func, select

from brokerage.events import services
from brokerage.events.models import Event, Table
from brokerage.extensions import db
from brokerage.registration.models import Participant
from tests.factories import make_participant

URL = "/events/event-a/manage/tables"


def _event(slug: str = "event-a") -> Event:
    return db.session.scalar(select(Event).filter_by(slug=slug))


def _labels(app) -> list[str]:
    with app.app_context():
        return [table.label for table in _event().tables]


def test_generate_tables_and_capacity(as_organiser, app):
    assert as_organiser.submit(URL, {"count": "3"}).status_code == 302
    assert as_organiser.submit(URL, {"count": "2", "prefix": "T"}).status_code == 302
    # Numbers already taken are skipped: 1-3 exist, so three more are 4, 5 and 6.
    assert as_organiser.submit(URL, {"count": "3"}).status_code == 302
    assert _labels(app) == ["1", "2", "3", "T1", "T2", "4", "5", "6"]
    with app.app_context():
        event = _event()
        services.add_session(event, "Morning", event.start_date, time(9), time(12, 30))
        db.session.commit()
    page = as_organiser.get(URL).get_data(as_text=True)
    assert "Capacity: <strong>64</strong>" in page  # 8 tables × 8 slots
    assert "8 shared tables × 8 slots" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "count"),
        ({"count": "0"}, "count"),
        ({"count": "-3"}, "count"),
        ({"count": "many"}, "count"),
        ({"count": "501"}, "count"),
        ({"count": "9" * 10_000}, "count"),
        ({"count": "2", "prefix": "x" * 10_000}, "prefix"),
    ],
)
def test_bad_table_generation_input(as_organiser, app, data, field):
    response = as_organiser.submit(URL, data)
    assert response.status_code == 200
    assert f'id="{field}-errors"' in response.get_data(as_text=True)
    assert _labels(app) == []


def test_rename_set_booth_and_delete(as_organiser, app, world):
    as_organiser.submit(URL, {"count": "2"})
    with app.app_context():
        first, second = _event().tables
        participant = db.session.scalar(select(Participant).filter_by(event_id=world.event_id))
        first_id, second_id, participant_id = first.id, second.id, participant.id
        name = participant.full_name
    edit = f"{URL}/{first_id}"
    page = as_organiser.get(edit).get_data(as_text=True)
    assert name in page
    response = as_organiser.submit(edit, {"label": "Booth A", "booth_owner": str(participant_id)})
    assert response.status_code == 302
    page = as_organiser.get(URL).get_data(as_text=True)
    assert f"Booth of {name}" in page
    assert "1 shared table" in page
    # One booth per participant: a second table for the same person is refused.
    response = as_organiser.submit(
        f"{URL}/{second_id}", {"label": "2", "booth_owner": str(participant_id)}
    )
    assert response.status_code == 200
    assert "already has table Booth A" in response.get_data(as_text=True)
    # Labels are unique within the event; nothing is half-saved.
    response = as_organiser.submit(f"{URL}/{second_id}", {"label": "Booth A", "booth_owner": "0"})
    assert response.status_code == 200
    assert 'id="label-errors"' in response.get_data(as_text=True)
    assert _labels(app) == ["Booth A", "2"]
    # Back to a shared table, then delete.
    assert as_organiser.submit(edit, {"label": "Booth A", "booth_owner": "0"}).status_code == 302
    with app.app_context():
        assert db.session.get(Table, first_id).booth_owner_id is None
    response = as_organiser.submit(f"{edit}/delete", form_url=edit)
    assert response.status_code == 302
    assert _labels(app) == ["2"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"label": "", "booth_owner": "0"}, "label"),
        ({"label": "x" * 10_000, "booth_owner": "0"}, "label"),
        ({"label": "1", "booth_owner": "abc"}, "booth_owner"),
        ({"label": "1", "booth_owner": "999999"}, "booth_owner"),
        ({"label": "1", "booth_owner": "9" * 10_000}, "booth_owner"),
    ],
)
def test_bad_table_input(as_organiser, app, data, field):
    as_organiser.submit(URL, {"count": "1"})
    with app.app_context():
        table_id = _event().tables[0].id
    response = as_organiser.submit(f"{URL}/{table_id}", data)
    assert response.status_code == 200
    assert f'id="{field}-errors"' in response.get_data(as_text=True)
    with app.app_context():
        table = db.session.get(Table, table_id)
        assert (table.label, table.booth_owner_id) == ("1", None)


def test_participant_of_another_event_cannot_own_a_booth(as_organiser, app):
    as_organiser.submit(URL, {"count": "1"})
    with app.app_context():
        stranger = make_participant(_event("event-b"))
        table_id = _event().tables[0].id
        stranger_id = stranger.id
        db.session.commit()
    response = as_organiser.submit(f"{URL}/{table_id}", {"label": "1", "booth_owner": stranger_id})
    assert response.status_code == 200
    assert 'id="booth_owner-errors"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Table, table_id).booth_owner_id is None


def test_tables_of_another_event_are_not_found(as_organiser, app):
    with app.app_context():
        (table,) = services.generate_tables(_event("event-b"), 1, "B")
        table_id = table.id
        db.session.commit()
    assert as_organiser.get(f"{URL}/{table_id}").status_code == 404
    response = as_organiser.submit(
        f"{URL}/{table_id}", {"label": "Mine", "booth_owner": "0"}, form_url=URL
    )
    assert response.status_code == 404
    assert as_organiser.submit(f"{URL}/{table_id}/delete", form_url=URL).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Table.id))) == 1
        assert db.session.get(Table, table_id).label == "B1"
