"""Who may open which registration page."""

from __future__ import annotations

import pytest

from brokerage.extensions import db
from brokerage.registration.models import ParticipantStatus
from tests.conftest import login
from tests.factories import PASSWORD, commit, make_event, make_participant, make_user
from tests.registration.helpers import registration_form


@pytest.fixture
def world(app):
    """Event A with organiser "a-org" and participant "alice"; event B with "b-org" and "bob"."""
    with app.app_context():
        a_org = make_user("a-org@example.org")
        b_org = make_user("b-org@example.org")
        event_a = make_event("a", organiser=a_org)
        event_b = make_event("b", organiser=b_org)
        alice = make_participant(
            event_a, make_user("alice@example.org"), status=ParticipantStatus.PENDING
        )
        bob = make_participant(event_b, make_user("bob@example.org"))
        ids = {"alice": alice.id, "bob": bob.id, "form_a": registration_form(event_a)}
        commit()
    return ids


def _organiser_urls(ids: dict) -> list[str]:
    return [
        "/events/a/manage/participants",
        "/events/a/manage/participants.csv",
        f"/events/a/manage/participants/{ids['alice']}/edit",
    ]


def test_anonymous_is_sent_to_the_login_page(client, world):
    for url in [
        "/events/a/register",
        "/events/a/registration",
        "/events/a/registration/cancel",
        *_organiser_urls(world),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/account/login" in response.headers["Location"], url


def test_participant_cannot_open_organiser_pages(client, world):
    login(client, "alice@example.org", PASSWORD)
    for url in _organiser_urls(world):
        assert client.get(url).status_code == 403, url
    token = client.csrf_token("/events/a/registration")
    response = client.post(
        f"/events/a/manage/participants/{world['alice']}/approve", data={"csrf_token": token}
    )
    assert response.status_code == 403
    response = client.post(
        f"/events/a/manage/participants/{world['alice']}/edit",
        data={**world["form_a"], "first_name": "Self-approved", "csrf_token": token},
    )
    assert response.status_code == 403


def test_participant_edits_only_their_own_registration(client, app, world):
    login(client, "bob@example.org", PASSWORD)
    # Bob has no registration for A: the page sends him to register, never shows Alice's.
    response = client.get("/events/a/registration")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/events/a/register")
    # Cancel has nothing to act on.
    assert client.get("/events/a/registration/cancel").status_code == 404


def test_organiser_of_one_event_cannot_manage_another(client, world):
    login(client, "a-org@example.org", PASSWORD)
    assert client.get("/events/a/manage/participants").status_code == 200
    assert client.get("/events/b/manage/participants").status_code == 403
    assert client.get("/events/b/manage/participants.csv").status_code == 403
    assert client.get(f"/events/b/manage/participants/{world['bob']}/edit").status_code == 403


def test_participant_id_of_another_event_is_a_404(client, app, world):
    login(client, "a-org@example.org", PASSWORD)
    assert client.get(f"/events/a/manage/participants/{world['bob']}/edit").status_code == 404
    assert client.get("/events/a/manage/participants/999999/edit").status_code == 404
    response = client.submit(
        f"/events/a/manage/participants/{world['bob']}/reject",
        form_url="/events/a/manage/participants",
    )
    assert response.status_code == 404
    with app.app_context():
        from brokerage.registration.models import Participant

        assert db.session.get(Participant, world["bob"]).status is ParticipantStatus.APPROVED


def test_decisions_need_post_and_csrf(client, app, world):
    login(client, "a-org@example.org", PASSWORD)
    url = f"/events/a/manage/participants/{world['alice']}/approve"
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 400
    with app.app_context():
        from brokerage.registration.models import Participant

        assert db.session.get(Participant, world["alice"]).status is ParticipantStatus.PENDING


def test_admin_may_manage_any_event(client, world):
    with client.application.app_context():
        make_user("admin@example.org", is_admin=True)
        commit()
    login(client, "admin@example.org", PASSWORD)
    assert client.get("/events/b/manage/participants").status_code == 200


def test_organiser_edits_on_behalf_and_decides_with_mail(client, app, world, mail_outbox):
    login(client, "a-org@example.org", PASSWORD)
    url = f"/events/a/manage/participants/{world['alice']}/edit"
    page = client.get(url)
    assert page.status_code == 200
    assert "on the participant" in page.get_data(as_text=True)
    response = client.submit(url, {**world["form_a"], "first_name": "Alicia"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    reject = client.submit(
        f"/events/a/manage/participants/{world['alice']}/reject",
        form_url="/events/a/manage/participants",
    )
    assert reject.status_code == 302
    assert [mail.to for mail in mail_outbox] == ["alice@example.org"]
    assert "could not accept" in mail_outbox[0].text
    with app.app_context():
        from brokerage.registration.models import Participant

        alice = db.session.get(Participant, world["alice"])
        assert alice.first_name == "Alicia"
        assert alice.status is ParticipantStatus.REJECTED
        assert alice.decided_by.email == "a-org@example.org"
    # Rejecting twice is refused with a message, and sends nothing.
    again = client.submit(
        f"/events/a/manage/participants/{world['alice']}/reject",
        form_url="/events/a/manage/participants",
        follow_redirects=True,
    )
    assert "already rejected" in again.get_data(as_text=True)
    assert len(mail_outbox) == 1
