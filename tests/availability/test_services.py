"""Availability services: defaults, sessions, blocks, the summary, refusals."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from brokerage.auth.models import User
from brokerage.availability import services
from brokerage.availability.models import SessionAbsence, SlotBlock
from brokerage.db_types import utcnow
from brokerage.events import services as events
from brokerage.events.models import Event, MeetingSession
from brokerage.extensions import db
from brokerage.meetings.models import RequestStatus
from brokerage.registration.models import Participant
from tests.availability.helpers import meeting_request
from tests.factories import make_participant


def _participant(participant_id: int) -> Participant:
    return db.session.get(Participant, participant_id)


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _rows() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(SessionAbsence)),
        db.session.scalar(select(func.count()).select_from(SlotBlock)),
    )


def test_everyone_is_available_in_every_slot_by_default(app_ctx, world):
    alice = _participant(world.alice_id)
    assert services.available_slot_ids(alice) == set(world.slot_ids)
    by_participant = services.available_slots_by_participant(alice.event)
    # Pending and approved participants; the cancelled and rejected ones are left out.
    assert by_participant == {
        world.alice_id: set(world.slot_ids),
        world.pia_id: set(world.slot_ids),
    }
    summary = services.availability_summary(alice)
    assert (summary.available_slots, summary.total_slots, summary.accepted_meetings) == (6, 6, 0)
    assert summary.warning is None


def test_skipping_a_session_and_blocking_a_slot(app_ctx, world):
    alice = _participant(world.alice_id)
    morning, afternoon = world.session_ids
    services.set_availability(alice, [morning], [world.slot_ids[1]], _user("alice@example.org"))
    expected = {world.slot_ids[0], world.slot_ids[2], world.slot_ids[3]}
    assert services.available_slot_ids(alice) == expected
    assert services.available_slots_by_participant(alice.event)[alice.id] == expected
    assert _rows() == (1, 1)

    # Saving again replaces the choice: attend both, block a slot of the afternoon instead.
    services.set_availability(
        alice, [morning, afternoon], [world.slot_ids[5]], _user("alice@example.org")
    )
    assert services.available_slot_ids(alice) == set(world.slot_ids) - {world.slot_ids[5]}
    assert _rows() == (0, 1)
    # Other participants are untouched.
    assert services.available_slot_ids(_participant(world.pia_id)) == set(world.slot_ids)


def test_a_block_in_a_skipped_session_is_kept_for_later(app_ctx, world):
    alice = _participant(world.alice_id)
    morning, afternoon = world.session_ids
    alice_user = _user("alice@example.org")
    services.set_availability(alice, [afternoon], [world.slot_ids[0]], alice_user)
    assert services.available_slot_ids(alice) == set(world.slot_ids[4:])
    services.set_availability(alice, [morning, afternoon], [world.slot_ids[0]], alice_user)
    assert services.available_slot_ids(alice) == set(world.slot_ids[1:])


def test_a_session_added_later_is_available_to_everyone(app_ctx, world):
    alice = _participant(world.alice_id)
    services.set_availability(alice, [world.session_ids[0]], [], _user("alice@example.org"))
    event = alice.event
    late = events.add_session(event, "Late", event.start_date, time(16), time(16, 30))
    assert {slot.id for slot in late.slots} <= services.available_slot_ids(alice)


def test_removed_slots_and_sessions_take_their_rows_with_them(app_ctx, world):
    alice = _participant(world.alice_id)
    afternoon = db.session.get(MeetingSession, world.session_ids[1])
    services.set_availability(
        alice, [world.session_ids[0]], [world.slot_ids[3]], _user("alice@example.org")
    )
    assert _rows() == (1, 1)
    # Shortening the morning drops its last slot, and the block on it.
    morning = db.session.get(MeetingSession, world.session_ids[0])
    events.update_session(morning, "Morning", alice.event.start_date, time(9), time(10, 10))
    events.delete_session(afternoon)
    assert _rows() == (0, 0)
    assert services.available_slot_ids(alice) == set(world.slot_ids[:3])


def test_summary_counts_accepted_meetings_and_warns_when_they_do_not_fit(app_ctx, world):
    alice = _participant(world.alice_id)
    event = alice.event
    others = [make_participant(event) for _ in range(4)]
    for other in others[:3]:
        meeting_request(alice, other)  # sent by Alice
    meeting_request(others[3], alice)  # received by Alice
    # Requests that are not accepted, or between others, do not count.
    meeting_request(_participant(world.pia_id), alice, RequestStatus.PENDING)
    meeting_request(others[0], others[1])
    summary = services.availability_summary(alice)
    assert summary.accepted_meetings == 4
    assert summary.warning is None

    # Attending the afternoon only (2 slots), with one of them blocked: 1 slot for 4 meetings.
    services.set_availability(
        alice, [world.session_ids[1]], [world.slot_ids[4]], _user("alice@example.org")
    )
    summary = services.availability_summary(alice)
    assert (summary.available_slots, summary.total_slots, summary.accepted_meetings) == (1, 6, 4)
    assert summary.overbooked
    assert summary.warning == (
        "You have 4 accepted meetings but only 1 available slot: some cannot be scheduled."
    )


@pytest.mark.parametrize(
    ("sessions", "blocks"),
    [
        ("other_session", None),
        (None, "other_slot"),
        ("forged", None),
        (None, "forged"),
    ],
)
def test_ids_from_another_event_are_refused_and_nothing_changes(app_ctx, world, sessions, blocks):
    alice = _participant(world.alice_id)
    alice_user = _user("alice@example.org")
    services.set_availability(alice, [world.session_ids[0]], [world.slot_ids[0]], alice_user)
    before = _rows()
    choose = {"other_session": world.other_session_id, "other_slot": world.other_slot_id}
    session_ids = [world.session_ids[1], choose.get(sessions, 987_654)] if sessions else []
    slot_ids = [world.slot_ids[1], choose.get(blocks, 987_654)] if blocks else []
    with pytest.raises(services.InvalidAvailabilityReference):
        services.set_availability(alice, session_ids, slot_ids, alice_user)
    assert _rows() == before
    assert services.blocked_slot_ids(alice) == {world.slot_ids[0]}


def test_only_the_participant_or_an_organiser_may_change_it(app_ctx, world):
    alice = _participant(world.alice_id)
    with pytest.raises(services.AvailabilityError, match="only change your own"):
        services.set_availability(alice, [], [], _user("pia@example.org"))
    with pytest.raises(services.AvailabilityError, match="only change your own"):
        services.set_availability(alice, [], [], _user("b-org@example.org"))
    for organiser in ("a-org@example.org", "admin@example.org"):
        services.set_availability(alice, [], [], _user(organiser))
    assert services.available_slot_ids(alice) == set()


def test_the_participant_is_stopped_by_the_deadline_organisers_are_not(app_ctx, world):
    alice = _participant(world.alice_id)
    event: Event = alice.event
    later = event.booking_deadline + timedelta(minutes=1)
    with pytest.raises(services.AvailabilityError, match="deadline"):
        services.set_availability(alice, [], [], _user("alice@example.org"), now=later)
    services.set_availability(alice, [], [], _user("a-org@example.org"), now=later)
    assert services.may_edit_own(alice)
    assert not services.may_edit_own(alice, later)
    event.booking_deadline = utcnow() - timedelta(minutes=1)
    assert not services.may_edit_own(alice)


def test_grid_groups_sessions_by_local_day(app_ctx, world):
    alice = _participant(world.alice_id)
    services.set_availability(
        alice, [world.session_ids[1]], [world.slot_ids[5]], _user("alice@example.org")
    )
    grid = services.availability_grid(alice)
    event = alice.event
    assert [day.day for day in grid] == [event.start_date, event.start_date + timedelta(days=1)]
    morning, afternoon = grid[0].sessions[0], grid[1].sessions[0]
    assert not morning.attends
    assert afternoon.attends
    assert [cell.blocked for cell in afternoon.slots] == [False, True]
