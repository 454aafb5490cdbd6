"""The editing pages through the client: access, forms, refusals on the page, the audit log."""

from __future__ import annotations

import pytest

from brokerage.extensions import db
from brokerage.scheduling.models import RunState, ScheduleChange, ScheduledMeeting
from tests.conftest import login
from tests.factories import (
    PASSWORD,
    commit,
    make_event,
    make_participant,
    make_schedule_run,
    make_user,
)


def base(ids: dict) -> str:
    return f"/events/{ids['slug']}/manage/schedule"


def edit_url(ids: dict, meeting_id: int | None = None) -> str:
    return f"{base(ids)}/runs/{ids['run_id']}/meetings/{meeting_id or ids['meeting_id']}/edit"


def test_the_run_page_lists_meetings_and_left_out_requests(client, committed):
    login(client, "organiser@example.org", PASSWORD)
    page = client.get(f"{base(committed)}/runs/{committed['run_id']}/meetings")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Ana Marković" in text and "Omar Haddad" in text  # noqa: PT018
    assert f"/add/{committed['left_out_id']}" in text
    searched = client.get(f"{base(committed)}/runs/{committed['run_id']}/meetings?q=omar")
    assert "1 meeting match" in searched.get_data(as_text=True)


def test_move_from_the_page(client, committed):
    login(client, "organiser@example.org", PASSWORD)
    response = client.submit(
        edit_url(committed),
        {"slot": str(committed["slot_ids"][2]), "table": "", "locked": "y"},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Meeting saved." in page
    assert "Locked" in page
    changes = client.get(f"{base(committed)}/changes").get_data(as_text=True)
    assert "Moved Ana Marković and Jürgen Becker from 10:00 (table 1) to 10:50 (table 1)" in changes
    assert "organiser@example.org" in changes


def test_a_clash_is_refused_on_the_page_in_words(client, committed):
    login(client, "organiser@example.org", PASSWORD)
    response = client.submit(
        edit_url(committed, committed["ana_zoe_id"]),
        {"slot": str(committed["slot_ids"][0]), "table": str(committed["table_ids"][1])},
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "The change was not made." in text
    assert "Ana Marković already meets Jürgen Becker at 10:00 (table 1)." in text
    with client.application.app_context():
        meeting = db.session.get(ScheduledMeeting, committed["ana_zoe_id"])
        assert meeting.slot_id == committed["slot_ids"][1]
        assert db.session.query(ScheduleChange).count() == 0


def test_swap_cancel_and_add_from_the_pages(client, committed):
    login(client, "organiser@example.org", PASSWORD)
    swap = client.submit(
        f"{base(committed)}/runs/{committed['run_id']}/meetings/{committed['meeting_id']}/swap",
        {"swap-other": str(committed["ana_zoe_id"])},
        form_url=edit_url(committed),
    )
    assert swap.status_code == 200  # Zoë is busy at 10:00
    assert "Zoë Janssens already meets Omar Haddad at 10:00 (table 2)." in swap.get_data(
        as_text=True
    )
    cancel = client.submit(
        f"{base(committed)}/runs/{committed['run_id']}/meetings/{committed['meeting_id']}/cancel",
        form_url=edit_url(committed),
    )
    assert cancel.status_code == 302
    add_url = f"{base(committed)}/runs/{committed['run_id']}/add/{committed['left_out_id']}"
    added = client.submit(add_url, {"slot": str(committed["slot_ids"][0]), "table": ""})
    assert added.status_code == 302
    with client.application.app_context():
        actions = [change.action for change in db.session.query(ScheduleChange).all()]
    assert sorted(actions) == ["add", "cancel"]


def test_forged_choices_are_field_errors(client, committed):
    login(client, "organiser@example.org", PASSWORD)
    response = client.submit(edit_url(committed), {"slot": "987654", "table": "abc"})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_editing_during_a_run_is_refused_on_the_page(app, client, committed):
    with app.app_context():
        from brokerage.events.models import Event

        make_schedule_run(
            db.session.get(Event, committed["event_id"]),
            state=RunState.RUNNING,
            finished_at=None,
        )
        commit()
    login(client, "organiser@example.org", PASSWORD)
    page = client.get(edit_url(committed)).get_data(as_text=True)
    assert "The scheduler is running; edit when it has finished." in page
    response = client.submit(
        edit_url(committed), {"slot": str(committed["slot_ids"][3]), "table": ""}
    )
    assert "The scheduler is running; edit when it has finished." in response.get_data(as_text=True)


def test_auto_place_toggle(app, client, committed):
    with app.app_context():
        from brokerage.events.models import Event

        event = db.session.get(Event, committed["event_id"])
        event.published_run_id = committed["run_id"]
        commit()
    login(client, "organiser@example.org", PASSWORD)
    meetings_url = f"{base(committed)}/runs/{committed['run_id']}/meetings"
    page = client.get(meetings_url).get_data(as_text=True)
    assert "/manage/schedule?mode=incremental" in page
    assert "1 request waiting for a slot" in page
    response = client.submit(
        f"{base(committed)}/auto-place", {"enabled": "y"}, form_url=meetings_url
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Event, committed["event_id"]).auto_place_late_requests


@pytest.mark.parametrize("who", ["participant", "stranger-organiser"])
def test_others_get_403(app, client, committed, who):
    with app.app_context():
        from brokerage.events.models import Event

        user = make_user(f"{who}@example.org")
        if who == "participant":
            make_participant(db.session.get(Event, committed["event_id"]), user)
        else:
            make_event(organiser=user)
        commit()
    login(client, f"{who}@example.org", PASSWORD)
    for url in (
        f"{base(committed)}/runs/{committed['run_id']}/meetings",
        edit_url(committed),
        f"{base(committed)}/runs/{committed['run_id']}/add/{committed['left_out_id']}",
        f"{base(committed)}/changes",
    ):
        assert client.get(url).status_code == 403
    token = client.csrf_token("/account/password/forgot")
    cancel = (
        f"{base(committed)}/runs/{committed['run_id']}/meetings/{committed['meeting_id']}/cancel"
    )
    assert client.post(cancel, data={"cancel-csrf_token": token}).status_code == 403


def test_anonymous_goes_to_login(client, committed):
    response = client.get(edit_url(committed))
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_ids_of_another_event_or_run_are_404(app, client, committed):
    with app.app_context():
        from brokerage.auth.models import User
        from brokerage.events.models import Event

        organiser = db.session.query(User).filter_by(email="organiser@example.org").one()
        other_event = make_event(organiser=organiser)
        other_run = make_schedule_run(other_event)
        own_second_run = make_schedule_run(db.session.get(Event, committed["event_id"]))
        other = {"slug": other_event.slug, "other_run": other_run.id, "second": own_second_run.id}
        commit()
    login(client, "organiser@example.org", PASSWORD)
    # The run of another event under this event's address.
    assert client.get(f"{base(committed)}/runs/{other['other_run']}/meetings").status_code == 404
    # This run's meeting under another event's address, or under another run of this event.
    assert (
        client.get(
            f"/events/{other['slug']}/manage/schedule/runs/{committed['run_id']}/meetings/"
            f"{committed['meeting_id']}/edit"
        ).status_code
        == 404
    )
    assert (
        client.get(
            f"{base(committed)}/runs/{other['second']}/meetings/{committed['meeting_id']}/edit"
        ).status_code
        == 404
    )
    assert client.get(f"{base(committed)}/runs/{committed['run_id']}/add/987654").status_code == 404
