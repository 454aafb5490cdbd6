"""The participant's agenda page (which replaced "My meetings"): the published schedule only."""

from __future__ import annotations

from brokerage.extensions import db
from brokerage.meetings.models import RequestStatus
from brokerage.registration.models import ParticipantStatus
from brokerage.scheduling.models import ScheduledMeeting
from tests.conftest import login
from tests.factories import (
    PASSWORD,
    commit,
    make_meeting_request,
    make_participant,
    make_user,
)
from tests.scheduling_review.conftest import World, event_of, get
from tests.scheduling_review.test_publishing import publish
from tests.scheduling_review.test_review import AD_REASON, make_draft


def meetings_url(world: World) -> str:
    return f"/events/{world.slug}/agenda"


def logout(client) -> None:
    client.post("/account/logout", data={"csrf_token": client.csrf_token("/")})


def test_before_publication_nothing_of_a_draft_shows(app, client, world):
    make_draft(app, world)
    login(client, world.emails["c"], PASSWORD)
    page = client.get(meetings_url(world))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "The schedule is not published yet" in html
    for name in ("Dan Dirac", "Bob Babbage", "Lovelace Labs", "09:00", "booth"):
        assert name not in html
    assert f'href="/events/{world.slug}/agenda"' in html  # the nav link


def test_the_old_meetings_address_leads_to_the_agenda(client, world):
    response = client.get(f"/events/{world.slug}/meetings")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(meetings_url(world))


def test_after_publication_meetings_in_time_order_with_partner_and_reasons(app, client, world):
    first = make_draft(app, world)
    login(client, world.organiser_email, PASSWORD)
    publish(client, world, first)
    # A newer draft that moves everything: participants must not see it.
    make_draft(app, world, placements=[("ab", 6, 0), ("ac", 5, 0), ("cd", 5, 1), ("bc", 6, 1)])
    with app.app_context():
        event = event_of(world)
        # A request accepted after publication waits for a slot.
        late = make_participant(
            event, first_name="Lena", last_name="Late", organisation_name="Late Ltd"
        )
        make_meeting_request(late, get_participant(world, "c"), status=RequestStatus.ACCEPTED)
        commit()
    logout(client)

    login(client, world.emails["c"], PASSWORD)
    html = client.get(meetings_url(world)).get_data(as_text=True)
    assert "not published yet" not in html
    assert "Europe/Brussels" in html
    # Cleo: 09:00 table 1 with Dan, 09:50 booth B1 with Ada, 10:15 table 2 with Bob.
    order = [html.index(text) for text in ("Dan Dirac", "Ada Lovelace", "Bob Babbage")]
    assert order == sorted(order)
    assert "09:00</time>–09:20" in html
    assert "Booth: Ada Lovelace (table B1)" in html
    assert "Table 2" in html
    assert "Dirac Labs · Germany" in html
    assert "14:00</time>" not in html  # the draft's afternoon moves stay hidden
    assert "Lena Late" in html
    assert "Waiting for a slot" in html

    logout(client)
    login(client, world.emails["a"], PASSWORD)
    html = client.get(meetings_url(world)).get_data(as_text=True)
    assert "Accepted, not scheduled" in html
    assert (
        AD_REASON[0].upper() + AD_REASON[1:] in html
    )  # the published run's reason for Ada and Dan


def test_a_cancelled_meeting_shows_as_cancelled(app, client, world):
    first = make_draft(app, world)
    login(client, world.organiser_email, PASSWORD)
    publish(client, world, first)
    with app.app_context():
        meeting = (
            db.session.query(ScheduledMeeting)
            .filter_by(run_id=first, request_id=world.requests["cd"])
            .one()
        )
        meeting.state = "cancelled"
        commit()
    logout(client)
    login(client, world.emails["d"], PASSWORD)
    html = client.get(meetings_url(world)).get_data(as_text=True)
    assert "Cleo Curie" in html
    assert '<span class="badge text-bg-secondary">cancelled</span>' in html
    assert "<s>" in html


def test_only_approved_participants_of_the_event(app, client, world):
    assert client.get(meetings_url(world)).status_code == 302  # anonymous: log in
    stranger = None
    with app.app_context():
        stranger = make_user().email
        pending = make_participant(event_of(world), status=ParticipantStatus.PENDING).user.email
        commit()
    login(client, stranger, PASSWORD)
    assert client.get(meetings_url(world)).status_code == 403
    logout(client)
    login(client, pending, PASSWORD)
    assert client.get(meetings_url(world)).status_code == 403
    logout(client)
    login(client, world.organiser_email, PASSWORD)  # organising is not participating
    assert client.get(meetings_url(world)).status_code == 403
    assert client.get("/events/no-such-event/agenda").status_code == 404


def get_participant(world: World, key: str):
    from brokerage.registration.models import Participant

    return get(Participant, world.people[key])
