"""The pages, through the client: sending, answering, access and tampering, the organiser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from brokerage.db_types import utcnow
from brokerage.events import services as events
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest, RequestPriority, RequestStatus
from brokerage.registration.models import Participant
from tests.factories import commit, make_event, make_meeting_request, make_participant
from tests.meetings.conftest import logged_in


def _requests(app) -> list[tuple[int, int, RequestStatus, bool]]:
    with app.app_context():
        return [
            (r.sender_id, r.recipient_id, r.status, r.mutual)
            for r in db.session.scalars(select(MeetingRequest).order_by(MeetingRequest.id))
        ]


def test_send_accept_flow_with_mail_links(app, world, mail_outbox):
    alice = logged_in(app, "alice@example.org")
    url = f"/events/{world.slug}/requests/new/{world.bob}"
    page = alice.get(url)
    assert page.status_code == 200
    assert "Request a meeting with Bob" in page.get_data(as_text=True)
    response = alice.submit(url, {"message": "We make sensors.", "priority": "must_meet"})
    assert response.status_code == 302
    assert response.location.endswith("/requests/sent")
    assert _requests(app) == [(world.alice, world.bob, RequestStatus.PENDING, False)]
    received = mail_outbox[-1]
    assert received.to == "bob@example.org"
    assert "We make sensors." in received.text
    with app.app_context():
        request_id = db.session.scalar(select(MeetingRequest.id))
    assert f"/events/{world.slug}/requests/{request_id}" in received.text

    bob = logged_in(app, "bob@example.org")
    inbox = bob.get(f"/events/{world.slug}/requests").get_data(as_text=True)
    assert "From Alice" in inbox
    assert "Must meet" in inbox
    accept = f"/events/{world.slug}/requests/{request_id}/accept"
    show = f"/events/{world.slug}/requests/{request_id}"
    assert bob.submit(accept, form_url=show).status_code == 302
    assert _requests(app)[0][2] is RequestStatus.ACCEPTED
    assert mail_outbox[-1].to == "alice@example.org"
    # Repeating the POST, or declining now, is a clear 400 and changes nothing.
    again = bob.submit(accept, form_url=show)
    assert again.status_code == 400
    assert "already accepted" in again.get_data(as_text=True)
    decline = bob.submit(f"/events/{world.slug}/requests/{request_id}/decline", form_url=show)
    assert decline.status_code == 400
    assert _requests(app)[0][2] is RequestStatus.ACCEPTED


def test_requesting_back_makes_it_mutual(app, world):
    alice = logged_in(app, "alice@example.org")
    alice.submit(f"/events/{world.slug}/requests/new/{world.bob}", {"priority": "normal"})
    bob = logged_in(app, "bob@example.org")
    url = f"/events/{world.slug}/requests/new/{world.alice}"
    assert "Sending a request accepts theirs" in bob.get(url).get_data(as_text=True)
    response = bob.submit(url, {"priority": "normal", "message": "Likewise"})
    assert response.status_code == 302
    assert _requests(app) == [(world.alice, world.bob, RequestStatus.ACCEPTED, True)]
    # Asking again is refused with a message and creates nothing.
    again = bob.submit(url, {"priority": "normal"})
    assert again.status_code == 400
    assert "already have an accepted meeting" in again.get_data(as_text=True)
    assert len(_requests(app)) == 1


def test_form_errors_and_rules(app, world):
    alice = logged_in(app, "alice@example.org")
    url = f"/events/{world.slug}/requests/new/{world.bob}"
    too_long = alice.submit(url, {"priority": "normal", "message": "x" * 1001})
    assert too_long.status_code == 200
    assert "1000" in too_long.get_data(as_text=True)
    bad_priority = alice.submit(url, {"priority": "urgent"})
    assert bad_priority.status_code == 200
    to_self = alice.get(f"/events/{world.slug}/requests/new/{world.alice}")
    assert "yourself" in to_self.get_data(as_text=True)
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        event.booking_deadline = utcnow() - timedelta(minutes=1)
        commit()
    late = alice.submit(url, {"priority": "normal"}, form_url=url)
    assert late.status_code == 403
    assert "deadline" in late.get_data(as_text=True)
    assert _requests(app) == []


def test_limit_message(app, world):
    with app.app_context():
        db.session.get(Event, world.event_id).max_requests_per_participant = 1
        commit()
    alice = logged_in(app, "alice@example.org")
    alice.submit(f"/events/{world.slug}/requests/new/{world.bob}", {"priority": "normal"})
    url = f"/events/{world.slug}/requests/new/{world.carol}"
    assert "used 1 of your 1" in alice.get(url).get_data(as_text=True)
    refused = alice.submit(url, {"priority": "normal"})
    assert refused.status_code == 403
    assert "limit of 1" in refused.get_data(as_text=True)
    assert len(_requests(app)) == 1


def test_access_and_tampering(app, client, world):
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        participants = {p.id: p for p in db.session.scalars(select(Participant))}
        request = make_meeting_request(participants[world.alice], participants[world.bob])
        other_event = make_event()
        stranger = make_participant(other_event)
        commit()
        request_id, slug, other_slug, stranger_id = (
            request.id,
            event.slug,
            other_event.slug,
            stranger.id,
        )
    # Anonymous: to the login page.
    for path in (f"/events/{slug}/requests", f"/events/{slug}/requests/new/{world.bob}"):
        assert client.get(path).status_code == 302
    carol = logged_in(app, "carol@example.org")
    show = f"/events/{slug}/requests/{request_id}"
    assert carol.get(show).status_code == 404  # not hers: not even revealed
    token_page = f"/events/{slug}/settings"
    for action in ("accept", "decline", "cancel"):
        response = carol.submit(f"{show}/{action}", form_url=token_page)
        assert response.status_code == 404
    # Alice cannot accept on Bob's behalf.
    alice = logged_in(app, "alice@example.org")
    assert alice.submit(f"{show}/accept", form_url=show).status_code == 403
    # Another event's slug, participants from another event, forged ids.
    assert (
        alice.submit(
            f"/events/{other_slug}/requests/{request_id}/accept", form_url=show
        ).status_code
        == 403
    )
    assert alice.get(f"/events/{slug}/requests/new/{stranger_id}").status_code == 404
    assert alice.get(f"/events/{slug}/requests/987654").status_code == 404
    # No CSRF token: 400.
    assert alice.post(f"{show}/cancel").status_code == 400
    assert _requests(app)[0][2] is RequestStatus.PENDING
    # The sender withdraws; the organiser sees it read-only.
    assert alice.submit(f"{show}/cancel", form_url=show).status_code == 302
    assert _requests(app)[0][2] is RequestStatus.CANCELLED
    organiser = logged_in(app, "organiser@example.org")
    assert organiser.get(show).status_code == 200


def test_settings(app, world):
    bob = logged_in(app, "bob@example.org")
    url = f"/events/{world.slug}/settings"
    response = bob.submit(url, {"auto_accept_requests": "y", "essential_emails_only": "y"})
    assert response.status_code == 302
    with app.app_context():
        me = db.session.get(Participant, world.bob)
        assert me.auto_accept_requests
        assert me.essential_emails_only
    alice = logged_in(app, "alice@example.org")
    alice.submit(f"/events/{world.slug}/requests/new/{world.bob}", {"priority": "normal"})
    assert _requests(app)[0][2] is RequestStatus.ACCEPTED


def test_organiser_list_figures_and_arranging(app, world, mail_outbox):
    alice = logged_in(app, "alice@example.org")
    assert alice.get(f"/events/{world.slug}/manage/requests").status_code == 403
    organiser = logged_in(app, "organiser@example.org")
    url = f"/events/{world.slug}/manage/requests/new"
    same = organiser.submit(
        url, {"first": world.alice, "second": world.alice, "priority": "normal"}
    )
    assert same.status_code == 200
    assert "two different" in same.get_data(as_text=True)
    forged = organiser.submit(url, {"first": world.alice, "second": 987654, "priority": "normal"})
    assert forged.status_code == 200  # not a choice: a field error
    response = organiser.submit(
        url,
        {"first": world.alice, "second": world.carol, "priority": "must_meet", "message": "VIP"},
    )
    assert response.status_code == 302
    assert {mail.to for mail in mail_outbox[-2:]} == {"alice@example.org", "carol@example.org"}
    with app.app_context():
        request = db.session.scalar(select(MeetingRequest))
        assert request.priority is RequestPriority.MUST_MEET
        assert request.created_by_organiser_id
    listing = organiser.get(f"/events/{world.slug}/manage/requests?status=accepted").get_data(
        as_text=True
    )
    assert "Arranged by the organisers" in listing
    assert "1 request found" in listing
    assert "0 requests found" in organiser.get(
        f"/events/{world.slug}/manage/requests?status=pending"
    ).get_data(as_text=True)
    figures = organiser.get(f"/events/{world.slug}/manage/requests?view=participants")
    assert figures.status_code == 200
    assert "Acceptance rate" in figures.get_data(as_text=True)
    junk = organiser.get(f"/events/{world.slug}/manage/requests?status=bogus&participant=abc")
    assert junk.status_code == 200


def test_cli_remind_and_expire(app, world):
    with app.app_context():
        participants = {p.id: p for p in db.session.scalars(select(Participant))}
        event = db.session.get(Event, world.event_id)
        event.request_expiry_days = 2
        make_meeting_request(
            participants[world.alice],
            participants[world.bob],
            created_at=utcnow() - timedelta(days=1, hours=1),
        )
        make_meeting_request(
            participants[world.carol],
            participants[world.bob],
            created_at=utcnow() - timedelta(days=3),
        )
        commit()
    runner = app.test_cli_runner()
    with app.app_context():
        assert "Expired 1 meeting request." in runner.invoke(args=["expire"]).output
        assert "Expired 0 meeting requests." in runner.invoke(args=["expire"]).output
        assert "Sent 1 reminder." in runner.invoke(args=["remind"]).output
        assert "Sent 0 reminders." in runner.invoke(args=["remind"]).output
        counts = db.session.execute(
            select(MeetingRequest.status, func.count()).group_by(MeetingRequest.status)
        ).all()
    assert dict(counts) == {RequestStatus.PENDING: 1, RequestStatus.EXPIRED: 1}


def test_event_settings_hold_the_request_limit_and_expiry(app, world):
    organiser = logged_in(app, "organiser@example.org")
    page = organiser.get(f"/events/{world.slug}/manage/settings").get_data(as_text=True)
    assert "Maximum meeting requests per participant" in page
    assert "Pending requests expire after (days)" in page
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        events.update_event(event, max_requests_per_participant=5, request_expiry_days=3)
        assert (event.max_requests_per_participant, event.request_expiry_days) == (5, 3)
        with pytest.raises(events.EventSetupError) as refused:
            events.update_event(event, request_expiry_days=0)
        assert refused.value.field == "request_expiry_days"
        db.session.rollback()
