"""Agendas as plain values: the published schedule only, the timeline, bulk loading."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event as sa_event

from brokerage.agendas.services import EntryKind, agenda_for, agendas_for
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.scheduling.models import ScheduleRun
from tests.agendas.conftest import build_world, event_of, get, person
from tests.factories import (
    commit,
    make_meeting_request,
    make_participant,
    make_schedule_run,
    make_scheduled_meeting,
)


def test_before_publication_the_agenda_is_empty(app, draft_world):
    with app.app_context():
        agenda = agenda_for(event_of(draft_world), person(draft_world, "c"))
        assert not agenda.published
        assert agenda.meetings == []


def test_meetings_in_time_order_with_partner_place_and_opportunity(app, world):
    with app.app_context():
        agenda = agenda_for(event_of(world), person(world, "c"))
        assert agenda.published
        assert [m.partner_name for m in agenda.meetings] == [
            "Dan Dirac",
            "Ada Lovelace",
            "Bob Babbage",
        ]
        dan, ada, bob = agenda.meetings
        assert dan.place == "Table 1"
        assert dan.partner_organisation == "Dirac Labs"
        assert dan.partner_country == "DE"
        assert dan.opportunity_title == "Battery recycling pilot"
        assert ada.place == "Booth: Ada Lovelace (table B1)"
        assert ada.opportunity_title is None
        assert bob.place == "Table 2"
        assert not any(m.cancelled for m in agenda.meetings)
        assert dan.request_id == world.requests["cd"]
        assert dan.starts_at.tzinfo is not None


def test_timeline_shows_free_slots_and_breaks(app, world):
    with app.app_context():
        agenda = agenda_for(event_of(world), person(world, "d"))
        morning, afternoon = agenda.sessions
        kinds = [(entry.kind, entry.slot_count) for entry in morning.entries]
        # Dan: a meeting at 09:00, then nothing: the rest of the morning is free, not a break.
        assert kinds == [(EntryKind.MEETING, 1), (EntryKind.FREE, 4)]
        assert [e.kind for e in afternoon.entries] == [EntryKind.FREE]
        cleo = agenda_for(event_of(world), person(world, "c"))
        kinds = [entry.kind for entry in cleo.sessions[0].entries]
        # Cleo: 09:00, idle 09:25 (a break), 09:50, 10:15, then free at 10:40.
        assert kinds == [
            EntryKind.MEETING,
            EntryKind.BREAK,
            EntryKind.MEETING,
            EntryKind.MEETING,
            EntryKind.FREE,
        ]
        assert cleo.break_count == 1
        assert cleo.sessions[0].meeting_count == 3


def test_a_cancelled_request_shows_as_cancelled_and_frees_its_slot(app, world):
    with app.app_context():
        get(MeetingRequest, world.requests["ac"]).status = RequestStatus.CANCELLED
        commit()
        cleo = agenda_for(event_of(world), person(world, "c"))
        cancelled = [m for m in cleo.meetings if m.cancelled]
        assert [m.partner_name for m in cancelled] == ["Ada Lovelace"]
        kinds = [entry.kind for entry in cleo.sessions[0].entries]
        # The cancelled 09:50 meeting is listed, and 09:25–10:10 becomes one break.
        assert kinds == [
            EntryKind.MEETING,
            EntryKind.BREAK,
            EntryKind.MEETING,
            EntryKind.MEETING,
            EntryKind.FREE,
        ]
        assert cleo.sessions[0].entries[1].slot_count == 2
        assert cleo.sessions[0].meeting_count == 2


def test_a_draft_run_never_shows(app, world):
    with app.app_context():
        event = event_of(world)
        run = make_schedule_run(event)
        slot = event.sessions[1].slots[0]
        make_scheduled_meeting(run, get(MeetingRequest, world.requests["ad"]), slot)
        commit()
        assert "Dan Dirac" not in [
            m.partner_name for m in agenda_for(event, person(world, "a")).meetings
        ]


def test_agendas_for_sorts_by_name_and_skips_unapproved(app, world):
    from brokerage.registration.models import ParticipantStatus

    with app.app_context():
        event = event_of(world)
        make_participant(event, status=ParticipantStatus.PENDING, last_name="Aaron")
        commit()
        agendas = agendas_for(event)
        assert [a.participant.last_name for a in agendas] == [
            "Babbage",
            "Curie",
            "Dirac",
            "Lovelace",
        ]
        only = agendas_for(event, [world.people["b"], world.people["d"]])
        assert [a.participant.last_name for a in only] == ["Babbage", "Dirac"]
        assert [m.partner_name for m in only[0].meetings] == ["Ada Lovelace", "Cleo Curie"]
        assert agendas_for(event, []) == []


@contextmanager
def counted_queries() -> Iterator[list[int]]:
    """Counts the SQL statements run inside the block: `with counted_queries() as n: ...; n[0]`."""
    count = [0]

    def counter(*_args, **_kwargs) -> None:
        count[0] += 1

    sa_event.listen(db.engine, "before_cursor_execute", counter)
    try:
        yield count
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", counter)


def _grow(world, extra: int) -> None:
    """`extra` more participants, each with a published meeting with Ada."""
    event = event_of(world)
    published = get(ScheduleRun, world.run_id)
    slots = [slot for session in event.sessions for slot in session.slots]
    anchor = person(world, "a")
    for index in range(extra):
        newcomer = make_participant(event, last_name=f"Extra{index:03d}")
        request = make_meeting_request(newcomer, anchor, status=RequestStatus.ACCEPTED)
        make_scheduled_meeting(published, request, slots[index % len(slots)])
    commit()


def _queries_for_all_agendas(app, world, extra: int) -> int:
    with app.app_context():
        _grow(world, extra)
        event = event_of(world)
        db.session.expire_all()
        with counted_queries() as count:
            agendas = agendas_for(event)
            # Reading every value must not lazy-load anything either.
            for agenda in agendas:
                assert agenda.participant.organisation.name
                assert all(meeting.partner_name for meeting in agenda.meetings)
        assert len(agendas) == 4 + extra
        return count[0]


def test_query_count_is_constant_whatever_the_number_of_participants(app):
    five = _queries_for_all_agendas(app, build_world(app), 1)
    fifty = _queries_for_all_agendas(app, build_world(app), 46)
    assert five == fifty
    assert five <= 4
