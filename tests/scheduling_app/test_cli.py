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
