"""Two desks scan the same badge at the same moment: one checks in, the other says already."""

from __future__ import annotations

import threading

import pytest

from brokerage.auth.models import User
from brokerage.checkin import services
from brokerage.checkin.models import CheckIn
from brokerage.events.models import Event
from brokerage.extensions import db

pytestmark = pytest.mark.postgres


def test_a_double_scan_at_two_desks_ends_in_already(app, world, monkeypatch):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("concurrent transactions need PostgreSQL (TEST_DATABASE_URL)")

    # Both desks look (nobody checked in yet) before either inserts.
    both_looked = threading.Barrier(2, timeout=10)
    real_check_in_of = services.check_in_of
    local = threading.local()
    looks: list[int] = []

    def look_then_wait(participant):
        looks.append(participant.id)
        found = real_check_in_of(participant)
        if not getattr(local, "waited", False):
            local.waited = True
            both_looked.wait()
        return found

    monkeypatch.setattr(services, "check_in_of", look_then_wait)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def desk() -> None:
        try:
            with app.test_request_context():
                event = db.session.get(Event, world.event_id)
                staff = db.session.get(User, world.staff_id)
                result = services.check_in_by_token(event, world.tokens["ada"], staff)
                db.session.commit()
                outcomes.append(result.outcome.value)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=desk) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert errors == []
    assert sorted(outcomes) == ["already", "checked_in"]
    assert len(looks) == 3  # the loser looked again after its insert failed
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(CheckIn.id))) == 1
