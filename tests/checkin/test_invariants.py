"""Invariants of the timeline and the accent folding, checked with generated inputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from brokerage.checkin.figures import BUCKET_MINUTES, timeline
from brokerage.checkin.services import folded
from brokerage.events.models import Event

# Around the autumn DST change in Brussels (27 Oct 2024), where a local hour happens twice.
moments = st.lists(
    st.datetimes(
        min_value=datetime(2024, 10, 26, 6),  # noqa: DTZ001 - made aware just below
        max_value=datetime(2024, 10, 28, 20),  # noqa: DTZ001
    ).map(lambda moment: moment.replace(tzinfo=UTC)),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(moments, st.sampled_from(["Europe/Brussels", "America/New_York", "Asia/Kolkata"]))
def test_every_check_in_lands_in_exactly_one_bucket(times, zone):
    event = Event(timezone=zone)
    days = timeline(event, times)
    assert sum(day.total for day in days) == len(times)
    step = timedelta(minutes=BUCKET_MINUTES)
    for day in days:
        starts = [bucket.starts_at for bucket in day.buckets]
        assert all(start.date() == day.day for start in starts)
        assert all(later - earlier == step for earlier, later in pairwise(starts))
    for moment in times:
        local = event.local(moment).replace(tzinfo=None)
        [day] = [day for day in days if day.day == local.date()]
        assert any(b.starts_at <= local < b.starts_at + step and b.count for b in day.buckets)


@given(st.text(max_size=40))
def test_folding_is_idempotent_and_finds_the_plain_spelling(text):
    once = folded(text)
    assert folded(once) == once
    assert folded(text.upper()) == folded(text.lower()) or not text.isascii()


def test_folding_examples():
    assert folded("José Müller-Łęcka") == "jose muller-łecka"
    assert folded("ÉLECTRICITÉ") == "electricite"
