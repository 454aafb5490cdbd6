"""The organiser's attendance figures: kept meetings, no-shows, ratings, repeat no-shows.

Definitions (shown on the page too):

- A meeting is *held* once its slot has ended, when it is in the event's published run, not
  cancelled, and its request is still accepted.
- Each held meeting gets one verdict from its sides' reports:
  *no-show* when a side reports that the partner did not show and no side says it took
  place; *kept* when a side reports it took place and nobody reported a no-show; *disputed*
  when one side says it took place and the other that they were stood up; *unreported*
  without any report. So kept + no-show + disputed + unreported = held.
- The kept and no-show rates are shares of the meetings *with at least one report*: an
  unreported meeting says nothing either way. They are None while nothing is reported.
- A no-show *against* a participant is a report by their partner that they did not come
  (disputed ones included, and flagged). A *repeat no-show* was reported absent by two or
  more different partners.
- Ratings count only for meetings that took place (the service drops the others); the rating
  a participant *received* is the one their partner gave.

`tally()` is pure (plain ids in, counts out) so its invariants are tested with hypothesis;
`attendance_figures()` loads an event's rows in four queries and calls it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import select

from brokerage.attendance.models import MeetingFeedback, MeetingOutcome
from brokerage.db_types import utcnow
from brokerage.events.models import Event, Slot
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.registration.models import Organisation, Participant
from brokerage.scheduling.models import MeetingState, ScheduledMeeting

REPEAT_NO_SHOW_PARTNERS = 2


class Verdict(StrEnum):
    KEPT = "kept"
    NO_SHOW = "no_show"
    DISPUTED = "disputed"
    UNREPORTED = "unreported"


def verdict_of(outcomes: Iterable[MeetingOutcome]) -> Verdict:
    said = set(outcomes)
    if not said:
        return Verdict.UNREPORTED
    if MeetingOutcome.PARTNER_NO_SHOW in said:
        return Verdict.DISPUTED if MeetingOutcome.TOOK_PLACE in said else Verdict.NO_SHOW
    return Verdict.KEPT


# --- the pure tally --------------------------------------------------------------------------


class HeldMeeting(NamedTuple):  # tuples: thousands are made per page view
    request_id: int
    sender_id: int
    recipient_id: int
    starts_at: datetime | None = None

    def partner_of(self, participant_id: int) -> int:
        return self.recipient_id if participant_id == self.sender_id else self.sender_id


class Report(NamedTuple):
    request_id: int
    participant_id: int
    outcome: MeetingOutcome
    rating: int | None = None


@dataclass
class ParticipantTally:
    participant_id: int
    meetings: int = 0
    kept: int = 0  # their meetings with the verdict "kept"
    no_shows_against: int = 0  # partners who reported them absent
    disputed_against: int = 0  # ... of which the participant said the meeting took place
    feedback_given: int = 0
    ratings_received: list[int] = field(default_factory=list)
    absent_for: set[int] = field(default_factory=set)  # partners who reported them absent

    @property
    def average_rating(self) -> float | None:
        if not self.ratings_received:
            return None
        return sum(self.ratings_received) / len(self.ratings_received)


@dataclass(frozen=True)
class Tally:
    held: int
    verdicts: dict[int, Verdict]  # request id -> verdict
    counts: dict[Verdict, int]
    reports_per_meeting: tuple[int, int, int]  # meetings with reports from 0, 1, 2 sides
    rating_counts: tuple[int, int, int, int, int]  # how many ratings of 1, 2, 3, 4, 5
    participants: dict[int, ParticipantTally]

    @property
    def reported(self) -> int:
        return self.held - self.counts[Verdict.UNREPORTED]

    def rate(self, verdict: Verdict) -> float | None:
        """Share of the reported meetings with this verdict (None while none is reported)."""
        return self.counts[verdict] / self.reported if self.reported else None

    @property
    def kept_rate(self) -> float | None:
        return self.rate(Verdict.KEPT)

    @property
    def no_show_rate(self) -> float | None:
        return self.rate(Verdict.NO_SHOW)

    @property
    def disputed_rate(self) -> float | None:
        return self.rate(Verdict.DISPUTED)

    @property
    def ratings(self) -> int:
        return sum(self.rating_counts)

    @property
    def average_rating(self) -> float | None:
        if not self.ratings:
            return None
        return sum(value * count for value, count in enumerate(self.rating_counts, 1)) / (
            self.ratings
        )

    def repeat_no_shows(self) -> list[ParticipantTally]:
        return [
            row
            for row in self.participants.values()
            if len(row.absent_for) >= REPEAT_NO_SHOW_PARTNERS
        ]


def tally(meetings: Sequence[HeldMeeting], reports: Iterable[Report]) -> Tally:
    """Verdicts and per-participant counts; reports on other meetings or by others are ignored."""
    by_request = {meeting.request_id: meeting for meeting in meetings}
    reports_by_request: dict[int, dict[int, Report]] = defaultdict(dict)
    for report in reports:
        meeting = by_request.get(report.request_id)
        if meeting is not None and report.participant_id in (
            meeting.sender_id,
            meeting.recipient_id,
        ):
            reports_by_request[report.request_id][report.participant_id] = report

    participants: dict[int, ParticipantTally] = {}

    def row_of(participant_id: int) -> ParticipantTally:
        if participant_id not in participants:
            participants[participant_id] = ParticipantTally(participant_id)
        return participants[participant_id]

    verdicts: dict[int, Verdict] = {}
    per_meeting = [0, 0, 0]
    ratings = [0] * 5
    for meeting in by_request.values():
        sides = reports_by_request.get(meeting.request_id, {})
        verdict = verdict_of(report.outcome for report in sides.values())
        verdicts[meeting.request_id] = verdict
        per_meeting[len(sides)] += 1
        for side in (meeting.sender_id, meeting.recipient_id):
            row = row_of(side)
            row.meetings += 1
            if verdict is Verdict.KEPT:
                row.kept += 1
        for author_id, report in sides.items():
            partner = row_of(meeting.partner_of(author_id))
            row_of(author_id).feedback_given += 1
            if report.outcome is MeetingOutcome.PARTNER_NO_SHOW:
                partner.no_shows_against += 1
                partner.absent_for.add(author_id)
                if verdict is Verdict.DISPUTED:
                    partner.disputed_against += 1
            elif report.rating is not None and 1 <= report.rating <= 5:
                partner.ratings_received.append(report.rating)
                ratings[report.rating - 1] += 1
    counts = Counter(verdicts.values())
    return Tally(
        held=len(by_request),
        verdicts=verdicts,
        counts={verdict: counts.get(verdict, 0) for verdict in Verdict},
        reports_per_meeting=(per_meeting[0], per_meeting[1], per_meeting[2]),
        rating_counts=(ratings[0], ratings[1], ratings[2], ratings[3], ratings[4]),
        participants=participants,
    )


# --- loading an event ------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """What the page shows of a participant; plain values, cheaper than 1,000 ORM rows."""

    id: int
    first_name: str
    last_name: str
    organisation_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class FeedbackComment:
    author: Person
    partner: Person
    starts_at: datetime
    outcome: MeetingOutcome
    rating: int | None
    comment: str
    verdict: Verdict


@dataclass(frozen=True)
class AttendanceFigures:
    event: Event
    published: bool
    tally: Tally
    upcoming: int  # published, active meetings that have not ended yet
    people: dict[int, Person]
    comments: list[FeedbackComment]  # newest first

    def participant_rows(self) -> list[tuple[Person, ParticipantTally]]:
        rows = [
            (self.people[pid], row)
            for pid, row in self.tally.participants.items()
            if pid in self.people
        ]
        rows.sort(key=lambda pair: _name_key(pair[0]))
        return rows

    def repeat_no_shows(self) -> list[tuple[Person, ParticipantTally, list[Person]]]:
        """Participant, their counts, and the partners who reported them absent."""
        rows = [
            (
                self.people[row.participant_id],
                row,
                sorted(
                    (self.people[pid] for pid in row.absent_for if pid in self.people),
                    key=_name_key,
                ),
            )
            for row in self.tally.repeat_no_shows()
            if row.participant_id in self.people
        ]
        rows.sort(key=lambda item: (-len(item[1].absent_for), _name_key(item[0])))
        return rows


def _name_key(person: Person) -> tuple[str, str, int]:
    return (person.last_name.casefold(), person.first_name.casefold(), person.id)


def published_meetings(event: Event) -> list[tuple[int, int, int, datetime, datetime]]:
    """(request id, sender id, recipient id, start, end) of the published run's active meetings."""
    if event.published_run_id is None:
        return []
    rows = db.session.execute(
        select(
            ScheduledMeeting.request_id,
            MeetingRequest.sender_id,
            MeetingRequest.recipient_id,
            Slot.starts_at,
            Slot.ends_at,
        )
        .join(MeetingRequest, MeetingRequest.id == ScheduledMeeting.request_id)
        .join(Slot, Slot.id == ScheduledMeeting.slot_id)
        .where(
            ScheduledMeeting.run_id == event.published_run_id,
            ScheduledMeeting.state == MeetingState.SCHEDULED,
            MeetingRequest.status == RequestStatus.ACCEPTED,
            MeetingRequest.event_id == event.id,
        )
        .order_by(Slot.starts_at, ScheduledMeeting.request_id)
    )
    return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]


