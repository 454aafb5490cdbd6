"""An event that is under way: meetings earlier today (ended), one still to come, a draft.

Slots are made by hand relative to now, so "ended" means ended when the test runs. Runs and
meetings come from tests/factories.py, so nothing here needs the solver.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import event as sa_event

from brokerage.db_types import utcnow
from brokerage.events.models import Event, MeetingSession, Slot
from brokerage.extensions import db
from brokerage.meetings.models import RequestStatus
from brokerage.registration.models import Participant
from tests.factories import (
    commit,
    make_event,
    make_meeting_request,
    make_participant,
    make_schedule_run,
    make_scheduled_meeting,
    make_user,
)

NAMES = {
    "a": ("Ada", "Lovelace"),
    "b": ("Bob", "Babbage"),
    "c": ("Cleo", "Curie"),
    "d": ("Dan", "Dirac"),
    "e": ("Eve", "Euler"),
}
# Pair -> index of the past slot (0..3) in the published run; "ae" is later today.
PUBLISHED_PAST = {"ab": 0, "cd": 0, "ac": 1, "ad": 2, "bc": 3}


@dataclass
class World:
    slug: str
    event_id: int
    organiser_email: str
    people: dict[str, int]  # a..e -> participant id
    emails: dict[str, str]
    requests: dict[str, int]  # pair -> accepted request id
    run_id: int  # the published run
    draft_run_id: int  # a newer draft with the extra meeting "be"


def build_world(app: Flask) -> World:
    with app.app_context():
        organiser = make_user()
        today = utcnow().date()
        event = make_event(
            organiser=organiser,
            start_date=today - timedelta(days=1),
            end_date=today + timedelta(days=1),
            booking_deadline=utcnow() - timedelta(days=2),
        )
        now = utcnow().replace(second=0, microsecond=0)
        earlier = MeetingSession(
            event_id=event.id, name="Earlier", starts_at=now - timedelta(hours=4), ends_at=now
        )
        later = MeetingSession(
            event_id=event.id,
            name="Later",
            starts_at=now + timedelta(hours=1),
            ends_at=now + timedelta(hours=3),
        )
        db.session.add_all([earlier, later])
        db.session.flush()
        past_slots = []
        for index in range(4):
            starts_at = earlier.starts_at + timedelta(minutes=25 * index)
            past_slots.append(
                Slot(
                    session_id=earlier.id,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=20),
                )
            )
        future_slot = Slot(
            session_id=later.id,
            starts_at=later.starts_at,
            ends_at=later.starts_at + timedelta(minutes=20),
        )
        db.session.add_all([*past_slots, future_slot])
        db.session.flush()
        people: dict[str, Participant] = {
            key: make_participant(
                event,
                make_user(f"{key}-{event.slug}@example.org"),
                first_name=first,
                last_name=last,
                organisation_name=f"{last} Labs",
            )
            for key, (first, last) in NAMES.items()
        }
        requests = {
            pair: make_meeting_request(
                people[pair[0]], people[pair[1]], status=RequestStatus.ACCEPTED
            )
            for pair in (*PUBLISHED_PAST, "ae", "be")
        }
        run = make_schedule_run(event, published_at=utcnow())
        for pair, index in PUBLISHED_PAST.items():
            make_scheduled_meeting(run, requests[pair], past_slots[index])
        make_scheduled_meeting(run, requests["ae"], future_slot)
        event.published_run_id = run.id
        draft = make_schedule_run(event)
        for pair, index in {**PUBLISHED_PAST, "be": 2}.items():
            make_scheduled_meeting(draft, requests[pair], past_slots[index])
        world = World(
            slug=event.slug,
            event_id=event.id,
            organiser_email=organiser.email,
            people={key: person.id for key, person in people.items()},
            emails={key: person.user.email for key, person in people.items()},
            requests={pair: request.id for pair, request in requests.items()},
            run_id=run.id,
            draft_run_id=draft.id,
        )
        commit()
        return world


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def event_of(world: World) -> Event:
    return db.session.get(Event, world.event_id)


def person(world: World, key: str) -> Participant:
    return db.session.get(Participant, world.people[key])


@contextmanager
def counted_statements(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
