"""The scheduler's bulk query agrees with the per-participant one, whatever the choices."""

from __future__ import annotations

from datetime import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event as sa_event

from brokerage.availability import services
from brokerage.events import services as events
from brokerage.extensions import db
from brokerage.registration.models import ParticipantStatus
from tests.factories import make_event, make_participant, make_user

PARTICIPANTS = 5
STATUSES = st.sampled_from(list(ParticipantStatus))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    statuses=st.lists(STATUSES, min_size=PARTICIPANTS, max_size=PARTICIPANTS),
    # Per participant: which of the 3 sessions they skip, which of the 8 slots they block.
    absences=st.lists(st.sets(st.integers(0, 2)), min_size=PARTICIPANTS, max_size=PARTICIPANTS),
    blocks=st.lists(st.sets(st.integers(0, 7)), min_size=PARTICIPANTS, max_size=PARTICIPANTS),
)
def test_bulk_equals_per_participant(app_ctx, statuses, absences, blocks):
    admin = make_user(is_admin=True)
    event = make_event()
    for hour in (9, 11, 14):  # 3 sessions of 20 + 5 minutes slots: 3, 3 and 2 slots
        end = time(hour + 1, 10) if hour < 14 else time(14, 45)
        events.add_session(event, f"Session {hour}", event.start_date, time(hour), end)
    sessions = event.sessions
    slots = [slot for session in sessions for slot in session.slots]
    assert len(slots) == 8
    # A second event with its own choices must not leak into the first.
    noise = make_event()
    events.add_session(noise, "Noise", noise.start_date, time(9), time(10))
    noisy = make_participant(noise)
    services.set_availability(noisy, [], [noise.sessions[0].slots[0].id], admin)

    participants = []
    for status, skipped, blocked in zip(statuses, absences, blocks, strict=True):
        participant = make_participant(event, status=status)
        attended = [session.id for index, session in enumerate(sessions) if index not in skipped]
        services.set_availability(
            participant, attended, [slots[index].id for index in blocked], admin
        )
        participants.append(participant)

    by_participant = services.available_slots_by_participant(event)

    expected = {
        participant.id: services.available_slot_ids(participant)
        for participant in participants
        if participant.status in services.ACTIVE_STATUSES
    }
    assert by_participant == expected
    for participant, skipped, blocked in zip(participants, absences, blocks, strict=True):
        # And both agree with the rule written out by hand.
        wanted = {
            slot.id
            for slot in slots
            if sessions.index(slot.session) not in skipped and slots.index(slot) not in blocked
        }
        assert services.available_slot_ids(participant) == wanted
        assert services.availability_summary(participant).available_slots == len(wanted)
    db.session.rollback()


def test_bulk_query_count_does_not_grow_with_participants(app_ctx):
    admin = make_user(is_admin=True)
    event = make_event()
    events.add_session(event, "Morning", event.start_date, time(9), time(12))
    slot_ids = [slot.id for slot in event.sessions[0].slots]
    for number in range(40):
        participant = make_participant(event)
        services.set_availability(
            participant, [] if number % 7 == 0 else [event.sessions[0].id], slot_ids[:1], admin
        )
    db.session.flush()
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        result = services.available_slots_by_participant(event)
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert len(result) == 40
    assert len(statements) == 2
    assert sum(1 for slots in result.values() if not slots) == 6  # numbers 0, 7, …, 35
