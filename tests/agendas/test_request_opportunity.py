"""A meeting request can name the opportunity it is about; the agenda shows it."""

from __future__ import annotations

import pytest

from brokerage.meetings import services as meetings
from brokerage.meetings.models import MeetingRequest
from tests.agendas.conftest import World, event_of, get, person
from tests.conftest import login
from tests.factories import PASSWORD, commit, make_opportunity, make_participant, make_user


@pytest.fixture
def parties(app, world: World) -> dict[str, int]:
    """Eve (new, with an opportunity) and Fay (new, with one), plus a stranger's opportunity."""
    with app.app_context():
        event = event_of(world)
        eve = make_participant(event, make_user("eve@example.org"), first_name="Eve")
        fay = make_participant(event, make_user("fay@example.org"), first_name="Fay")
        ids = {
            "eve": eve.id,
            "fay": fay.id,
            "eve_offer": make_opportunity(eve, title="Eve's sensor offer").id,
            "fay_offer": make_opportunity(fay, title="Fay's pilot site").id,
            "dan_offer": person(world, "d").opportunities[0].id,
        }
        commit()
        return ids


def new_request_url(world: World, recipient_id: int) -> str:
    return f"/events/{world.slug}/requests/new/{recipient_id}"


def test_the_form_offers_both_sides_opportunities_and_stores_the_choice(
    app, client, world, parties
):
    login(client, "eve@example.org", PASSWORD)
    url = new_request_url(world, parties["fay"])
    html = client.get(f"{url}?opportunity={parties['fay_offer']}").get_data(as_text=True)
    assert "Theirs: Fay&#39;s pilot site" in html
    assert "Mine: Eve&#39;s sensor offer" in html
    assert f'<option selected value="{parties["fay_offer"]}">' in html
    response = client.submit(url, {"priority": "normal", "opportunity": parties["fay_offer"]})
    assert response.status_code == 302
    with app.app_context():
        sent = get(MeetingRequest, _request_id(parties))
        assert sent.opportunity_id == parties["fay_offer"]


def _request_id(parties: dict[str, int]) -> int:
    from brokerage.extensions import db

    return db.session.query(MeetingRequest.id).filter_by(sender_id=parties["eve"]).scalar()


def test_someone_elses_opportunity_is_a_field_error(app, client, world, parties):
    login(client, "eve@example.org", PASSWORD)
    url = new_request_url(world, parties["fay"])
    response = client.submit(url, {"priority": "normal", "opportunity": parties["dan_offer"]})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert _request_id(parties) is None


def test_the_service_refuses_an_opportunity_of_a_third_participant(app, parties):
    with app.app_context():
        from brokerage.registration.models import Participant

        eve = get(Participant, parties["eve"])
        fay = get(Participant, parties["fay"])
        with pytest.raises(meetings.RequestError):
            meetings.send_request(eve, fay, opportunity_id=parties["dan_offer"])
        outcome = meetings.send_request(eve, fay, opportunity_id=parties["eve_offer"])
        assert outcome.request.opportunity_id == parties["eve_offer"]


def test_the_profile_links_a_request_about_each_opportunity(client, world, parties):
    login(client, "eve@example.org", PASSWORD)
    html = client.get(f"/events/{world.slug}/marketplace/{parties['fay']}").get_data(as_text=True)
    assert f"requests/new/{parties['fay']}?opportunity={parties['fay_offer']}" in html
