"""`flask schedule SLUG`: the same services, synchronously, in a terminal."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from brokerage.extensions import db
from brokerage.scheduling.models import RunState, ScheduleRun
from tests.factories import commit
from tests.scheduling_app.world import make_world


def _invoke(app: Flask, args: list[str]):
    # As `flask` does: the command runs inside an application context.
    with app.app_context():
        return app.test_cli_runner().invoke(args=args)


def _world(app: Flask) -> str:
    with app.app_context():
        world = make_world()
        commit()
        return world.event.slug


def test_schedule_prints_progress_and_figures(app: Flask) -> None:
    slug = _world(app)
    result = _invoke(app, ["schedule", slug, "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    assert "Built the problem" in result.output
    assert "3 of 3 meetings scheduled, weight 8 of 8" in result.output
    with app.app_context():
        run = db.session.scalar(select(ScheduleRun))
        assert run.state is RunState.FINISHED
        assert run.created_by_id is None
        assert len(run.meetings) == 3


def test_schedule_and_publish(app: Flask, mail_outbox) -> None:
    slug = _world(app)
    result = _invoke(app, ["schedule", slug, "--time-limit", "5", "--publish"])
    assert result.exit_code == 0, result.output
    assert "Published run #" in result.output
    with app.app_context():
        run = db.session.scalar(select(ScheduleRun))
        assert run.event.published_run_id == run.id
    assert mail_outbox


def test_schedule_refusals(app: Flask) -> None:
    slug = _world(app)
    result = _invoke(app, ["schedule", "no-such-event"])
    assert result.exit_code != 0
    assert "no event 'no-such-event'" in result.output
    result = _invoke(app, ["schedule", slug, "--time-limit", "1"])
    assert result.exit_code == 1
    assert "Choose a time limit from 5 to 3600 seconds" in result.output
    result = _invoke(app, ["schedule", slug, "--mode", "incremental"])
    assert result.exit_code == 1
    assert "none is published yet" in result.output
    with app.app_context():
        assert db.session.scalars(select(ScheduleRun)).all() == []


def test_a_late_request_is_placed_incrementally_around_the_published_schedule(
    app: Flask, mail_outbox
) -> None:
    """Publish, accept a request afterwards, run incrementally: the published meetings stay."""
    from brokerage.meetings.models import RequestStatus
    from brokerage.meetings.services import accept_request
    from brokerage.registration.models import Participant
    from tests.factories import make_meeting_request, make_participant

    slug = _world(app)
    first = _invoke(app, ["schedule", slug, "--time-limit", "5", "--publish"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        world_event = db.session.scalar(select(ScheduleRun)).event
        published = {
            m.request_id: m.slot_id for m in db.session.scalar(select(ScheduleRun)).meetings
        }
        dave = db.session.scalar(
            select(Participant).where(
                Participant.event_id == world_event.id, Participant.first_name == "Dave"
            )
        )
        erin = make_participant(world_event, first_name="Erin", last_name="Evans")
        late = make_meeting_request(dave, erin)
        accept_request(late, erin)
        commit()
        late_id = late.id
        assert late.status is RequestStatus.ACCEPTED
    mail_outbox.clear()

    second = _invoke(
        app, ["schedule", slug, "--mode", "incremental", "--time-limit", "5", "--publish"]
    )
    assert second.exit_code == 0, second.output
    with app.app_context():
        runs = db.session.scalars(select(ScheduleRun).order_by(ScheduleRun.id)).all()
        assert len(runs) == 2
        latest = runs[-1]
        assert latest.event.published_run_id == latest.id
        placed = {m.request_id: m.slot_id for m in latest.meetings}
        assert late_id in placed
        assert {request_id: placed[request_id] for request_id in published} == published
        tables = {m.request_id: m.table_id for m in latest.meetings}
        first_tables = {m.request_id: m.table_id for m in runs[0].meetings}
        # Published meetings keep their tables too: agendas and table signs stay right.
        assert {request_id: tables[request_id] for request_id in first_tables} == first_tables
    # Only the two people whose agenda changed hear about the new publication.
    assert len(mail_outbox) == 2
    assert all("Erin" in mail.text and "Dave" in mail.text for mail in mail_outbox)
