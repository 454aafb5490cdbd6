"""A small event with slots, tables, a booth, four participants and accepted requests.

Runs and their meetings are made by hand (tests/factories.py), so these tests do not depend
on the solver or the background runner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

import pytest
from flask import Flask

from brokerage.events import services as events
from brokerage.events.models import Event, Slot, Table
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.registration.models import Participant
from tests.factories import commit, make_event, make_meeting_request, make_participant, make_user


@dataclass
class World:
    slug: str
    event_id: int
    organiser_email: str
    # slot ids in time order: morning 09:00, 09:25, 09:50, 10:15, 10:40; afternoon 14:00, 14:25
    slots: list[int]
    tables: list[int]  # shared tables "1", "2", "3", then the booth "B1" of participant a
    people: dict[str, int]  # a, b, c, d -> participant id
    emails: dict[str, str]
    requests: dict[str, int]  # "ab", "ac", "ad", "bc", "cd" -> accepted request id


def build_world(app: Flask) -> World:
    with app.app_context():
        organiser = make_user()
        event = make_event(organiser=organiser, timezone="Europe/Brussels")
        day = event.start_date
        events.add_session(event, "Morning", day, time(9), time(11))
        events.add_session(event, "Afternoon", day, time(14), time(15))
        tables = events.generate_tables(event, 3)
        names = {
            "a": ("Ada", "Lovelace"),
            "b": ("Bob", "Babbage"),
            "c": ("Cleo", "Curie"),
            "d": ("Dan", "Dirac"),
        }
        people: dict[str, Participant] = {}
        for key, (first, last) in names.items():
            people[key] = make_participant(
                event,
                make_user(f"{key}-{event.slug}@example.org"),
                first_name=first,
                last_name=last,
                organisation_name=f"{last} Labs",
                country={"a": "BE", "b": "FR", "c": "PL", "d": "DE"}[key],
            )
        booth = events.generate_tables(event, 1, prefix="B")[0]
        events.set_booth(booth, people["a"])
        requests = {
            pair: make_meeting_request(
                people[pair[0]], people[pair[1]], status=RequestStatus.ACCEPTED
            )
            for pair in ("ab", "ac", "ad", "bc", "cd")
        }
        slots = [slot.id for session in event.sessions for slot in session.slots]
        world = World(
            slug=event.slug,
            event_id=event.id,
            organiser_email=organiser.email,
            slots=slots,
            tables=[table.id for table in tables] + [booth.id],
            people={key: person.id for key, person in people.items()},
            emails={key: person.user.email for key, person in people.items()},
            requests={pair: request.id for pair, request in requests.items()},
        )
        commit()
        return world


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def get(model, ident):
    from brokerage.extensions import db

    return db.session.get(model, ident)


def event_of(world: World) -> Event:
    return get(Event, world.event_id)


def slot(world: World, index: int) -> Slot:
    return get(Slot, world.slots[index])


def table(world: World, index: int) -> Table:
    return get(Table, world.tables[index])


def request_of(world: World, pair: str) -> MeetingRequest:
    return get(MeetingRequest, world.requests[pair])
