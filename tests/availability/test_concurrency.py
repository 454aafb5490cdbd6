"""Two saves of one participant's availability at once (PostgreSQL only)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from brokerage.auth.models import User
from brokerage.availability import services
from brokerage.availability.models import SessionAbsence, SlotBlock
from brokerage.extensions import db
from brokerage.registration.models import Participant

pytestmark = pytest.mark.postgres


def test_the_second_save_waits_and_does_not_collide(app, world):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks need PostgreSQL (TEST_DATABASE_URL)")
        user_id = db.session.scalar(select(User.id).where(User.email == "alice@example.org"))
    # Both tabs skip the afternoon and block the same slot: without the lock, both would
    # insert the same rows and the second would fail on the primary key.
    choice = ([world.session_ids[0]], [world.slot_ids[0]])
    first_holds_lock = threading.Event()
    outcome: dict[str, str] = {}

    def save(name: str, hold: bool) -> None:
        if not hold:
            first_holds_lock.wait(5)
        with app.test_request_context():
            participant = db.session.get(Participant, world.alice_id)
            try:
                services.set_availability(participant, *choice, db.session.get(User, user_id))
                if hold:
                    first_holds_lock.set()
                    time.sleep(0.5)  # the second save is now waiting on the participant row
                db.session.commit()
                outcome[name] = "saved"
            except Exception as error:  # reported by the assertion below
                db.session.rollback()
                outcome[name] = repr(error)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=save, args=("first", True)),
        threading.Thread(target=save, args=("second", False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcome == {"first": "saved", "second": "saved"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SessionAbsence)) == 1
        assert db.session.scalar(select(func.count()).select_from(SlotBlock)) == 1
