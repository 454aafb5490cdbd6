"""The timeline's invariants, for any pattern of meetings in a session (hypothesis)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from brokerage.agendas.services import AgendaMeeting, EntryKind, timeline

START = datetime(2026, 5, 12, 7, 0, tzinfo=UTC)
STEP = timedelta(minutes=25)
LENGTH = timedelta(minutes=20)


@dataclass
class FakeSlot:
    starts_at: datetime
    ends_at: datetime


@dataclass
class FakeSession:
    id: int
    name: str
    starts_at: datetime
    ends_at: datetime
    slots: list[FakeSlot] = field(default_factory=list)


def meeting(position: int, cancelled: bool) -> AgendaMeeting:
    return AgendaMeeting(
        meeting_id=position,
        request_id=position,
        starts_at=START + position * STEP,
        ends_at=START + position * STEP + LENGTH,
        session_name="Morning",
        place="Table 1",
        partner_id=1,
        partner_name="Ada",
        partner_organisation="Labs",
        partner_country="BE",
        opportunity_title=None,
        cancelled=cancelled,
        sequence=0,
    )


# Each slot: None (idle), False (a meeting), True (a cancelled meeting).
patterns = st.lists(st.sampled_from([None, False, True]), min_size=1, max_size=14)


@given(patterns)
def test_every_slot_is_covered_once_and_breaks_sit_between_meetings(pattern):
    slots = [FakeSlot(START + i * STEP, START + i * STEP + LENGTH) for i in range(len(pattern))]
    session = FakeSession(1, "Morning", slots[0].starts_at, slots[-1].ends_at, slots)
    meetings = [meeting(i, state) for i, state in enumerate(pattern) if state is not None]
    (result,) = timeline([session], meetings)
    busy = [state is False for state in pattern]

    idle_covered = []
    for entry in result.entries:
        if entry.kind is EntryKind.MEETING:
            continue
        first = (entry.starts_at - START) // STEP
        idle_covered += range(first, first + entry.slot_count)
        between = any(busy[:first]) and any(busy[first + entry.slot_count :])
        assert entry.kind is (EntryKind.BREAK if between else EntryKind.FREE)
    # Idle entries cover exactly the slots without an active meeting, once each.
    assert sorted(idle_covered) == [i for i, is_busy in enumerate(busy) if not is_busy]
    # Every meeting is listed, cancelled ones too, and entries are in time order.
    assert sorted(e.meeting.request_id for e in result.entries if e.meeting) == [
        m.request_id for m in meetings
    ]
    starts = [entry.starts_at for entry in result.entries]
    assert starts == sorted(starts)
    assert result.meeting_count == sum(busy)
    # Idle runs are maximal: two idle entries never follow each other without a busy slot.
    idle_entries = [e for e in result.entries if e.kind is not EntryKind.MEETING]
    for earlier, later in itertools.pairwise(idle_entries):
        gap_first = (earlier.starts_at - START) // STEP + earlier.slot_count
        gap_last = (later.starts_at - START) // STEP
        assert any(busy[gap_first:gap_last])