def attendance_figures(event: Event, *, now: datetime | None = None) -> AttendanceFigures:
    """Everything the attendance page shows: four queries whatever the event's size.

    Rows are read as plain tuples, not ORM objects: at 1,000 participants and 6,000 reports
    that is most of the page's time saved.
    """
    now = now or utcnow()
    held: list[HeldMeeting] = []
    upcoming = 0
    for request_id, sender_id, recipient_id, starts_at, ends_at in published_meetings(event):
        if ends_at <= now:
            held.append(HeldMeeting(request_id, sender_id, recipient_id, starts_at))
        else:
            upcoming += 1
    reports = [
        Report(request_id, participant_id, outcome, rating)
        for request_id, participant_id, outcome, rating in db.session.execute(
            select(
                MeetingFeedback.request_id,
                MeetingFeedback.participant_id,
                MeetingFeedback.outcome,
                MeetingFeedback.rating,
            ).where(MeetingFeedback.event_id == event.id)
        )
    ]
    result = tally(held, reports)
    people = {
        row.id: Person(row.id, row.first_name, row.last_name, row.name)
        for row in db.session.execute(
            select(Participant.id, Participant.first_name, Participant.last_name, Organisation.name)
            .join(Organisation, Organisation.id == Participant.organisation_id)
            .where(Participant.event_id == event.id)
        )
    }
    meetings = {meeting.request_id: meeting for meeting in held}
    comments = []
    for row in db.session.execute(
        select(
            MeetingFeedback.request_id,
            MeetingFeedback.participant_id,
            MeetingFeedback.outcome,
            MeetingFeedback.rating,
            MeetingFeedback.comment,
        )
        .where(MeetingFeedback.event_id == event.id, MeetingFeedback.comment != "")
        .order_by(MeetingFeedback.updated_at.desc(), MeetingFeedback.id.desc())
    ):
        meeting = meetings.get(row.request_id)
        if meeting is None or row.participant_id not in (meeting.sender_id, meeting.recipient_id):
            continue  # not a held meeting of the published run, or not a side of it
        author = people.get(row.participant_id)
        partner = people.get(meeting.partner_of(row.participant_id))
        if author is None or partner is None:
            continue
        comments.append(
            FeedbackComment(
                author=author,
                partner=partner,
                starts_at=meeting.starts_at or now,
                outcome=row.outcome,
                rating=row.rating,
                comment=row.comment,
                verdict=result.verdicts[row.request_id],
            )
        )
    return AttendanceFigures(
        event=event,
        published=event.published_run_id is not None,
        tally=result,
        upcoming=upcoming,
        people=people,
        comments=comments,
    )
