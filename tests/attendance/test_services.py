"""record_feedback: only sides, only ended meetings of the published run, one row per side."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from brokerage.attendance.models import MeetingFeedback, MeetingOutcome
from brokerage.attendance.services import (
    COMMENT_MAX_LENGTH,
    AttendanceError,
    feedback_by_request,
    record_feedback,
)
from brokerage.db_types import utcnow
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.scheduling.models import MeetingState, ScheduledMeeting
from tests.attendance.conftest import World, event_of, person
from tests.factories import make_event, make_participant

TOOK_PLACE = MeetingOutcome.TOOK_PLACE
NO_SHOW = MeetingOutcome.PARTNER_NO_SHOW


def feedback_rows() -> list[MeetingFeedback]:
    return list(db.session.scalars(select(MeetingFeedback).order_by(MeetingFeedback.id)))


def test_a_side_reports_an_ended_meeting(app_ctx, world: World):
    event, ada = event_of(world), person(world, "a")
    row = record_feedback(event, ada, world.requests["ab"], TOOK_PLACE, 4, "  Promising lead. ")
    assert (row.outcome, row.rating, row.comment) == (TOOK_PLACE, 4, "Promising lead.")
    assert (row.event_id, row.participant_id) == (event.id, ada.id)
    # Both sides, independently.
    record_feedback(event, person(world, "b"), world.requests["ab"], "partner_no_show")
    assert len(feedback_rows()) == 2


def test_answering_again_updates_the_same_row(app_ctx, world: World):
    event, ada = event_of(world), person(world, "a")
    first = record_feedback(event, ada, world.requests["ab"], TOOK_PLACE, 2, "Meh")
    second = record_feedback(event, ada, world.requests["ab"], TOOK_PLACE, 5, "")
    assert first.id == second.id
    assert [(row.rating, row.comment) for row in feedback_rows()] == [(5, "")]
    record_feedback(event, ada, world.requests["ab"], NO_SHOW, None, "Never came")
    assert [(row.outcome, row.rating) for row in feedback_rows()] == [(NO_SHOW, None)]


def test_a_no_show_has_no_rating(app_ctx, world: World):
    row = record_feedback(
        event_of(world), person(world, "a"), world.requests["ab"], NO_SHOW, 5, "Waited 20 min"
    )
    assert row.rating is None
    assert row.comment == "Waited 20 min"


@pytest.mark.parametrize("rating", [0, 6, -1, 100])
def test_ratings_run_from_1_to_5(app_ctx, world: World, rating: int):
    with pytest.raises(AttendanceError, match="1 to 5"):
        record_feedback(
            event_of(world), person(world, "a"), world.requests["ab"], TOOK_PLACE, rating
        )
    assert feedback_rows() == []


def test_rating_is_optional_and_each_value_is_kept(app_ctx, world: World):
    event, ada = event_of(world), person(world, "a")
    assert record_feedback(event, ada, world.requests["ab"], TOOK_PLACE).rating is None
    for rating in range(1, 6):
        assert (
            record_feedback(event, ada, world.requests["ab"], TOOK_PLACE, rating).rating == rating
        )


def test_comment_length_is_limited(app_ctx, world: World):
    event, ada = event_of(world), person(world, "a")
    record_feedback(event, ada, world.requests["ab"], TOOK_PLACE, None, "x" * COMMENT_MAX_LENGTH)
    with pytest.raises(AttendanceError, match="2,000"):
        record_feedback(
            event, ada, world.requests["ab"], TOOK_PLACE, None, "x" * (COMMENT_MAX_LENGTH + 1)
        )


def test_unknown_outcome_is_refused(app_ctx, world: World):
    with pytest.raises(AttendanceError, match="took place"):
        record_feedback(event_of(world), person(world, "a"), world.requests["ab"], "maybe")


def test_only_after_the_meeting_ended(app_ctx, world: World):
    event, ada = event_of(world), person(world, "a")
    with pytest.raises(AttendanceError, match="once it has ended"):
        record_feedback(event, ada, world.requests["ae"], TOOK_PLACE)
    # The same meeting, an hour and a half later.
    later = utcnow() + timedelta(hours=1, minutes=30)
    assert record_feedback(event, ada, world.requests["ae"], TOOK_PLACE, now=later).id


def test_the_slot_end_is_the_boundary(app_ctx, world: World):
    event, ada = event_of(world), person(world, "a")
    meeting = db.session.scalar(
        select(ScheduledMeeting).where(
            ScheduledMeeting.run_id == world.run_id,
            ScheduledMeeting.request_id == world.requests["ae"],
        )
    )
    ends_at = meeting.slot.ends_at
    with pytest.raises(AttendanceError):
        record_feedback(
            event, ada, world.requests["ae"], TOOK_PLACE, now=ends_at - timedelta(seconds=1)
        )
    record_feedback(event, ada, world.requests["ae"], TOOK_PLACE, now=ends_at)


def test_only_the_two_sides(app_ctx, world: World):
    # Eve has a meeting with Ada, but not with Bob.
    with pytest.raises(AttendanceError, match="not on your published agenda"):
        record_feedback(event_of(world), person(world, "e"), world.requests["ab"], TOOK_PLACE)


def test_only_the_published_run(app_ctx, world: World):
    # "be" is placed in the past in the draft only.
    with pytest.raises(AttendanceError, match="not on your published agenda"):
        record_feedback(event_of(world), person(world, "b"), world.requests["be"], TOOK_PLACE)


def test_nothing_before_publication(app_ctx, world: World):
    event = event_of(world)
    event.published_run_id = None
    db.session.flush()
    with pytest.raises(AttendanceError):
        record_feedback(event, person(world, "a"), world.requests["ab"], TOOK_PLACE)


def test_not_a_cancelled_meeting(app_ctx, world: World):
    meeting = db.session.scalar(
        select(ScheduledMeeting).where(
            ScheduledMeeting.run_id == world.run_id,
            ScheduledMeeting.request_id == world.requests["ab"],
        )
    )
    meeting.state = MeetingState.CANCELLED
    db.session.flush()
    with pytest.raises(AttendanceError, match="cancelled"):
        record_feedback(event_of(world), person(world, "a"), world.requests["ab"], TOOK_PLACE)


def test_not_a_meeting_whose_request_was_cancelled(app_ctx, world: World):
    db.session.get(MeetingRequest, world.requests["ac"]).status = RequestStatus.CANCELLED
    db.session.flush()
    with pytest.raises(AttendanceError, match="cancelled"):
        record_feedback(event_of(world), person(world, "a"), world.requests["ac"], TOOK_PLACE)


def test_not_through_another_event(app_ctx, world: World):
    other = make_event()
    stranger = make_participant(other)
    with pytest.raises(AttendanceError):
        record_feedback(other, stranger, world.requests["ab"], TOOK_PLACE)
    # Nor a participant of this event acting through another event's page.
    with pytest.raises(AttendanceError):
        record_feedback(other, person(world, "a"), world.requests["ab"], TOOK_PLACE)


def test_feedback_by_request_is_the_participants_own(app_ctx, world: World):
    event, ada, bob = event_of(world), person(world, "a"), person(world, "b")
    record_feedback(event, ada, world.requests["ab"], TOOK_PLACE, 5, "Ada's note")
    record_feedback(event, ada, world.requests["ac"], NO_SHOW)
    record_feedback(event, bob, world.requests["ab"], TOOK_PLACE, 1, "Bob's note")
    mine = feedback_by_request(ada)
    assert set(mine) == {world.requests["ab"], world.requests["ac"]}
    assert mine[world.requests["ab"]].comment == "Ada's note"
    assert {row.comment for row in feedback_by_request(bob).values()} == {"Bob's note"}
    assert db.session.scalar(select(func.count()).select_from(MeetingFeedback)) == 3
