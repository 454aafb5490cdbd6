"""Races settle in the database (PostgreSQL only): each thread has its own session."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select

from brokerage.extensions import db
from brokerage.meetings import services
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.registration.models import Participant
from tests.factories import commit, make_event, make_meeting_request, make_participant

pytestmark = pytest.mark.postgres
ROUNDS = 5


def _require_postgresql() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks and concurrent writers need PostgreSQL (TEST_DATABASE_URL)")


def _race(app, *actions: Callable[[], str]) -> list[str]:
    """Run the actions in threads that start together; each commits or rolls back."""
    barrier = threading.Barrier(len(actions))
    results: list[str] = [""] * len(actions)

    def run(index: int, action: Callable[[], str]) -> None:
        with app.test_request_context():
            barrier.wait(10)
            try:
                results[index] = action()
                time.sleep(0.2)  # hold the transaction open so the other one overlaps
                db.session.commit()
            except services.RequestError as error:
                db.session.rollback()
                results[index] = f"refused: {error}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_accept_and_decline_at_once_end_in_one_state(app):
    with app.app_context():
        _require_postgresql()
        event = make_event()
        pairs = []
        for _ in range(ROUNDS):
            sender, recipient = make_participant(event), make_participant(event)
            pairs.append((make_meeting_request(sender, recipient).id, recipient.id))
        commit()

    for request_id, recipient_id in pairs:

        def act(name: str, request_id: int = request_id, recipient_id: int = recipient_id):
            def action() -> str:
                request = db.session.get(MeetingRequest, request_id)
                me = db.session.get(Participant, recipient_id)
                getattr(services, f"{name}_request")(request, me)
                return name

            return action

        results = _race(app, act("accept"), act("decline"), act("accept"))
        winners = [result for result in results if not result.startswith("refused")]
        assert len(winners) == 1, results
        with app.app_context():
            status = db.session.scalar(
                select(MeetingRequest.status).where(MeetingRequest.id == request_id)
            )
        expected = RequestStatus.ACCEPTED if winners[0] == "accept" else RequestStatus.DECLINED
        assert status is expected


def test_two_people_requesting_each_other_make_one_mutual_request(app):
    with app.app_context():
        _require_postgresql()
        event = make_event()
        pairs = [(make_participant(event).id, make_participant(event).id) for _ in range(ROUNDS)]
        commit()

    for first_id, second_id in pairs:

        def ask(sender_id: int, recipient_id: int):
            def action() -> str:
                sender = db.session.get(Participant, sender_id)
                recipient = db.session.get(Participant, recipient_id)
                return services.send_request(sender, recipient, "Let us meet").kind

            return action

        results = _race(app, ask(first_id, second_id), ask(second_id, first_id))
        assert sorted(results) == ["mutual", "sent"], results
        with app.app_context():
            rows = db.session.scalars(
                select(MeetingRequest).where(
                    MeetingRequest.pair_low_id == min(first_id, second_id),
                )
            ).all()
            assert [(row.status, row.mutual) for row in rows] == [(RequestStatus.ACCEPTED, True)]
