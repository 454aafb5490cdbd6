"""Registration rules, each with the message the person sees."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from brokerage.db_types import utcnow
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Organisation, Participant, ParticipantStatus
from tests.conftest import login
from tests.factories import PASSWORD, commit, make_event, make_participant, make_user
from tests.registration.helpers import changed, counts, registration_form, the_participant


@pytest.fixture
def event_form(app):
    """An open event (slug "fair") and a valid registration form for it."""
    with app.app_context():
        event = make_event("fair")
        form = registration_form(event)
        commit()
    return form


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_unverified_user_is_told_and_can_resend_the_link(client, app, event_form, mail_outbox):
    with app.app_context():
        make_user("new@example.org", verified=False)
        commit()
    login(client, "new@example.org", PASSWORD)
    page = client.get("/events/fair/register")
    assert page.status_code == 200
    assert "confirm your e-mail address" in _text(page)
    assert "Resend the confirmation link" in _text(page)
    assert "/account/verify/resend" in _text(page)

    response = client.post("/events/fair/register", data=event_form)  # no form page: no token
    assert response.status_code in (400, 403)
    with app.app_context():
        assert counts() == (0, 0)

    resend = client.submit(
        "/account/verify/resend?next=/events/fair/register", form_url="/events/fair/register"
    )
    assert resend.status_code == 302
    assert [mail.to for mail in mail_outbox] == ["new@example.org"]


def test_registering_twice_says_already_registered(client, app, event_form):
    with app.app_context():
        make_user("grace@example.org")
        commit()
    login(client, "grace@example.org", PASSWORD)
    assert client.submit("/events/fair/register", event_form).status_code == 302
    again = client.get("/events/fair/register", follow_redirects=True)
    assert "You are already registered for this event." in _text(again)
    with app.app_context():
        assert counts() == (1, 1)


@pytest.mark.parametrize(
    ("window", "message"),
    [
        (
            {"registration_opens_at": utcnow() + timedelta(days=2)},
            "Registration is not open yet.",
        ),
        (
            {
                "registration_opens_at": utcnow() - timedelta(days=5),
                "registration_closes_at": utcnow() - timedelta(days=1),
            },
            "Registration for this event is closed.",
        ),
    ],
)
def test_outside_the_registration_window(client, app, window, message):
    with app.app_context():
        event = make_event("fair", **window)
        form = registration_form(event)
        make_user("grace@example.org")
        commit()
    login(client, "grace@example.org", PASSWORD)
    page = client.get("/events/fair/register")
    assert message in _text(page)
    response = client.submit("/events/fair/register", form)
    assert response.status_code == 403
    assert message in _text(response)
    with app.app_context():
        assert counts() == (0, 0)


def test_capacity_counts_pending_and_approved(client, app):
    with app.app_context():
        event = make_event("fair", capacity=2)
        make_participant(event, status=ParticipantStatus.PENDING)
        make_participant(event, status=ParticipantStatus.CANCELLED)
        make_participant(event, status=ParticipantStatus.REJECTED)
        form = registration_form(event)
        make_user("first@example.org")
        make_user("second@example.org")
        commit()
    login(client, "first@example.org", PASSWORD)
    assert client.submit("/events/fair/register", form).status_code == 302
    client.submit("/account/logout", form_url="/")

    login(client, "second@example.org", PASSWORD)
    page = client.get("/events/fair/register")
    assert "this event is full" in _text(page)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Participant.id))) == 4


def test_full_event_refuses_a_form_already_open(client, app):
    """Capacity 1: two people open the form; the second to submit is told the event is full."""
    with app.app_context():
        event = make_event("fair", capacity=1)
        form = registration_form(event)
        make_user("first@example.org")
        make_user("second@example.org")
        commit()
    second = app.test_client()
    login(second, "second@example.org", PASSWORD)
    token = second.csrf_token("/events/fair/register")

    login(client, "first@example.org", PASSWORD)
    assert client.submit("/events/fair/register", form).status_code == 302

    response = second.post("/events/fair/register", data={**form, "csrf_token": token})
    assert response.status_code == 403
    assert "event is full" in _text(response)
    with app.app_context():
        assert counts() == (1, 1)


def test_without_approval_the_registration_is_approved_at_once(client, app, mail_outbox):
    with app.app_context():
        event = make_event("fair", requires_approval=False)
        form = registration_form(event)
        make_user("grace@example.org")
        commit()
    login(client, "grace@example.org", PASSWORD)
    assert client.submit("/events/fair/register", form).status_code == 302
    with app.app_context():
        assert the_participant().status is ParticipantStatus.APPROVED
    assert "Your place is confirmed" in mail_outbox[0].text
    assert "Approved" in _text(client.get("/events/fair/registration"))


def test_cancel_then_register_again_reactivates_the_record(client, app, event_form):
    with app.app_context():
        make_user("grace@example.org")
        commit()
    login(client, "grace@example.org", PASSWORD)
    client.submit("/events/fair/register", event_form)
    with app.app_context():
        first_id = the_participant().id

    confirm = client.get("/events/fair/registration/cancel")
    assert "Cancel your registration?" in _text(confirm)
    assert client.get("/events/fair/registration").status_code == 200
    response = client.submit("/events/fair/registration/cancel")
    assert response.status_code == 302
    with app.app_context():
        assert the_participant().status is ParticipantStatus.CANCELLED
    page = client.get("/events/fair/registration")
    assert "Cancelled" in _text(page)
    assert "Register again" in _text(page)
    # A cancelled registration cannot be edited or cancelled twice.
    assert client.get("/events/fair/registration/cancel").status_code == 404

    form_page = client.get("/events/fair/register").get_data(as_text=True)
    assert 'value="Grace"' in form_page  # the old answers are offered again
    assert 'value="Compiler consulting"' in form_page
    assert 'id="terms_accepted" name="terms_accepted" required type="checkbox"' in form_page

    again = client.submit("/events/fair/register", changed(event_form, first_name="Again"))
    assert again.status_code == 302
    with app.app_context():
        participant = the_participant()
        assert participant.id == first_id
        assert participant.status is ParticipantStatus.PENDING
        assert participant.first_name == "Again"
        assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1


def test_rejected_person_cannot_register_again(client, app, event_form):
    with app.app_context():
        user = make_user("grace@example.org")
        event = db.session.scalar(db.select(Event).filter_by(slug="fair"))
        make_participant(event, user, status=ParticipantStatus.REJECTED)
        commit()
    login(client, "grace@example.org", PASSWORD)
    page = client.get("/events/fair/register")
    assert "was declined" in _text(page)
    assert client.submit("/events/fair/register", event_form).status_code == 403


def test_changes_close_at_the_booking_deadline(client, app):
    with app.app_context():
        event = make_event(
            "fair",
            registration_opens_at=utcnow() - timedelta(days=10),
            registration_closes_at=utcnow() - timedelta(days=3),
            booking_deadline=utcnow() - timedelta(hours=1),
        )
        form = registration_form(event)
        user = make_user("grace@example.org")
        make_participant(event, user, first_name="Before")
        commit()
    login(client, "grace@example.org", PASSWORD)
    page = client.get("/events/fair/registration")
    assert "The deadline for changes has passed" in _text(page)
    assert 'name="first_name"' not in _text(page)
    token = client.csrf_token("/events/fair/registration/cancel")
    response = client.post(
        "/events/fair/registration", data={**form, "first_name": "After", "csrf_token": token}
    )
    assert response.status_code == 403
    with app.app_context():
        assert the_participant().first_name == "Before"


def test_without_booking_deadline_changes_are_allowed_until_the_event_ends(app_ctx):
    from brokerage.registration import services

    event = make_event("fair", booking_deadline=None)
    deadline = services.edit_deadline(event)
    assert deadline == services.event_ends_at(event)
    # Midnight after the last day, in Brussels.
    assert event.local(deadline).hour == 0
    assert event.local(deadline).date() == event.end_date + timedelta(days=1)


def test_add_and_remove_opportunity_buttons_work_without_javascript(client, app, event_form):
    with app.app_context():
        make_user("grace@example.org")
        commit()
    login(client, "grace@example.org", PASSWORD)
    added = client.submit("/events/fair/register", {**event_form, "add_opportunity": "1"})
    assert added.status_code == 200
    page = _text(added)
    assert "Opportunity 2" in page
    assert 'name="opportunities-1-title"' in page
    assert 'value="Compiler consulting"' in page  # typed data is kept
    assert "is-invalid" not in page  # nothing was validated yet
    assert re.search(r'<input autofocus [^>]*id="opportunities-1-title"', page)
    with app.app_context():
        assert counts() == (0, 0)

    removed = client.submit("/events/fair/register", {**event_form, "remove_opportunity": "0"})
    assert removed.status_code == 200
    assert "No opportunities yet." in _text(removed)
    with app.app_context():
        assert counts() == (0, 0)


def test_event_page_helper_shows_my_registration(client, app, event_form):
    with app.app_context():
        make_user("grace@example.org")
        commit()
    login(client, "grace@example.org", PASSWORD)
    client.submit("/events/fair/register", event_form)
    with app.test_request_context():
        from flask import render_template_string
        from flask_login import login_user

        login_user(db.session.scalar(db.select(Participant)).user)
        html = render_template_string(
            '{% include "registration/_my_registration.html" %}',
            event=db.session.scalar(db.select(Event)),
        )
    assert "My registration" in html
    assert "Pending" in html
