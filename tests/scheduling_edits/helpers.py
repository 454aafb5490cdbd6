"""A small published-or-draft schedule with known people, slots and tables.

One-day event in Europe/Brussels; one session 10:00-11:40 gives four slots (10:00, 10:25,
10:50, 11:15); two shared tables "1" and "2". Accepted requests:
  ana_juergen  at 10:00, table 1        zoe_omar   at 10:00, table 2
  ana_zoe      at 10:25, table 1        juergen_lena: left out by the run
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from brokerage.auth.models import User
from brokerage.events import services as events
from brokerage.events.models import Event, Slot, Table
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.registration.models import Participant
from brokerage.scheduling.models import ScheduledMeeting, ScheduleRun
from tests.factories import (
    make_event,
    make_meeting_request,
    make_participant,
    make_schedule_run,
    make_scheduled_meeting,
    make_user,
)


@dataclass
class World:
    event: Event
    organiser: User
    slots: list[Slot]
    tables: list[Table]
    ana: Participant
    juergen: Participant
    zoe: Participant
    omar: Participant
    lena: Participant
    ana_juergen: MeetingRequest
    zoe_omar: MeetingRequest
    ana_zoe: MeetingRequest
    juergen_lena: MeetingRequest
    run: ScheduleRun
    m_ana_juergen: ScheduledMeeting
    m_zoe_omar: ScheduledMeeting
    m_ana_zoe: ScheduledMeeting


def person(event: Event, first: str, last: str, email: str | None = None) -> Participant:
    return make_participant(
        event,
        make_user(email) if email else None,
        first_name=first,
        last_name=last,
        organisation_name=f"{last} GmbH",
    )


def build_world(*, published: bool = False, organiser_email: str | None = None) -> World:
    organiser = make_user(organiser_email)
    event = make_event(organiser=organiser)
    event.end_date = event.start_date
    session = events.add_session(event, "Morning", event.start_date, time(10), time(11, 40))
    slots = list(session.slots)
    assert len(slots) == 4
    tables = events.generate_tables(event, 2)
    ana = person(event, "Ana", "Marković", "ana@example.org")
    juergen = person(event, "Jürgen", "Becker", "juergen@example.org")
    zoe = person(event, "Zoë", "Janssens", "zoe@example.org")
    omar = person(event, "Omar", "Haddad", "omar@example.org")
    lena = person(event, "Lena", "Vogel", "lena@example.org")
    accepted = RequestStatus.ACCEPTED
    ana_juergen = make_meeting_request(ana, juergen, status=accepted)
    zoe_omar = make_meeting_request(zoe, omar, status=accepted)
    ana_zoe = make_meeting_request(ana, zoe, status=accepted)
    juergen_lena = make_meeting_request(juergen, lena, status=accepted)
    run = make_schedule_run(event)
    world = World(
        event=event,
        organiser=organiser,
        slots=slots,
        tables=tables,
        ana=ana,
        juergen=juergen,
        zoe=zoe,
        omar=omar,
        lena=lena,
        ana_juergen=ana_juergen,
        zoe_omar=zoe_omar,
        ana_zoe=ana_zoe,
        juergen_lena=juergen_lena,
        run=run,
        m_ana_juergen=make_scheduled_meeting(run, ana_juergen, slots[0], tables[0]),
        m_zoe_omar=make_scheduled_meeting(run, zoe_omar, slots[0], tables[1]),
        m_ana_zoe=make_scheduled_meeting(run, ana_zoe, slots[1], tables[0]),
    )
    if published:
        event.published_run_id = run.id
    from brokerage.extensions import db

    db.session.flush()
    return world
