"""Participants' feedback on their meetings: did it take place, and how was it.

A side may answer once a meeting of the event's *published* run has ended (its slot's end is
in the past), provided the meeting is not cancelled and its request still stands. The answer
is one row per side (`MeetingFeedback`, keyed by the request, which a meeting keeps across
runs and hand edits); answering again updates it.

Rating: optional, 1 to 5, and kept only when the meeting took place: a meeting the partner
did not come to has nothing to rate, so a rating sent with "partner did not show" is dropped
rather than refused (the form keeps the radio buttons enabled whatever the outcome). The
comment is optional in both cases, at most COMMENT_MAX_LENGTH characters. Ratings and
comments are for the organisers only: the partner never sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from brokerage.attendance.figures import published_meetings
from brokerage.attendance.models import MeetingFeedback, MeetingOutcome
from brokerage.db_types import utcnow
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.mail import queue_mail
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.registration.models import Participant
from brokerage.scheduling.models import MeetingState, ScheduledMeeting
from brokerage.urls import link_context

COMMENT_MAX_LENGTH = 2000
RATINGS = range(1, 6)


class AttendanceError(ValueError):
    """Feedback refused; the message is meant for the participant."""


def feedback_by_request(participant: Participant) -> dict[int, MeetingFeedback]:
    """This participant's own answers, by meeting request id: one query."""
    rows = db.session.scalars(
        select(MeetingFeedback).where(MeetingFeedback.participant_id == participant.id)
    )
    return {row.request_id: row for row in rows}


def published_meeting(
    event: Event, participant: Participant, request_id: int
) -> ScheduledMeeting | None:
    """The participant's meeting for this request in the event's published run, or None."""
    if event.published_run_id is None or participant.event_id != event.id:
        return None
    meeting = db.session.scalar(
        select(ScheduledMeeting)
        .join(MeetingRequest, MeetingRequest.id == ScheduledMeeting.request_id)
        .where(
            ScheduledMeeting.run_id == event.published_run_id,
            ScheduledMeeting.request_id == request_id,
            MeetingRequest.event_id == event.id,
        )
        .options(joinedload(ScheduledMeeting.slot), joinedload(ScheduledMeeting.request))
    )
    if meeting is None or not meeting.request.involves(participant.id):
        return None
    return meeting


def record_feedback(
    event: Event,
    participant: Participant,
    request_id: int,
    outcome: MeetingOutcome | str,
    rating: int | None = None,
    comment: str = "",
    *,
    now: datetime | None = None,
) -> MeetingFeedback:
    """Save (or change) one side's account of an ended meeting; flushes, never commits."""
    now = now or utcnow()
    meeting = published_meeting(event, participant, request_id)
    if meeting is None:
        raise AttendanceError("This meeting is not on your published agenda.")
    if meeting.state is MeetingState.CANCELLED or meeting.request.status is not (
        RequestStatus.ACCEPTED
    ):
        raise AttendanceError("This meeting was cancelled, so there is nothing to report.")
    if meeting.slot.ends_at > now:
        raise AttendanceError("You can report on this meeting once it has ended.")
    try:
        outcome = MeetingOutcome(outcome)
    except ValueError:
        raise AttendanceError("Say whether the meeting took place.") from None
    if outcome is not MeetingOutcome.TOOK_PLACE:
        rating = None  # nothing to rate when the partner did not come
    if rating is not None and rating not in RATINGS:
        raise AttendanceError("A rating is a whole number from 1 to 5.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise AttendanceError(f"Keep the comment to {COMMENT_MAX_LENGTH:,} characters.")

    feedback = db.session.scalar(
        select(MeetingFeedback).where(
            MeetingFeedback.request_id == request_id,
            MeetingFeedback.participant_id == participant.id,
        )
    )
    if feedback is None:
        feedback = MeetingFeedback(
            event_id=event.id,
            request_id=request_id,
            participant_id=participant.id,
            outcome=outcome,
            rating=rating,
            comment=comment,
        )
        try:
            # A double click sends two first answers at once: the unique constraint keeps
            # one row, and the loser of the race updates it instead.
            with db.session.begin_nested():
                db.session.add(feedback)
        except IntegrityError:
            feedback = db.session.scalars(
                select(MeetingFeedback).where(
                    MeetingFeedback.request_id == request_id,
                    MeetingFeedback.participant_id == participant.id,
                )
            ).one()
    feedback.outcome = outcome
    feedback.rating = rating
    feedback.comment = comment
    db.session.flush()
    return feedback


# --- reminders -------------------------------------------------------------------------------


def agenda_url(event: Event, *, anchor: str | None = None, external: bool = False) -> str:
    """The participant's agenda page, where the feedback forms are."""
    return url_for("agendas.agenda", slug=event.slug, _anchor=anchor, _external=external)


@dataclass(frozen=True)
class UnratedMeeting:
    request_id: int
    starts_at: datetime
    ends_at: datetime
    partner: Participant


@dataclass(frozen=True)
class ReminderSummary:
    emailed: int  # participants e-mailed
    meetings: int  # meetings listed in those e-mails
    opted_out: int  # participants skipped: they want essential e-mails only


def unrated_meetings(
    event: Event, *, now: datetime | None = None
) -> dict[Participant, list[UnratedMeeting]]:
    """Approved participants' ended meetings without their feedback: three queries."""
    now = now or utcnow()
    ended = [row for row in published_meetings(event) if row[4] <= now]
    if not ended:
        return {}
    answered = set(
        db.session.execute(
            select(MeetingFeedback.request_id, MeetingFeedback.participant_id).where(
                MeetingFeedback.event_id == event.id
            )
        ).tuples()
    )
    participants = {
        participant.id: participant
        for participant in db.session.scalars(
            select(Participant)
            .where(Participant.event_id == event.id)
            .options(joinedload(Participant.user), joinedload(Participant.organisation))
        )
    }
    missing: dict[Participant, list[UnratedMeeting]] = {}
    for request_id, sender_id, recipient_id, starts_at, ends_at in ended:
        for side, partner in ((sender_id, recipient_id), (recipient_id, sender_id)):
            participant = participants.get(side)
            if participant is None or not participant.is_approved:
                continue
            if (request_id, side) in answered or partner not in participants:
                continue
            missing.setdefault(participant, []).append(
                UnratedMeeting(request_id, starts_at, ends_at, participants[partner])
            )
    return missing


def send_feedback_reminders(event: Event, *, now: datetime | None = None) -> ReminderSummary:
    """E-mail each approved participant the ended meetings they have not reported on yet.

    Feedback reminders are not essential: participants who asked for essential e-mails only
    are skipped (and counted). Each call e-mails everyone still missing feedback, so it is
    meant to be run by hand, once or twice after the event, not from cron.
    """
    emailed = meetings = opted_out = 0
    with link_context():
        link = agenda_url(event, external=True)
        for participant, unrated in unrated_meetings(event, now=now).items():
            if participant.essential_emails_only:
                opted_out += 1
                continue
            count = len(unrated)
            queue_mail(
                participant.user.email,
                f"How did your meeting{'s' if count != 1 else ''} go? · {event.title}",
                "feedback_reminder",
                participant=participant,
                event=event,
                meetings=unrated,
                link=link,
                settings_link=url_for("meetings.settings", slug=event.slug, _external=True),
            )
            emailed += 1
            meetings += count
    return ReminderSummary(emailed=emailed, meetings=meetings, opted_out=opted_out)
