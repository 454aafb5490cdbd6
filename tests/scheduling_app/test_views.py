"""The organiser's schedule pages: readiness, starting a run, progress, cancel, access."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from brokerage.availability.models import SlotBlock
from brokerage.extensions import db
from brokerage.scheduling import jobs
from brokerage.scheduling.models import RunState, ScheduleRun
from tests.conftest import BrowserClient, login
from tests.factories import PASSWORD, commit, make_event, make_participant, make_user
from tests.scheduling_app.world import World, make_world


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        made = make_world()
        commit()
        # Loaded now, so the test can read ids and names outside an app context.
        for row in (made.event, made.organiser, made.alice, made.bob, made.carol, *made.slots):
            db.session.refresh(row)
        db.session.expunge_all()
        return made


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Runs handed to the background, recorded instead of run (tests of the jobs run them)."""
    started: list[int] = []
    monkeypatch.setattr(jobs, "enqueue_run", lambda run: started.append(run.id))
    return started


def _url(world: World, rest: str = "") -> str:
    return f"/events/{world.event.slug}/manage/schedule{rest}"


def _runs(app: Flask) -> list[ScheduleRun]:
    with app.app_context():
        return list(db.session.scalars(select(ScheduleRun).order_by(ScheduleRun.id)))


def test_readiness_figures_and_warnings(app: Flask, client: BrowserClient, world: World) -> None:
    with app.app_context():
        # Carol can now meet in one slot only, but has two accepted meetings.
        db.session.add(SlotBlock(participant_id=world.carol.id, slot_id=world.slots[1].id))
        commit()
    login(client, world.organiser.email, PASSWORD)
    page = client.get(_url(world)).get_data(as_text=True)
    assert "Accepted requests to schedule" in page
    assert "6 meetings (2 tables × 3 slots) for 3 requested" in page
    assert "1 participant has more accepted meetings than available slots" in page
    assert "Carol Cooper" in page
    assert "2 accepted requests involve a participant who is not approved" in page
    assert "No runs yet." in page


def test_run_starts_in_the_background_and_shows_progress(
    app: Flask, client: BrowserClient, world: World, enqueued: list[int]
) -> None:
    login(client, world.organiser.email, PASSWORD)
    response = client.submit(_url(world), {"time_limit": "30", "mode": "full"})
    [run] = _runs(app)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(_url(world, f"/runs/{run.id}"))
    assert enqueued == [run.id]
    assert run.state is RunState.QUEUED
    assert run.options["time_limit"] == 30
    assert run.created_by_id == world.organiser.id

    page = client.get(_url(world, f"/runs/{run.id}")).get_data(as_text=True)
    assert 'role="progressbar"' in page
    assert 'aria-valuenow="0"' in page
    assert "schedule-progress.js" in page
    assert '<noscript><meta http-equiv="refresh"' in page
    assert "Cancel and keep the best schedule" in page

    data = client.get(_url(world, f"/runs/{run.id}/progress.json")).get_json()
    assert data["state"] == "queued"
    assert data["active"] is True
    assert data["time_limit"] == 30
    assert data["review_url"] is None

    # A second press while it is queued: refused with who started it, still one run.
    page = client.submit(_url(world), {"time_limit": "30", "mode": "full"})
    assert page.status_code == 200
    assert "A run is already in progress (started by" in page.get_data(as_text=True)
    assert len(_runs(app)) == 1


def test_finished_run_links_to_review(
    app: Flask, client: BrowserClient, world: World, enqueued: list[int]
) -> None:
    login(client, world.organiser.email, PASSWORD)
    client.submit(_url(world), {"time_limit": "5", "mode": "full"})
    [run] = _runs(app)
    with app.app_context():
        jobs.execute_run(run.id)
    data = client.get(_url(world, f"/runs/{run.id}/progress.json")).get_json()
    assert data["state"] == "finished"
    assert data["scheduled"] == 3
    assert data["percent"] == 100
    review = _url(world, f"/runs/{run.id}/review")
    assert data["review_url"] == review
    page = client.get(_url(world, f"/runs/{run.id}")).get_data(as_text=True)
    assert review in page
    assert "Built the problem" in page
    assert "schedule-progress.js" not in page
    listing = client.get(_url(world)).get_data(as_text=True)
    assert "3 / 3" in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"time_limit": "2", "mode": "full"}, "Number must be between 5 and 3600"),
        ({"time_limit": "abc", "mode": "full"}, "Not a valid integer value"),
        ({"time_limit": "60", "mode": "sideways"}, "Not a valid choice"),
        ({"time_limit": "60", "mode": "full", "fairness_cap": "-1"}, "between 0 and 100"),
        ({"time_limit": "60", "mode": "incremental"}, "none is published yet"),
    ],
)
def test_bad_options_are_refused(
    app: Flask, client: BrowserClient, world: World, enqueued: list[int], data, message
) -> None:
    login(client, world.organiser.email, PASSWORD)
    response = client.submit(_url(world), data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _runs(app) == []
    assert enqueued == []


def test_cancel(app: Flask, client: BrowserClient, world: World, enqueued: list[int]) -> None:
    login(client, world.organiser.email, PASSWORD)
    client.submit(_url(world), {"time_limit": "30", "mode": "full"})
    [run] = _runs(app)
    with app.app_context():
        db.session.get(ScheduleRun, run.id).state = RunState.RUNNING
        commit()
    run_url = _url(world, f"/runs/{run.id}")
    response = client.submit(f"{run_url}/cancel", form_url=run_url)
    assert response.status_code == 302
    [run] = _runs(app)
    assert run.cancel_requested
    assert client.post(f"{run_url}/cancel").status_code == 400  # no CSRF token


def test_access(app: Flask, client: BrowserClient, world: World, enqueued: list[int]) -> None:
    with app.app_context():
        run = ScheduleRun(event_id=world.event.id, state=RunState.FINISHED)
        db.session.add(run)
        member = make_user("member-of-known@example.org")
        make_participant(db.session.merge(world.event), member)
        rival = make_user("rival@example.org")
        other = make_event("other-event", organiser=rival)
        other_run = ScheduleRun(event_id=other.id, state=RunState.FINISHED)
        db.session.add(other_run)
        commit()
        run_id, other_run_id = run.id, other_run.id
        member_email, rival_email, other_slug = member.email, rival.email, other.slug
    urls = [
        _url(world),
        _url(world, f"/runs/{run_id}"),
        _url(world, f"/runs/{run_id}/progress.json"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert "/account/login" in response.headers["Location"]
    for email in (member_email, rival_email):
        login(client, email, PASSWORD)
        for url in urls:
            assert client.get(url).status_code == 403, (email, url)
        token = client.csrf_token(f"/events/{other_slug}")
        cancel = client.post(_url(world, f"/runs/{run_id}/cancel"), data={"csrf_token": token})
        assert cancel.status_code == 403
        assert client.post(_url(world), data={"csrf_token": token}).status_code == 403
        client.post("/account/logout", data={"csrf_token": token})
    login(client, world.organiser.email, PASSWORD)
    # A run of another event, through this event's URL: not found.
    assert client.get(_url(world, f"/runs/{other_run_id}")).status_code == 404
    assert client.get(_url(world, f"/runs/{other_run_id}/progress.json")).status_code == 404
    assert client.get(_url(world, "/runs/987654")).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(ScheduleRun.id))) == 2
