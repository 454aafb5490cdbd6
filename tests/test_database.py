"""The database behaves the same on the embedded default as on PostgreSQL."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from brokerage.events import services as events
from brokerage.events.models import MeetingSession, Slot
from brokerage.extensions import db
from tests.factories import make_event


def test_deleting_an_event_row_cascades_in_the_database(app_ctx):
    event = make_event()
    events.add_session(event, "Morning", event.start_date, time(9), time(12, 30))
    db.session.commit()
    # Raw SQL, so only the database's ON DELETE CASCADE can remove the children.
    db.session.execute(text("DELETE FROM events WHERE id = :id"), {"id": event.id})
    db.session.commit()
    assert db.session.scalar(select(func.count(MeetingSession.id))) == 0
    assert db.session.scalar(select(func.count(Slot.id))) == 0


def test_a_dangling_reference_is_refused(app_ctx):
    orphan = text("INSERT INTO topics (event_id, name) VALUES (:event_id, 'Orphan')")
    with pytest.raises(IntegrityError):
        db.session.execute(orphan, {"event_id": 424242})
    db.session.rollback()


def test_an_event_has_at_most_one_active_schedule_run(app_ctx):
    from brokerage.scheduling.models import RunState, ScheduleRun

    event = make_event()
    db.session.add(ScheduleRun(event=event, state=RunState.FINISHED))
    db.session.add(ScheduleRun(event=event, state=RunState.RUNNING))
    db.session.commit()
    db.session.add(ScheduleRun(event=event, state=RunState.QUEUED))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
