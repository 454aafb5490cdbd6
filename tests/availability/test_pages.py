"""The availability pages: what people see, what they may change, and forged input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from brokerage.availability import services
from brokerage.availability.models import SessionAbsence, SlotBlock
from brokerage.db_types import utcnow
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Participant
from tests.availability.helpers import meeting_request
from tests.conftest import login
from tests.factories import PASSWORD, commit, make_participant

MINE = "/events/a/availability"


def _manage(participant_id: int, slug: str = "a") -> str:
    return f"/events/{slug}/manage/participants/{participant_id}/availability"


def _rows() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(SessionAbsence)),
        db.session.scalar(select(func.count()).select_from(SlotBlock)),
    )


def _available(app, participant_id: int) -> set[int]:
    with app.app_context():
        return services.available_slot_ids(db.session.get(Participant, participant_id))


def _text(response) -> str:
    return " ".join(response.get_data(as_text=True).split())


# --- access --------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client, world):
    for url in (MINE, _manage(world.alice_id)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/account/login" in response.headers["Location"], url


@pytest.mark.parametrize(
    "email",
    ["plain@example.org", "bob@example.org", "carl@example.org", "rita@example.org"],
)
def test_only_pending_or_approved_participants_have_a_page(client, world, email):
    login(client, email, PASSWORD)
    response = client.get(MINE)
    assert response.status_code == 403
    assert "Only registered participants" in response.get_data(as_text=True)


@pytest.mark.parametrize("email", ["alice@example.org", "pia@example.org"])
def test_pending_and_approved_participants_see_their_page(client, world, email):
    login(client, email, PASSWORD)
    response = client.get(MINE)
    assert response.status_code == 200
    page = _text(response)
    assert "You are available for 6 of 6 slots; you have 0 accepted meetings." in page
    # The event's nav links to the page.
    assert 'href="/events/a/availability"' in page


def test_participants_cannot_use_the_organiser_page(client, world):
    login(client, "alice@example.org", PASSWORD)
    assert client.get(_manage(world.alice_id)).status_code == 403
    token = client.csrf_token(MINE)
    response = client.post(_manage(world.alice_id), data={"csrf_token": token})
    assert response.status_code == 403


def test_organiser_of_another_event_is_refused(client, world):
    login(client, "b-org@example.org", PASSWORD)
    assert client.get(_manage(world.alice_id)).status_code == 403
    # Their own event's page does not open a participant of "a" either.
    assert client.get(_manage(world.alice_id, slug="b")).status_code == 404
    assert client.get(_manage(world.bob_id, slug="b")).status_code == 200


def test_organiser_page_for_a_participant_of_another_event_is_404(client, world):
    login(client, "a-org@example.org", PASSWORD)
    assert client.get(_manage(world.bob_id)).status_code == 404
    assert client.get(_manage(987_654)).status_code == 404
    token = client.csrf_token(_manage(world.alice_id))
    response = client.post(_manage(world.bob_id), data={"csrf_token": token, "block": "1"})
    assert response.status_code == 404


# --- participant ---------------------------------------------------------------------------


def test_participant_skips_a_session_and_blocks_a_slot(client, app, world):
    login(client, "alice@example.org", PASSWORD)
    page = _text(client.get(MINE))
    assert "I attend this session" in page
    assert "09:25–09:45" in page  # Europe/Brussels local times
    with app.app_context():
        first_day = db.session.scalar(select(Event).where(Event.slug == "a")).start_date
    assert f"{first_day:%A %d %B %Y}</h2>" in page
    morning, afternoon = world.session_ids
    response = client.submit(
        MINE, {"attend": [str(morning)], "block": [str(world.slot_ids[1])]}, follow_redirects=True
    )
    assert response.status_code == 200
    page = _text(response)
    assert "Your availability is saved." in page
    assert "You are available for 3 of 6 slots; you have 0 accepted meetings." in page
    assert _available(app, world.alice_id) == {world.slot_ids[i] for i in (0, 2, 3)}
    # The form shows the saved choice.
    assert f'data-attend-target="slots-{afternoon}">' in page  # not checked
    assert f'id="attend-{morning}" data-attend-target="slots-{morning}" checked' in page
    assert f'id="block-{world.slot_ids[1]}" checked' in page


def test_unticking_everything_means_no_session_attended(client, app, world):
    login(client, "alice@example.org", PASSWORD)
    response = client.submit(MINE, {})
    assert response.status_code == 302
    assert _available(app, world.alice_id) == set()


def test_summary_warns_when_accepted_meetings_do_not_fit(client, app, world):
    with app.app_context():
        alice = db.session.get(Participant, world.alice_id)
        for _ in range(3):
            meeting_request(make_participant(alice.event), alice)
        commit()
    login(client, "alice@example.org", PASSWORD)
    client.submit(MINE, {"attend": [str(world.session_ids[1])], "block": []})
    page = _text(client.get(MINE))
    assert "You are available for 2 of 6 slots; you have 3 accepted meetings." in page
    assert (
        "You have 3 accepted meetings but only 2 available slots: some cannot be scheduled." in page
    )


@pytest.mark.parametrize(
    "forged",
    [
        {"attend": "other_session"},
        {"block": "other_slot"},
        {"attend": "987654"},
        {"block": "99999999999999999999999"},
    ],
)
def test_ids_of_another_event_are_a_400_and_nothing_is_saved(client, app, world, forged):
    login(client, "alice@example.org", PASSWORD)
    client.submit(MINE, {"attend": [str(world.session_ids[0])], "block": []})
    with app.app_context():
        before = _rows()
    values = {"other_session": world.other_session_id, "other_slot": world.other_slot_id}
    data = {"attend": [str(world.session_ids[1])], "block": [str(world.slot_ids[0])]}
    for name, value in forged.items():
        data[name] = [*data[name], str(values.get(value, value))]
    response = client.submit(MINE, data)
    assert response.status_code == 400
    assert "does not belong to this event" in response.get_data(as_text=True)
    with app.app_context():
        assert _rows() == before


@pytest.mark.parametrize("junk", ["abc", "-1", "", "1.5", "٣"])
def test_values_that_are_not_ids_are_a_400(client, app, world, junk):
    login(client, "alice@example.org", PASSWORD)
    response = client.submit(MINE, {"attend": [str(world.session_ids[0]), junk]})
    assert response.status_code == 400
    assert _available(app, world.alice_id) == set(world.slot_ids)


def test_after_the_deadline_the_page_is_read_only(client, app, world):
    with app.app_context():
        db.session.scalar(select(Event).where(Event.slug == "a")).booking_deadline = (
            utcnow() - timedelta(hours=1)
        )
        commit()
    login(client, "alice@example.org", PASSWORD)
    response = client.get(MINE)
    page = _text(response)
    assert response.status_code == 200
    assert "The deadline for changes has passed" in page
    assert 'name="attend"' not in page
    assert "Attending" in page
    assert "You are available for 6 of 6 slots" in page
    token = client.csrf_token("/events/a/registration")
    response = client.post(MINE, data={"csrf_token": token})
    assert response.status_code == 403
    assert _available(app, world.alice_id) == set(world.slot_ids)


def test_registration_page_links_to_availability(client, world):
    login(client, "alice@example.org", PASSWORD)
    assert 'href="/events/a/availability"' in client.get("/events/a/registration").get_data(
        as_text=True
    )


# --- organiser -----------------------------------------------------------------------------


def test_organiser_edits_for_a_participant_any_time(client, app, world):
    with app.app_context():
        db.session.scalar(select(Event).where(Event.slug == "a")).booking_deadline = (
            utcnow() - timedelta(hours=1)
        )
        commit()
    login(client, "a-org@example.org", PASSWORD)
    edit_page = client.get(f"/events/a/manage/participants/{world.alice_id}/edit")
    assert _manage(world.alice_id) in edit_page.get_data(as_text=True)
    page = _text(client.get(_manage(world.alice_id)))
    assert "Availability of Alice" in page
    assert "is available for 6 of 6 slots and has 0 accepted meetings." in page
    response = client.submit(
        _manage(world.alice_id),
        {"attend": [str(world.session_ids[0])], "block": [str(world.slot_ids[0])]},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "is saved" in _text(response)
    assert _available(app, world.alice_id) == set(world.slot_ids[1:4])


def test_organiser_forged_ids_are_a_400(client, app, world):
    login(client, "a-org@example.org", PASSWORD)
    response = client.submit(_manage(world.alice_id), {"block": [str(world.other_slot_id)]})
    assert response.status_code == 400
    with app.app_context():
        assert _rows() == (0, 0)


def test_an_event_without_sessions_says_so(client, app, world):
    login(client, "bob@example.org", PASSWORD)
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == "b"))
        event.sessions.clear()
        commit()
    page = _text(client.get("/events/b/availability"))
    assert "have not set up the meeting sessions yet" in page
    assert "You are available for 0 of 0 slots" in page
