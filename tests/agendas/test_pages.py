"""The agenda page: own agenda only, the timeline, cancelled meetings, the feed link."""

from __future__ import annotations

import pytest

from brokerage.meetings.models import MeetingRequest, RequestStatus
from tests.agendas.conftest import World, get
from tests.conftest import login
from tests.factories import PASSWORD, commit, make_event, make_participant, make_user


def agenda_url(world: World) -> str:
    return f"/events/{world.slug}/agenda"


def test_participant_sees_meetings_in_time_order_with_details(client, world):
    login(client, world.emails["c"], PASSWORD)
    page = client.get(agenda_url(world))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    order = [html.index(name) for name in ("Dan Dirac", "Ada Lovelace", "Bob Babbage")]
    assert order == sorted(order)
    assert "09:00</time>–09:20" in html
    assert "Booth: Ada Lovelace (table B1)" in html
    assert "Dirac Labs · Germany" in html
    assert "About: Battery recycling pilot" in html
    assert f'id="meeting-{world.requests["cd"]}"' in html
    assert "Break" in html
    assert "Free" in html
    assert 'id="calendar-feed-url"' in html
    assert "Regenerate link" in html
    assert f'href="/events/{world.slug}/agenda.pdf"' in html
    assert f'href="/events/{world.slug}/agenda.ics"' in html
    stylesheet = client.get("/static/agenda.css")
    assert "@media print" in stylesheet.get_data(as_text=True)
    stylesheet.close()
    # The nav link.
    assert f'href="/events/{world.slug}/agenda">My agenda' in html
    assert "Accepted, not scheduled" not in html


def test_accepted_requests_without_a_meeting_are_listed(client, world):
    login(client, world.emails["d"], PASSWORD)
    html = client.get(agenda_url(world)).get_data(as_text=True)
    # Ada–Dan is accepted, but the published run left it out.
    waiting = html[html.index("Accepted, not scheduled") :]
    assert "Ada Lovelace" in waiting
    assert "Waiting for a slot" in waiting


def test_cancelled_meetings_are_struck_through(app, client, world):
    with app.app_context():
        get(MeetingRequest, world.requests["cd"]).status = RequestStatus.CANCELLED
        commit()
    login(client, world.emails["c"], PASSWORD)
    html = client.get(agenda_url(world)).get_data(as_text=True)
    entry = html[html.index(f'id="meeting-{world.requests["cd"]}"') :]
    entry = entry[: entry.index("</li>")]
    assert "<s>" in entry
    assert "cancelled" in entry


def test_before_publication_the_page_says_so(client, draft_world):
    login(client, draft_world.emails["c"], PASSWORD)
    html = client.get(agenda_url(draft_world)).get_data(as_text=True)
    assert "The schedule is not published yet" in html
    assert "Dan Dirac" not in html


def test_old_meetings_page_redirects_to_the_agenda(client, world):
    response = client.get(f"/events/{world.slug}/meetings")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(agenda_url(world))


@pytest.mark.parametrize("suffix", ["agenda", "agenda.pdf", "agenda.ics"])
def test_anonymous_users_go_to_the_login_page(client, world, suffix):
    response = client.get(f"/events/{world.slug}/{suffix}")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("suffix", ["agenda", "agenda.pdf", "agenda.ics"])
def test_outsiders_and_organisers_without_registration_are_refused(app, client, world, suffix):
    with app.app_context():
        outsider = make_user()
        other_event = make_event()
        make_participant(other_event, outsider)
        commit()
        email = outsider.email
    login(client, email, PASSWORD)
    assert client.get(f"/events/{world.slug}/{suffix}").status_code == 403
    assert client.get(f"/events/no-such-event/{suffix}").status_code == 404


def test_pending_participant_is_refused(app, client, world):
    from brokerage.registration.models import Participant, ParticipantStatus

    with app.app_context():
        get(Participant, world.people["d"]).status = ParticipantStatus.PENDING
        commit()
    login(client, world.emails["d"], PASSWORD)
    assert client.get(agenda_url(world)).status_code == 403


def test_organiser_is_refused_a_participant_agenda(client, world):
    login(client, world.organiser_email, PASSWORD)
    assert client.get(agenda_url(world)).status_code == 403
