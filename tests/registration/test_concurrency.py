"""Capacity holds when two registrations for the last place overlap (PostgreSQL only)."""

from __future__ import annotations

import threading
import time

import pytest

from brokerage.auth.models import User
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration import services
from brokerage.registration.models import Participant, ParticipantStatus
from tests.factories import commit, make_event, make_user

pytestmark = pytest.mark.postgres


def _data(event: Event) -> services.RegistrationData:
    return services.RegistrationData(
        first_name="Ada",
        last_name="Lovelace",
        organisation_name="Engines",
        type_id=event.participant_types[0].id,
        country="GB",
        terms_accepted=True,
    )


def test_second_registration_waits_for_the_first_and_finds_the_event_full(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks need PostgreSQL (TEST_DATABASE_URL)")
        event = make_event("fair", capacity=1)
        first_id, second_id = make_user().id, make_user().id
        event_id = event.id
        commit()

    first_holds_lock = threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        with app.test_request_context():
            event = db.session.get(Event, event_id)
            services.register(event, db.session.get(User, first_id), _data(event))
            first_holds_lock.set()
            time.sleep(0.5)  # the second request is now waiting on the event row
            db.session.commit()
            outcome["first"] = "registered"

    def second() -> None:
        first_holds_lock.wait(5)
        with app.test_request_context():
            event = db.session.get(Event, event_id)
            try:
                services.register(event, db.session.get(User, second_id), _data(event))
                db.session.commit()
                outcome["second"] = "registered"
            except services.RegistrationError as error:
                db.session.rollback()
                outcome["second"] = str(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)

    assert outcome["first"] == "registered"
    assert "full" in str(outcome["second"])
    with app.app_context():
        statuses = db.session.scalars(db.select(Participant.status)).all()
        assert statuses == [ParticipantStatus.PENDING]
