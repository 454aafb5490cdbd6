"""Query counting and a bigger schedule, for the constant-queries tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event as sa_event

from brokerage.events import services as events
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.meetings.models import RequestStatus
from brokerage.scheduling.models import ScheduleRun
from tests.factories import make_meeting_request, make_participant, make_scheduled_meeting


@dataclass
class QueryCount:
    count: int = 0


@contextmanager
def count_queries() -> Iterator[QueryCount]:
    counter = QueryCount()

    def before_execute(*args: object) -> None:
        counter.count += 1

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", before_execute)
    try:
        yield counter
    finally:
        sa_event.remove(engine, "before_cursor_execute", before_execute)


def more_meetings(event: Event, world, count: int) -> None:
    """`count` more published meetings between new participants, at new tables."""
    run = db.session.get(ScheduleRun, world.published_run_id)
    tables = events.generate_tables(event, count, prefix="X")
    slots = [slot for session in event.sessions for slot in session.slots]
    for index in range(count):
        first = make_participant(event, organisation_name=f"Extra A{index}")
        second = make_participant(event, organisation_name=f"Extra B{index}")
        request = make_meeting_request(first, second, status=RequestStatus.ACCEPTED)
        make_scheduled_meeting(run, request, slots[index % len(slots)], tables[index])
    db.session.flush()
