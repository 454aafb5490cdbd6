"""Suggestions: ranked by topic overlap and offer/request similarity, with reasons, and
without the people the viewer already has a request with."""

from __future__ import annotations

import pytest

from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.marketplace.suggestions import suggest_for
from brokerage.meetings.models import RequestStatus
from brokerage.registration.models import OpportunityKind as Kind
from brokerage.registration.models import Participant
from tests.conftest import login
from tests.factories import PASSWORD, make_event, make_meeting_request
from tests.marketplace.helpers import index, listed


@pytest.fixture
def market(app) -> dict:
    with app.app_context():
        event = make_event()
        viewer = listed(
            event,
            "Vera",
            "Viewer",
            topics=("Circular economy",),
            opportunities=(
                (Kind.REQUEST, "Recycled polymers", "We need recycled polymers for packaging"),
                (Kind.OFFER, "Battery testing lab", "Accredited battery cell testing"),
                (Kind.PARTNERSHIP, "Horizon Europe consortium", "Bio-based coatings project"),
            ),
        )
        viewer.user.email = "viewer@example.org"
        people = {
            "supplier": listed(
                event,
                "Sue",
                "Supplier",
                topics=("Circular economy",),
                opportunities=(
                    (Kind.OFFER, "Recycled polymer granulate", "Recycled polymers, food grade"),
                ),
            ),
            "buyer": listed(
                event,
                "Bob",
                "Buyer",
                topics=("Energy transition",),
                opportunities=(
                    (Kind.REQUEST, "Battery cell testing", "We need a battery testing lab"),
                ),
            ),
            "partner": listed(
                event,
                "Pia",
                "Partner",
                opportunities=(
                    (Kind.PARTNERSHIP, "Consortium on bio-based coatings", "Horizon Europe"),
                ),
            ),
            "topic_only": listed(event, "Tom", "Topic", topics=("Circular economy",)),
            # Also wants recycled polymers: a request does not answer a request.
            "competitor": listed(
                event,
                "Carl",
                "Competitor",
                opportunities=((Kind.REQUEST, "Recycled polymers", "We need recycled polymers"),),
            ),
            "unrelated": listed(
                event,
                "Una",
                "Unrelated",
                topics=("Digital growth",),
                opportunities=((Kind.OFFER, "Web shops", "E-commerce sites"),),
            ),
        }
        index(event)
        ids = {name: person.id for name, person in people.items()}
        ids.update(slug=event.slug, event_id=event.id, viewer=viewer.id)
    return ids


def suggestions(ids: dict) -> dict[str, str]:
    """Names of suggested people, in order, with their reason."""
    event = db.session.get(Event, ids["event_id"])
    viewer = db.session.get(Participant, ids["viewer"])
    return {item.participant.full_name: item.reason for item in suggest_for(event, viewer)}


def test_suggestions_are_ranked_with_reasons(app, market):
    with app.app_context():
        found = suggestions(market)
    names = list(found)
    assert names[0] == "Sue Supplier"  # shared topic and a matching offer
    assert set(names) == {"Sue Supplier", "Bob Buyer", "Pia Partner", "Tom Topic"}
    assert found["Sue Supplier"] == (
        "shared topics: Circular economy; their offer “Recycled polymer granulate” matches "
        "your request “Recycled polymers”"
    )
    assert found["Bob Buyer"] == (
        "their request “Battery cell testing” matches your offer “Battery testing lab”"
    )
    assert found["Pia Partner"] == (
        "their partnership “Consortium on bio-based coatings” fits your partnership "
        "“Horizon Europe consortium”"
    )
    assert found["Tom Topic"] == "shared topics: Circular economy"


@pytest.mark.parametrize(
    "status", [RequestStatus.PENDING, RequestStatus.ACCEPTED, RequestStatus.DECLINED]
)
@pytest.mark.parametrize("direction", ["sent", "received"])
def test_people_with_a_request_are_left_out(app, market, status, direction):
    with app.app_context():
        viewer = db.session.get(Participant, market["viewer"])
        supplier = db.session.get(Participant, market["supplier"])
        pair = (viewer, supplier) if direction == "sent" else (supplier, viewer)
        make_meeting_request(*pair, status=status)
        db.session.commit()
        assert "Sue Supplier" not in suggestions(market)
        assert "Bob Buyer" in suggestions(market)


def test_a_cancelled_request_does_not_hide_anyone(app, market):
    with app.app_context():
        viewer = db.session.get(Participant, market["viewer"])
        supplier = db.session.get(Participant, market["supplier"])
        make_meeting_request(viewer, supplier, status=RequestStatus.CANCELLED)
        db.session.commit()
        assert "Sue Supplier" in suggestions(market)


def test_the_cached_model_follows_changes_to_participants(app, market):
    from brokerage.marketplace.search import reindex_participant

    with app.app_context():
        assert "Una Unrelated" not in suggestions(market)
        unrelated = db.session.get(Participant, market["unrelated"])
        unrelated.opportunities[0].title = "Recycled polymers on demand"
        reindex_participant(unrelated)
        db.session.commit()
        assert "Una Unrelated" in suggestions(market)


def test_the_page_lists_suggestions_with_reasons(client, market):
    login(client, "viewer@example.org", PASSWORD)
    response = client.get(f"/events/{market['slug']}/marketplace/suggestions")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>Why:</strong> shared topics: Circular economy; their offer" in html
    assert html.index("Sue Supplier") < html.index("Tom Topic")
    assert "Una Unrelated" not in html
    assert "Vera Viewer" not in html


def test_a_participant_with_nothing_to_match_gets_a_hint(app, client):
    with app.app_context():
        event = make_event()
        loner = listed(event, "Lou", "Loner")
        loner.user.email = "loner@example.org"
        listed(event, "Una", "Unrelated", opportunities=((Kind.OFFER, "Web shops", ""),))
        slug = event.slug
        index(event)
    login(client, "loner@example.org", PASSWORD)
    html = client.get(f"/events/{slug}/marketplace/suggestions").get_data(as_text=True)
    assert "No suggestions yet" in html
