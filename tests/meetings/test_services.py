"""The request rules, called as services (the views are tested in test_views.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brokerage.db_types import utcnow
from brokerage.extensions import db
from brokerage.mail import outbox
from brokerage.meetings import services
from brokerage.meetings.models import MeetingRequest, RequestPriority, RequestStatus
from brokerage.registration.models import ParticipantStatus
from tests.factories import make_event, make_meeting_request, make_participant, make_user


@pytest.fixture
def people(app_ctx):
    event = make_event()
    return event, [make_participant(event, first_name=name) for name in ("Ann", "Ben", "Cat")]


def _mails_to(participant):
    """Delivered and still queued (sent at commit) messages to the participant."""
    queued = db.session().info.get("brokerage_pending_mail", [])
    return [mail for mail in [*outbox(), *queued] if mail.to == participant.user.email]


def test_send_then_accept(people):
    event, (ann, ben, _) = people
    outcome = services.send_request(ann, ben, "Let us talk", RequestPriority.MUST_MEET)
    assert outcome.kind == "sent"
    request = outcome.request
    assert (request.status, request.priority, request.mutual) == (
        RequestStatus.PENDING,
        RequestPriority.MUST_MEET,
        False,
    )
    assert services.request_status_between(event, [ben.id, ann.id], ann) == {
        ben.id: RequestStatus.PENDING
    }
    services.accept_request(request, ben)
    assert request.status is RequestStatus.ACCEPTED
    assert request.responded_at is not None
    assert services.accepted_request_count(ann) == services.accepted_request_count(ben) == 1
    assert services.request_status_between(event, [ann.id], ben.user) == {
        ann.id: RequestStatus.ACCEPTED
    }


def test_request_back_is_acceptance_and_mutual(people):
    _, (ann, ben, _) = people
    first = services.send_request(ann, ben).request
    second = services.send_request(ben, ann, "Yes please", RequestPriority.MUST_MEET)
    assert second.kind == "mutual"
    assert second.request.id == first.id
    assert first.status is RequestStatus.ACCEPTED
    assert first.mutual
    assert first.priority is RequestPriority.MUST_MEET
    assert db.session.query(MeetingRequest).count() == 1


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda ann, ben, event: (ann, ann), "yourself"),
        (
            lambda ann, ben, event: (ann, _with(ben, status=ParticipantStatus.CANCELLED)),
            "cancelled",
        ),
        (lambda ann, ben, event: (ann, _with(ben, status=ParticipantStatus.PENDING)), "approved"),
        (lambda ann, ben, event: (ann, _with(ben, marketplace_consent=False)), "does not take"),
        (lambda ann, ben, event: (_with(ann, status=ParticipantStatus.PENDING), ben), "approved"),
        (
            lambda ann, ben, event: (
                _with(ann, event=_with(event, booking_deadline=utcnow() - timedelta(hours=1))),
                ben,
            ),
            "deadline",
        ),
    ],
)
def test_refusals_have_clear_messages(people, setup, message):
    event, (ann, ben, _) = people
    sender, recipient = setup(ann, ben, event)
    with pytest.raises(services.RequestError, match=message):
        services.send_request(sender, recipient)
    assert db.session.query(MeetingRequest).count() == 0


def _with(row, **values):
    for name, value in values.items():
        setattr(row, name, value)
    db.session.flush()
    return row


def test_limit_counts_pending_and_accepted_only(people):
    event, (ann, ben, cat) = people
    event.max_requests_per_participant = 1
    request = services.send_request(ann, ben).request
    with pytest.raises(services.RequestError, match="limit of 1"):
        services.send_request(ann, cat)
    services.decline_request(request, ben, "Not my field")
    assert services.send_request(ann, cat).kind == "sent"
    # A declined sender cannot ask again; the other side can.
    with pytest.raises(services.RequestError, match="declined"):
        services.send_request(ann, ben)
    assert services.send_request(ben, ann).kind == "sent"


def test_only_the_recipient_answers_and_states_are_final(people):
    _, (ann, ben, cat) = people
    request = services.send_request(ann, ben).request
    with pytest.raises(services.RequestError, match="Only the person"):
        services.accept_request(request, ann)
    with pytest.raises(services.RequestError, match="Only the person"):
        services.decline_request(request, cat)
    with pytest.raises(services.RequestError, match="only its sender"):
        services.cancel_request(request, ben)
    services.accept_request(request, ben)
    with pytest.raises(services.RequestConflict, match="already accepted"):
        services.accept_request(request, ben)
    with pytest.raises(services.RequestConflict):
        services.decline_request(request, ben)
    # Either side cancels an accepted meeting; the other side is told (essential).
    ann.essential_emails_only = True
    services.cancel_request(request, ben, "Travel cancelled")
    assert request.status is RequestStatus.CANCELLED
    assert request.cancelled_by_id == ben.id
    assert "cancelled your agreed meeting" in _mails_to(ann)[-1].text
    with pytest.raises(services.RequestConflict, match="already been cancelled"):
        services.cancel_request(request, ann)


def test_auto_accept_and_essential_emails(people):
    _, (ann, ben, cat) = people
    services.update_settings(ben, auto_accept=True, essential_emails_only=True)
    outcome = services.send_request(ann, ben, "Hi")
    assert outcome.kind == "auto_accepted"
    assert outcome.request.status is RequestStatus.ACCEPTED
    assert _mails_to(ben) == []  # "received" is not essential
    assert "accepted your meeting request" in _mails_to(ann)[-1].text
    services.send_request(ann, cat, "Hello Cat")
    received = _mails_to(cat)[-1]
    assert "would like to meet you" in received.subject
    assert "Hello Cat" in received.text
    assert f"/requests/{services.request_between(cat.event, ann.id, cat.id).id}" in received.text


def test_expiry_is_idempotent_and_tells_the_sender(people):
    event, (ann, ben, cat) = people
    event.request_expiry_days = 3
    now = utcnow()
    old = make_meeting_request(ann, ben, created_at=now - timedelta(days=4))
    fresh = make_meeting_request(cat, ben, created_at=now - timedelta(days=1))
    assert services.expire_requests(now=now) == 1
    assert services.expire_requests(now=now) == 0
    assert (old.status, fresh.status) == (RequestStatus.EXPIRED, RequestStatus.PENDING)
    assert [mail.subject.split(" · ")[0] for mail in _mails_to(ann)] == [
        f"Your meeting request to {ben.full_name} expired"
    ]
    # After the booking deadline every pending request expires.
    event.booking_deadline = now - timedelta(minutes=1)
    assert services.expire_requests(now=now) == 1
    assert fresh.status is RequestStatus.EXPIRED


def test_reminders_once_a_day_per_request_in_one_digest(people):
    _, (ann, ben, cat) = people
    now = utcnow()
    make_meeting_request(ann, ben, created_at=now - timedelta(days=2))
    make_meeting_request(cat, ben, created_at=now - timedelta(days=2))
    make_meeting_request(ann, cat, created_at=now - timedelta(hours=2))  # too new
    assert services.send_reminders(now=now) == 1
    digest = _mails_to(ben)[-1]
    assert ann.full_name in digest.text
    assert cat.full_name in digest.text
    assert services.send_reminders(now=now + timedelta(hours=1)) == 0
    # A day later Ben is reminded again, and Cat's request is old enough for a first one.
    assert services.send_reminders(now=now + timedelta(hours=23)) == 2
    ben.essential_emails_only = True
    cat.essential_emails_only = True
    assert services.send_reminders(now=now + timedelta(hours=47)) == 0


def test_organiser_arranges_a_meeting(people):
    event, (ann, ben, _) = people
    organiser = make_user()
    ben.marketplace_consent = False  # organisers may still arrange it
    outcome = services.create_on_behalf(
        event, ann, ben, organiser, "VIP", RequestPriority.MUST_MEET
    )
    request = outcome.request
    assert request.status is RequestStatus.ACCEPTED
    assert request.created_by_organiser_id == organiser.id
    assert len(_mails_to(ann)) == len(_mails_to(ben)) == 1
    with pytest.raises(services.RequestConflict, match="already have"):
        services.create_on_behalf(event, ben, ann, organiser)
    assert services.outgoing_count(ann) == 0  # does not use their request places


def test_participant_figures(people):
    event, (ann, ben, cat) = people
    make_meeting_request(ann, ben, status=RequestStatus.ACCEPTED)
    make_meeting_request(ann, cat, status=RequestStatus.DECLINED)
    make_meeting_request(cat, ben)
    figures = {f.participant.id: f for f in services.participant_figures(event)}
    assert (figures[ann.id].sent, figures[ann.id].accepted, figures[ann.id].declined) == (2, 1, 1)
    assert figures[ann.id].acceptance_rate == 0.5
    assert figures[ben.id].acceptance_rate is None
    assert (figures[ben.id].received, figures[ben.id].pending) == (2, 1)
    assert services.status_counts(event)[RequestStatus.PENDING] == 1


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["send", "accept", "decline", "cancel"]),
        st.integers(0, 2),
        st.integers(0, 2),
    ),
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_any_sequence_keeps_one_request_per_pair(people, actions):
    event, trio = people
    db.session.query(MeetingRequest).delete()
    for action, a, b in actions:
        actor, other = trio[a], trio[b]
        try:
            if action == "send":
                services.send_request(actor, other)
            else:
                request = services.request_between(event, actor.id, other.id)
                if request is None:
                    continue
                getattr(services, f"{action}_request")(request, actor)
        except services.RequestError:
            pass
        rows = db.session.query(MeetingRequest).all()
        pairs = [(r.pair_low_id, r.pair_high_id) for r in rows]
        assert len(pairs) == len(set(pairs))
        for r in rows:
            assert r.pair_low_id < r.pair_high_id
            assert {r.sender_id, r.recipient_id} == {r.pair_low_id, r.pair_high_id}
            assert (
                not r.mutual
                or r.status is RequestStatus.ACCEPTED
                or r.status is RequestStatus.CANCELLED
            )
