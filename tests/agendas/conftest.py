"""A small published event: two sessions, three tables and a booth, four participants.

Ada (a) owns booth B1. The published run places, in the morning (09:00, 09:25, 09:50, 10:15,
10:40): Cleo–Dan at 09:00 table 1, Ada–Cleo at 09:50 in the booth, Bob–Cleo at 10:15 table 2,
Ada–Bob at 09:25 in the booth. Ada–Dan stays unplaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

import pytest
from flask import Flask

from brokerage.events import services as events
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.meetings.models import RequestStatus
from brokerage.registration.models import Participant
from brokerage.scheduling.publishing import publish_run
from tests.factories import (
    commit,
    make_event,
    make_meeting_request,
    make_opportunity,
    make_participant,
    make_schedule_run,
    make_scheduled_meeting,
    make_user,
)

# (pair, slot index, table index): table 3 is Ada's booth.
PLACEMENTS = [("cd", 0, 0), ("ab", 1, 3), ("ac", 2, 3), ("bc", 3, 1)]


@dataclass
class World:
    slug: str
    event_id: int
    organiser_email: str
    slots: list[int]
    tables: list[int]
    people: dict[str, int]
    emails: dict[str, str]
    requests: dict[str, int]
    run_id: int | None


def build_world(app: Flask, *, published: bool = True) -> World:
    with app.app_context():
        organiser = make_user()
        event = make_event(
            organiser=organiser, timezone="Europe/Brussels", venue="Square, Brussels"
        )
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
        offer = make_opportunity(people["d"], title="Battery recycling pilot")
        requests = {
            pair: make_meeting_request(
                people[pair[0]],
                people[pair[1]],
                status=RequestStatus.ACCEPTED,
                opportunity_id=offer.id if pair == "cd" else None,
            )
            for pair in ("ab", "ac", "ad", "bc", "cd")
        }
        slots = [slot for session in event.sessions for slot in session.slots]
        all_tables = [*tables, booth]
        run_id = None
        if published:
            run = make_schedule_run(event)
            for pair, slot_index, table_index in PLACEMENTS:
                make_scheduled_meeting(
                    run, requests[pair], slots[slot_index], all_tables[table_index]
                )
            publish_run(run, organiser)
            run_id = run.id
        world = World(
            slug=event.slug,
            event_id=event.id,
            organiser_email=organiser.email,
            slots=[slot.id for slot in slots],
            tables=[table.id for table in all_tables],
            people={key: person.id for key, person in people.items()},
            emails={key: person.user.email for key, person in people.items()},
            requests={pair: request.id for pair, request in requests.items()},
            run_id=run_id,
        )
        commit()
        return world


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


@pytest.fixture
def draft_world(app: Flask) -> World:
    return build_world(app, published=False)


def get(model, ident):
    return db.session.get(model, ident)


def event_of(world: World) -> Event:
    return get(Event, world.event_id)


def person(world: World, key: str) -> Participant:
    return get(Participant, world.people[key])
