"""The event generator: seeded, deterministic, and shaped like a real brokerage event."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime

import pytest

from brokerage.scheduling.generator import generate


def test_same_seed_same_event_and_other_seed_other_event() -> None:
    assert generate(200, days=2, seed=7) == generate(200, days=2, seed=7)
    assert generate(200, days=2, seed=7) != generate(200, days=2, seed=8)


@pytest.mark.parametrize("days", [1, 2, 3])
def test_slots_are_real_times_in_two_sessions_a_day(days: int) -> None:
    problem = generate(50, days=days, seed=1)
    sessions = Counter(slot.session for slot in problem.slots)
    assert len(sessions) == 2 * days
    assert set(sessions.values()) == {8}
    starts = [datetime.fromisoformat(slot.start) for slot in problem.slots]  # type: ignore[arg-type]
    assert starts == sorted(starts)
    first = problem.slots[0]
    assert first.start is not None
    assert first.end is not None
    assert first.start.endswith("09:00+01:00")
    length = datetime.fromisoformat(first.end) - datetime.fromisoformat(first.start)
    assert length.total_seconds() == 20 * 60
    assert len({slot.id for slot in problem.slots}) == len(problem.slots)


def test_shape_of_a_thousand_participants() -> None:
    problem = generate(1000, days=2, seed=3)
    ids = {participant.id for participant in problem.participants}
    assert len(ids) == 1000
    requests = Counter()
    pairs = set()
    for meeting in problem.meetings:
        assert meeting.a in ids
        assert meeting.b in ids
        assert meeting.a != meeting.b
        assert 1 <= meeting.weight <= 3
        pairs.add(frozenset((meeting.a, meeting.b)))
        requests[meeting.a] += 1
        requests[meeting.b] += 1
    assert len(pairs) == len(problem.meetings)  # no pair twice
    average = 2 * len(problem.meetings) / 1000
    assert 8 <= average <= 10
    # Heavy tail: the most wanted people have far more requests than slots.
    assert max(requests.values()) > 2 * len(problem.slots)
    assert statistics.median(requests.values()) < average
    booths = sum(1 for participant in problem.participants if participant.booth)
    assert 30 <= booths <= 70
    assert any(participant.max_meetings for participant in problem.participants)
    partial = sum(1 for participant in problem.participants if participant.unavailable)
    assert 200 <= partial <= 700
    mandatory = sum(1 for meeting in problem.meetings if meeting.mandatory)
    assert 1 <= mandatory <= 0.02 * len(problem.meetings)
    assert {meeting.weight for meeting in problem.meetings} == {1, 2, 3}
    assert problem.shared_tables == pytest.approx((1000 - booths) / 2 * 0.6, abs=1)
    assert all(problem.tables_in(slot.id) >= 1 for slot in problem.slots)


def test_rejects_impossible_sizes() -> None:
    with pytest.raises(ValueError, match="two participants"):
        generate(1)
    with pytest.raises(ValueError, match="one day"):
        generate(10, days=0)
