"""Who may browse the marketplace, who is listed in it, and the profile page."""

from __future__ import annotations

import pytest

from brokerage.extensions import db
from brokerage.meetings.models import RequestStatus
from brokerage.registration.models import OpportunityKind as Kind
from brokerage.registration.models import Participant, ParticipantStatus
from tests.conftest import login
from tests.factories import PASSWORD, make_event, make_meeting_request, make_participant, make_user
from tests.marketplace.helpers import index, listed

PAGES = ("", "/suggestions")


@pytest.fixture
def market(app) -> dict:
    with app.app_context():
        organiser = make_user("organiser@example.org")
        event = make_event(organiser=organiser)
        other_event = make_event()
        viewer = listed(event, "Vera", "Viewer")
        viewer.user.email = "viewer@example.org"
        shown = listed(
            event,
            "Sam",
            "Shown",
            organisation="Shown Ltd",
            description="Makers of *fine* widgets.",
            opportunities=((Kind.OFFER, "Widget design", "Any size, any colour"),),
        )
        hidden = make_participant(event, first_name="Hal", last_name="Hidden", consent=False)
        pending = make_participant(
            event, first_name="Pam", last_name="Pending", status=ParticipantStatus.PENDING
        )
        pending.user.email = "pending@example.org"
        rejected = make_participant(
            event, first_name="Rob", last_name="Rejected", status=ParticipantStatus.REJECTED
        )
        cancelled = make_participant(
            event, first_name="Cal", last_name="Cancelled", status=ParticipantStatus.CANCELLED
        )
        elsewhere = listed(other_event, "Eli", "Elsewhere")
        make_user("stranger@example.org")
        ids = {
            "slug": event.slug,
            "other_slug": other_event.slug,
            "viewer": viewer.id,
            "shown": shown.id,
            "hidden": hidden.id,
            "pending": pending.id,
            "rejected": rejected.id,
            "cancelled": cancelled.id,
            "elsewhere": elsewhere.id,
        }
        index(event)
        index(other_event)
    return ids


@pytest.mark.parametrize("suffix", [*PAGES, "/1"])
def test_anonymous_users_are_sent_to_log_in(client, market, suffix):
    response = client.get(f"/events/{market['slug']}/marketplace{suffix}")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("suffix", PAGES)
def test_a_user_who_is_not_a_participant_is_told_to_register(client, market, suffix):
    login(client, "stranger@example.org", PASSWORD)
    response = client.get(f"/events/{market['slug']}/marketplace{suffix}")
    assert response.status_code == 403
    assert "register to see the marketplace" in response.get_data(as_text=True)


def test_a_pending_participant_waits_for_approval(client, market):
    login(client, "pending@example.org", PASSWORD)
    response = client.get(f"/events/{market['slug']}/marketplace")
    assert response.status_code == 403
    assert "waiting for the organisers" in response.get_data(as_text=True)


def test_a_participant_of_one_event_cannot_browse_another(client, market):
    login(client, "viewer@example.org", PASSWORD)
    assert client.get(f"/events/{market['other_slug']}/marketplace").status_code == 403


def test_unknown_event_is_404(client, market):
    login(client, "viewer@example.org", PASSWORD)
    assert client.get("/events/no-such-event/marketplace").status_code == 404


def test_only_approved_consenting_participants_of_the_event_are_listed(client, market):
    login(client, "viewer@example.org", PASSWORD)
    html = client.get(f"/events/{market['slug']}/marketplace").get_data(as_text=True)
    assert "Sam Shown" in html
    assert "Vera Viewer" in html
    for name in ("Hal Hidden", "Pam Pending", "Rob Rejected", "Cal Cancelled", "Eli Elsewhere"):
        assert name not in html
    assert "2 participants found" in html


def test_hidden_people_stay_hidden_from_a_search_for_their_name(client, market):
    login(client, "viewer@example.org", PASSWORD)
    for name in ("hidden", "pending", "rejected", "cancelled", "elsewhere"):
        html = client.get(
            f"/events/{market['slug']}/marketplace", query_string={"q": name}
        ).get_data(as_text=True)
        assert "0 participants found" in html, name


def test_organisers_browse_without_being_listed(client, market):
    login(client, "organiser@example.org", PASSWORD)
    response = client.get(f"/events/{market['slug']}/marketplace")
    assert response.status_code == 200
    assert "browsing as an organiser" in response.get_data(as_text=True)
    suggestions = client.get(f"/events/{market['slug']}/marketplace/suggestions")
    assert "Suggestions are made for participants" in suggestions.get_data(as_text=True)
    profile = client.get(f"/events/{market['slug']}/marketplace/{market['shown']}")
    assert profile.status_code == 200
    assert "Request a meeting" not in profile.get_data(as_text=True)


def test_the_profile_shows_organisation_and_opportunities(client, market):
    login(client, "viewer@example.org", PASSWORD)
    response = client.get(f"/events/{market['slug']}/marketplace/{market['shown']}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1" in html
    assert "Sam Shown" in html
    assert "Makers of *fine* widgets." in html
    assert "Widget design" in html
    assert "Any size, any colour" in html
    assert f'href="/events/{market["slug"]}/requests/new/{market["shown"]}"' in html
    assert "Request a meeting" in html


def test_ones_own_profile_has_no_request_button(client, market):
    login(client, "viewer@example.org", PASSWORD)
    html = client.get(f"/events/{market['slug']}/marketplace/{market['viewer']}").get_data(
        as_text=True
    )
    assert "This is you" in html
    assert "Request a meeting" not in html


@pytest.mark.parametrize("who", ["hidden", "pending", "rejected", "cancelled", "elsewhere"])
def test_profiles_of_people_not_listed_are_404(client, market, who):
    login(client, "viewer@example.org", PASSWORD)
    response = client.get(f"/events/{market['slug']}/marketplace/{market[who]}")
    assert response.status_code == 404


def test_a_forged_id_is_404(client, market):
    login(client, "viewer@example.org", PASSWORD)
    assert client.get(f"/events/{market['slug']}/marketplace/987654").status_code == 404


def test_the_event_navigation_links_the_marketplace_for_those_who_may_browse(client, market):
    link = f'href="/events/{market["slug"]}/marketplace"'
    login(client, "viewer@example.org", PASSWORD)
    assert link in client.get(f"/events/{market['slug']}").get_data(as_text=True)
    client.post("/account/logout", data={"csrf_token": client.csrf_token("/events/")})
    login(client, "stranger@example.org", PASSWORD)
    assert link not in client.get(f"/events/{market['slug']}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("status", "button"),
    [
        (RequestStatus.PENDING, False),
        (RequestStatus.ACCEPTED, False),
        (RequestStatus.DECLINED, False),
        (RequestStatus.CANCELLED, True),
    ],
)
def test_an_existing_request_shows_its_status_instead_of_the_button(
    app, client, market, status, button
):
    with app.app_context():
        viewer = db.session.get(Participant, market["viewer"])
        shown = db.session.get(Participant, market["shown"])
        make_meeting_request(shown, viewer, status=status)
        db.session.commit()
    login(client, "viewer@example.org", PASSWORD)
    profile = client.get(f"/events/{market['slug']}/marketplace/{market['shown']}")
    html = profile.get_data(as_text=True)
    assert f">{status.value.capitalize()}</span>" in html
    assert "Your meeting request:" in html
    assert ("Request a meeting" in html) is button
    card = client.get(f"/events/{market['slug']}/marketplace").get_data(as_text=True)
    assert "Your meeting request:" in card
