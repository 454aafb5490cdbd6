"""Publishing a run: it becomes the event's schedule, and participants are told.

`publish_run()` flushes and never commits (the view or CLI command commits once); its e-mails
wait on the session and go out after that commit, or not at all.

On the first publication every participant with a meeting gets "your agenda is ready". On a
later one only the participants whose meetings were added, moved, removed or cancelled hear
about it, with what changed. Both are essential e-mails: a participant who asked for essential
e-mails only still gets them.

Meetings keep their identity across runs through their request: a meeting whose slot, table
or state differs from the published one gets `sequence` = previous + 1 (calendar clients
update an event only when its SEQUENCE rises); an unchanged one keeps the previous sequence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask import url_for

from brokerage.auth.models import User
from brokerage.db_types import utcnow
from brokerage.extensions import db
from brokerage.mail import queue_mail
from brokerage.registration.models import Participant
from brokerage.scheduling.models import ScheduleChange, ScheduledMeeting, ScheduleRun
from brokerage.scheduling.review import (
    Diff,
    diff_meetings,
    is_active,
    load_meetings,
    publish_refusal,
)
from brokerage.urls import link_context


class PublishError(ValueError):
    """The run cannot be published; the message says why, for the organiser."""


@dataclass(frozen=True)
class Publication:
    run: ScheduleRun
    first: bool
    diff: Diff
    notified: int  # participants e-mailed


def publish_run(run: ScheduleRun, acting_user: User | None) -> Publication:
    refusal = publish_refusal(run)
    if refusal is not None:
        raise PublishError(refusal)
    event = run.event
    previous_id = event.published_run_id
    meetings = load_meetings(run.id, with_users=True)
    previous = load_meetings(previous_id, with_users=True) if previous_id is not None else []
    diff = diff_meetings(previous, meetings)

    previous_by_request = {meeting.request_id: meeting for meeting in previous}
    for meeting in meetings:
        before = previous_by_request.get(meeting.request_id)
        if before is None:
            continue
        same = (before.slot_id, before.table_id, is_active(before)) == (
            meeting.slot_id,
            meeting.table_id,
            is_active(meeting),
        )
        meeting.sequence = before.sequence if same else before.sequence + 1

    event.published_run_id = run.id
    run.published_at = utcnow()
    run.published_by = acting_user
    first = previous_id is None
    summary = (
        f"Published run #{run.id}: {sum(is_active(m) for m in meetings)} meetings"
        if first
        else (
            f"Published run #{run.id} in place of run #{previous_id}: {len(diff.added)} added, "
            f"{len(diff.moved)} moved, {len(diff.removed)} removed, "
            f"{len(diff.cancelled)} cancelled"
        )
    )
    db.session.add(
        ScheduleChange(
            event_id=event.id,
            run_id=run.id,
            user_id=acting_user.id if acting_user is not None else None,
            action="publish",
            summary=summary,
            details={
                "previous_run_id": previous_id,
                "added": [m.request_id for m in diff.added],
                "moved": [move.after.request_id for move in diff.moved],
                "removed": [m.request_id for m in diff.removed],
                "cancelled": [m.request_id for m in diff.cancelled],
            },
        )
    )
    db.session.flush()

    notified = _mail_participants(run, meetings, diff, first=first)
    return Publication(run=run, first=first, diff=diff, notified=notified)


def _mail_participants(
    run: ScheduleRun, meetings: list[ScheduledMeeting], diff: Diff, *, first: bool
) -> int:
    event = run.event
    agenda: dict[int, list[ScheduledMeeting]] = defaultdict(list)
    people: dict[int, Participant] = {}
    for meeting in meetings:
        for person in (meeting.request.sender, meeting.request.recipient):
            people[person.id] = person
            if is_active(meeting):
                agenda[person.id].append(meeting)
    if first:
        to_tell = set(agenda)
    else:
        to_tell = diff.participant_ids()
        for meeting in [*diff.removed, *(move.before for move in diff.moved)]:
            for person in (meeting.request.sender, meeting.request.recipient):
                people.setdefault(person.id, person)
    notified = 0
    with link_context():
        link = url_for("schedule_review.my_meetings", slug=event.slug, _external=True)
        for person_id in sorted(to_tell):
            person = people[person_id]
            if not person.is_approved:
                continue  # withdrawn or rejected since: they have no agenda to read
            mine = sorted(agenda.get(person_id, []), key=lambda m: m.slot.starts_at)
            if first:
                subject, template, changes = "Your agenda is ready", "schedule_agenda_ready", None
            else:
                subject, template = "Your agenda has changed", "schedule_changed"
                changes = diff.for_participant(person_id)
            queue_mail(
                person.user.email,
                f"{subject} · {event.title}",
                template,
                participant=person,
                event=event,
                meetings=mine,
                changes=changes,
                link=link,
            )
            notified += 1
    return notified
