"""A small published schedule, plus a draft run that must never show in any print-out.

One day in Europe/Brussels; the session "Morning" 10:00-11:40 gives four slots (10:00, 10:25,
10:50, 11:15); shared tables "1" and "2" and the booth "B1" of Ana. Published run:
  ana_giorgos  10:00 at booth B1        ivan_eve   10:00 at table 1
  ana_ivan     10:25 at booth B1        giorgos_eve 10:50 at table 2 (cancelled)
Draft run (never published): lena_omar 11:15 at table 2, and ana_giorgos moved to 11:15.
Names cover Greek, Cyrillic, diacritics, HTML-looking text and a formula-looking organisation.
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
from brokerage.scheduling.models import MeetingState
from tests.factories import (
    PASSWORD,
    commit,
    make_event,
    make_meeting_request,
    make_participant,
    make_schedule_run,
    make_scheduled_meeting,
    make_user,
)

ORGANISER_EMAIL = "prints-organiser@example.org"
HTML_NAME = "<b>Eve</b>"
HTML_ORGANISATION = "<script>alert(1)</script> & Co"
FORMULA_ORGANISATION = '=HYPERLINK("http://evil.example")'


@dataclass
class World:
    slug: str
    event_id: int
    published_run_id: int
    draft_run_id: int
    people: dict[str, int]  # ana, giorgos, ivan, eve, lena, omar -> participant id
    emails: dict[str, str]
    meetings: dict[str, int]  # published ScheduledMeeting ids by pair
    slots: list[int]
    tables: list[int]  # "1", "2", booth "B1"


PEOPLE = {
    "ana": ("Ana", "Marković", "Marković Čistoća d.o.o.", "HR"),
    "giorgos": ("Γιώργος", "Παπαδόπουλος", "Ελληνική Ενέργεια Α.Ε.", "GR"),
    "ivan": ("Иван", "Петров", "Български иновации ООД", "BG"),
    "eve": (HTML_NAME, "Zed", HTML_ORGANISATION, "FR"),
    "lena": ("Lena", "Vogel", FORMULA_ORGANISATION, "DE"),
    "omar": ("Omar", "Haddad", "Haddad Logistics", "BE"),
}


def build_world() -> World:
    organiser = make_user(ORGANISER_EMAIL)
    event = make_event(organiser=organiser, timezone="Europe/Brussels", venue="Tour & Taxis")
    event.end_date = event.start_date
    session = events.add_session(event, "Morning", event.start_date, time(10), time(11, 40))
    slots = list(session.slots)
    tables = events.generate_tables(event, 2)
    people: dict[str, Participant] = {}
    for key, (first, last, organisation, country) in PEOPLE.items():
        people[key] = make_participant(
            event,
            make_user(f"{key}-{event.slug}@example.org"),
            first_name=first,
            last_name=last,
            organisation_name=organisation,
            country=country,
        )
    booth = events.generate_tables(event, 1, prefix="B")[0]
    events.set_booth(booth, people["ana"])
    accepted = RequestStatus.ACCEPTED
    requests = {
        pair: make_meeting_request(people[first], people[second], status=accepted)
        for pair, (first, second) in {
            "ana_giorgos": ("ana", "giorgos"),
            "ivan_eve": ("ivan", "eve"),
            "ana_ivan": ("ana", "ivan"),
            "giorgos_eve": ("giorgos", "eve"),
            "lena_omar": ("lena", "omar"),
        }.items()
    }
    published = make_schedule_run(event)
    meetings = {
        "ana_giorgos": make_scheduled_meeting(published, requests["ana_giorgos"], slots[0], booth),
        "ivan_eve": make_scheduled_meeting(published, requests["ivan_eve"], slots[0], tables[0]),
        "ana_ivan": make_scheduled_meeting(published, requests["ana_ivan"], slots[1], booth),
        "giorgos_eve": make_scheduled_meeting(
            published,
            requests["giorgos_eve"],
            slots[2],
            tables[1],
            state=MeetingState.CANCELLED,
        ),
    }
    event.published_run_id = published.id
    draft = make_schedule_run(event)
    make_scheduled_meeting(draft, requests["ana_giorgos"], slots[3], booth)
    make_scheduled_meeting(draft, requests["lena_omar"], slots[3], tables[1])
    db.session.flush()
    return World(
        slug=event.slug,
        event_id=event.id,
        published_run_id=published.id,
        draft_run_id=draft.id,
        people={key: person.id for key, person in people.items()},
        emails={key: person.user.email for key, person in people.items()},
        meetings={pair: meeting.id for pair, meeting in meetings.items()},
        slots=[slot.id for slot in slots],
        tables=[tables[0].id, tables[1].id, booth.id],
    )


@pytest.fixture
def world(app: Flask) -> World:
    """Committed, for page tests; ids only."""
    with app.app_context():
        built = build_world()
        commit()
        return built


@pytest.fixture
def organiser_client(client, world):
    from tests.conftest import login

    login(client, ORGANISER_EMAIL, PASSWORD)
    return client


def event_of(world: World) -> Event:
    return db.session.get(Event, world.event_id)
