"""The demo loader: what `flask demo` puts in the database, and that it runs twice safely."""

from __future__ import annotations

from collections import Counter
from functools import partial

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from brokerage import create_app
from brokerage.access import is_organiser
from brokerage.auth.models import User
from brokerage.demo import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    DEMO_SLUG,
    ORGANISER_EMAIL,
    ORGANISER_PASSWORD,
    PARTICIPANT_PASSWORD,
    load_demo,
    participant_email,
)
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.mail import outbox
from brokerage.meetings import services as meetings
from brokerage.meetings.models import MeetingRequest, RequestPriority, RequestStatus
from brokerage.registration.models import Opportunity, Participant, ParticipantStatus
from config import TestConfig
from tests.conftest import BrowserClient, login


@pytest.fixture
def demo(app: Flask) -> str:
    """The demo loaded and committed, as `flask demo` does; returns the summary."""
    with app.app_context():
        summary = load_demo()
        db.session.commit()
    return summary


def _event() -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == DEMO_SLUG))
    assert event is not None
    return event


# Each test loads the demo (a couple of seconds), so the checks are grouped in few tests.


def test_demo_event_participants_and_logins(app, demo, mail_outbox):
    assert mail_outbox == []  # the loader sends no e-mail
    assert app.config["PUBLIC_URL"] in demo
    for text in (ORGANISER_EMAIL, ORGANISER_PASSWORD, ADMIN_EMAIL, ADMIN_PASSWORD):
        assert text in demo
    assert participant_email(1) in demo
    assert PARTICIPANT_PASSWORD in demo
    with app.app_context():
        event = _event()
        assert event.timezone == "Europe/Brussels"
        assert (event.end_date - event.start_date).days == 1
        assert (event.meeting_minutes, event.changeover_minutes) == (20, 5)
        local_times = [
            (event.local(s.starts_at).strftime("%H:%M"), event.local(s.ends_at).strftime("%H:%M"))
            for s in event.sessions
        ]
        assert local_times == [("09:00", "12:30"), ("14:00", "17:30")] * 2
        assert {event.local(s.starts_at).date() for s in event.sessions} == {
            event.start_date,
            event.end_date,
        }
        # 09:00-12:30 holds eight 20-minute meetings with 5 minutes changeover.
        assert [len(s.slots) for s in event.sessions] == [8, 8, 8, 8]
        assert len(event.tables) == 40
        booths = [table for table in event.tables if table.is_booth]
        assert 1 <= len(booths) <= 10
        assert all(table.booth_owner.event_id == event.id for table in booths)
        assert is_organiser(event, db.session.scalar(select(User).filter_by(email=ORGANISER_EMAIL)))

        participants = db.session.scalars(
            select(Participant).where(Participant.event_id == event.id)
        ).all()
        assert len(participants) == 120
        assert {p.status for p in participants} == {ParticipantStatus.APPROVED}
        assert {p.organisation.type_id for p in participants} == {
            participant_type.id for participant_type in event.participant_types
        }
        assert len({p.organisation.country for p in participants}) >= 10
        assert all(1 <= len(p.opportunities) <= 3 for p in participants)
        assert all(p.topics for p in participants)
        used_topics = {topic.id for p in participants for topic in p.topics}
        assert used_topics == {topic.id for topic in event.topics}
        assert {p.user.email for p in participants} == {
            participant_email(number) for number in range(1, 121)
        }
        assert all(p.user.is_verified for p in participants)
        # Names keep their letters: diacritics, Greek, Cyrillic.
        names = " ".join(p.full_name for p in participants)
        assert any(not character.isascii() for character in names)

    # The published logins work through the login page.
    accounts = [
        (ORGANISER_EMAIL, ORGANISER_PASSWORD),
        (ADMIN_EMAIL, ADMIN_PASSWORD),
        (participant_email(1), PARTICIPANT_PASSWORD),
        (participant_email(120), PARTICIPANT_PASSWORD),
    ]
    app.test_client_class = BrowserClient
    for email, password in accounts:
        client: BrowserClient = app.test_client()  # type: ignore[assignment]
        login(client, email, password)
        assert email in client.get("/").get_data(as_text=True)
        expected_admin_status = 200 if email == ADMIN_EMAIL else 403
        assert client.get("/admin/events").status_code == expected_admin_status


class CommandLineConfig(TestConfig):
    # As a plain `flask demo`: no SERVER_NAME, a database of its own.
    SERVER_NAME = None
    SQLALCHEMY_DATABASE_URI = "sqlite://"


def test_flask_demo_twice_changes_nothing_and_sends_no_mail() -> None:
    app = create_app(CommandLineConfig)
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    # `flask` pushes an app context for every command; the test runner does not.
    invoke = partial(_invoke_in_app_context, app, runner)

    # A short solver time limit keeps the test quick; the schedule is published once.
    first = invoke(["demo", "--schedule-seconds", "2"])
    assert first.exit_code == 0, first.output
    assert "Loaded the demo event" in first.output
    assert "Published a schedule" in first.output
    with app.app_context():
        before = _row_counts()
        titles = db.session.scalars(select(Opportunity.title).order_by(Opportunity.id)).all()
    assert before["participants"] == 120

    second = invoke(["demo", "--schedule-seconds", "2"])
    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    assert "Published a schedule" not in second.output
    with app.app_context():
        assert _row_counts() == before
        assert (
            db.session.scalars(select(Opportunity.title).order_by(Opportunity.id)).all() == titles
        )
        db.session.remove()
        db.engine.dispose()
    assert outbox(app) == []


def _invoke_in_app_context(app: Flask, runner: FlaskCliRunner, args: list[str]) -> Result:
    with app.app_context():
        return runner.invoke(args=args)


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_demo_request_graph(app, demo, mail_outbox):
    """About 8 requests sent per participant, a few very popular people, ~55% accepted."""
    assert mail_outbox == []
    with app.app_context():
        event = _event()
        requests = db.session.scalars(
            select(MeetingRequest).where(MeetingRequest.event_id == event.id)
        ).all()
        participant_count = 120
        assert 6 * participant_count <= len(requests) <= 10 * participant_count
        statuses = Counter(request.status for request in requests)
        share = {status: statuses[status] / len(requests) for status in RequestStatus}
        assert 0.48 <= share[RequestStatus.ACCEPTED] <= 0.62
        assert share[RequestStatus.PENDING] >= 0.1
        assert share[RequestStatus.DECLINED] >= 0.05
        mutual = [r for r in requests if r.mutual]
        assert mutual
        assert all(r.status is RequestStatus.ACCEPTED for r in mutual)
        assert (
            0.05
            <= sum(r.priority is RequestPriority.MUST_MEET for r in requests) / len(requests)
            <= 0.3
        )
        pairs = [(r.pair_low_id, r.pair_high_id) for r in requests]
        assert len(pairs) == len(set(pairs))
        received = Counter(request.recipient_id for request in requests)
        top = received.most_common(5)
        median = sorted(received.values())[len(received) // 2]
        assert all(count >= 3 * median for _, count in top)  # a few very popular people
        # Pending ones are recent enough not to expire at the first cron run.
        assert event.request_expiry_days is not None
        assert meetings.expire_requests() == 0
        db.session.rollback()
