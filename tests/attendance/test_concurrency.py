"""Two first answers at once (a double click) end in one row (PostgreSQL only)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from brokerage.attendance.models import MeetingFeedback, MeetingOutcome
from brokerage.attendance.services import record_feedback
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Participant
from tests.attendance.conftest import World

pytestmark = pytest.mark.postgres


def test_double_submission_keeps_one_row(app, world: World):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("concurrent writers need PostgreSQL (TEST_DATABASE_URL)")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def answer(rating: int) -> None:
        with app.test_request_context():
            try:
                barrier.wait(10)
                event = db.session.get(Event, world.event_id)
                ada = db.session.get(Participant, world.people["a"])
                record_feedback(event, ada, world.requests["ab"], MeetingOutcome.TOOK_PLACE, rating)
                time.sleep(0.2)  # hold the transaction open so the other one overlaps
                db.session.commit()
            except BaseException as error:  # reported by the assertion below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=answer, args=(rating,)) for rating in (2, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with app.app_context():
        ratings = list(
            db.session.scalars(
                select(MeetingFeedback.rating).where(
                    MeetingFeedback.participant_id == world.people["a"]
                )
            )
        )
    assert len(ratings) == 1
    assert ratings[0] in (2, 5)
