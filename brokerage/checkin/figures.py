"""Live check-in figures for the organiser: how many came, by participant type, over time.

A constant number of queries whatever the event's size; times are bucketed in the event's
own zone (a quarter of an hour by default), one timeline per local day with check-ins.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from brokerage.checkin.models import CheckIn
from brokerage.events.models import Event, ParticipantType
from brokerage.extensions import db
from brokerage.registration.models import Organisation, Participant, ParticipantStatus

BUCKET_MINUTES = 15
MIN_BUCKETS = 8  # a chart spans at least two hours, so one busy quarter reads as a peak


@dataclass(frozen=True)
class TypeRow:
    name: str
    colour: str
    approved: int
    checked_in: int

    @property
    def share(self) -> float:
        return self.checked_in / self.approved if self.approved else 0.0


@dataclass(frozen=True)
class Bucket:
    starts_at: datetime  # naive local wall-clock time in the event's zone
    count: int


@dataclass(frozen=True)
class TimelineDay:
    day: date
    buckets: list[Bucket]

    @property
    def total(self) -> int:
        return sum(bucket.count for bucket in self.buckets)


@dataclass(frozen=True)
class CheckInFigures:
    approved: int
    checked_in: int  # approved participants with a check-in
    checked_in_not_approved: int  # checked in, then their registration changed
    by_type: list[TypeRow]
    days: list[TimelineDay]
    bucket_minutes: int

    @property
    def share(self) -> float:
        return self.checked_in / self.approved if self.approved else 0.0


def _bucket_start(moment: datetime, minutes: int) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % minutes, second=0, microsecond=0)


def timeline(
    event: Event, moments: list[datetime], minutes: int = BUCKET_MINUTES
) -> list[TimelineDay]:
    """Counts per `minutes` of local time, from each day's first to its last check-in."""
    # Naive local wall-clock times: a DST change inside a day shifts no label.
    counts = Counter(
        _bucket_start(event.local(moment).replace(tzinfo=None), minutes) for moment in moments
    )
    days: dict[date, list[datetime]] = {}
    for start in counts:
        days.setdefault(start.date(), []).append(start)
    result = []
    for day in sorted(days):
        first, last = min(days[day]), max(days[day])
        missing = MIN_BUCKETS - 1 - int((last - first) / timedelta(minutes=minutes))
        if missing > 0:
            # Widen around the check-ins, but never into the day before or after.
            midnight = datetime.combine(day, datetime.min.time())
            step = timedelta(minutes=minutes)
            first = max(midnight, first - step * (missing // 2))
            last = min(midnight + timedelta(days=1) - step, first + step * (MIN_BUCKETS - 1))
        buckets = []
        current = first
        while current <= last:
            buckets.append(Bucket(current, counts.get(current, 0)))
            current += timedelta(minutes=minutes)
        result.append(TimelineDay(day, buckets))
    return result


def checkin_figures(event: Event, minutes: int = BUCKET_MINUTES) -> CheckInFigures:
    types = list(
        db.session.scalars(
            select(ParticipantType)
            .where(ParticipantType.event_id == event.id)
            .order_by(ParticipantType.position, ParticipantType.name)
        )
    )
    rows = db.session.execute(
        select(
            Organisation.type_id,
            Participant.status,
            func.count(Participant.id),
            func.count(CheckIn.id),
        )
        .join(Organisation, Participant.organisation_id == Organisation.id)
        .outerjoin(CheckIn, CheckIn.participant_id == Participant.id)
        .where(Participant.event_id == event.id)
        .group_by(Organisation.type_id, Participant.status)
    ).all()
    approved_by_type: Counter[int] = Counter()
    checked_in_by_type: Counter[int] = Counter()
    checked_in_not_approved = 0
    for type_id, status, registered, checked_in in rows:
        if status is ParticipantStatus.APPROVED:
            approved_by_type[type_id] += registered
            checked_in_by_type[type_id] += checked_in
        else:
            checked_in_not_approved += checked_in
    by_type = [
        TypeRow(
            name=kind.name,
            colour=kind.colour,
            approved=approved_by_type[kind.id],
            checked_in=checked_in_by_type[kind.id],
        )
        for kind in types
    ]
    moments = list(
        db.session.scalars(select(CheckIn.checked_in_at).where(CheckIn.event_id == event.id))
    )
    return CheckInFigures(
        approved=sum(approved_by_type.values()),
        checked_in=sum(checked_in_by_type.values()),
        checked_in_not_approved=checked_in_not_approved,
        by_type=by_type,
        days=timeline(event, moments, minutes),
        bucket_minutes=minutes,
    )
