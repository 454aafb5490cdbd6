"""Search, filters, sorting and pagination of the marketplace, through the page and the
service. Runs on SQLite (FTS5) and PostgreSQL (tsvector) alike."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brokerage.extensions import db
from brokerage.marketplace.search import (
    MarketplaceFilters,
    SortOrder,
    fts5_match,
    query_terms,
    search_participants,
    tsquery_text,
)
from brokerage.registration.models import OpportunityKind as Kind
from tests.conftest import login
from tests.factories import PASSWORD, make_event
from tests.marketplace.helpers import index, listed, topic

NAME_PATTERN = re.compile(r'id="participant-\d+-name">\s*<a href="[^"]+">([^<]+)</a>')


def names_on(page_html: str) -> list[str]:
    return NAME_PATTERN.findall(page_html)


@pytest.fixture
def market(app) -> dict:
    """An event with a handful of listed participants, and the viewer's login."""
    with app.app_context():
        event = make_event()
        viewer = listed(event, "Vera", "Viewer", organisation="Viewer Labs")
        viewer.user.email = "viewer@example.org"
        listed(
            event,
            "Hanna",
            "Polymer",
            organisation="Acme Plastics",
            country="DE",
            topics=("Circular economy",),
            opportunities=((Kind.OFFER, "Injection moulding", "Short runs for prototypes"),),
        )
        listed(
            event,
            "Bruno",
            "Brown",
            organisation="Green Loop",
            country="FR",
            description="We turn waste into polymer granulate for packaging.",
            topics=("Energy transition",),
            opportunities=((Kind.REQUEST, "Investors for a pilot plant", "Series A"),),
        )
        listed(
            event,
            "Carla",
            "Costa",
            organisation="Datawise",
            country="PT",
            topics=("Digital growth",),
            opportunities=(
                (Kind.PARTNERSHIP, "Horizon Europe consortium", "Looking for a polymer lab"),
            ),
        )
        ids = {"slug": event.slug, "event_id": event.id}
        index(event)
    login_as_viewer = ids
    return login_as_viewer


def page(client, slug: str, **query) -> str:
    response = client.get(f"/events/{slug}/marketplace", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_name_match_outranks_a_description_match(client, market):
    login(client, "viewer@example.org", PASSWORD)
    html = page(client, market["slug"], q="polymer")
    # Hanna Polymer (name), Carla (opportunity text), Bruno (organisation description).
    assert names_on(html) == ["Hanna Polymer", "Carla Costa", "Bruno Brown"]
    assert "3 participants found for “polymer”, sorted by relevance" in html


def test_search_matches_organisations_opportunities_and_word_prefixes(client, market):
    login(client, "viewer@example.org", PASSWORD)
    assert names_on(page(client, market["slug"], q="green loop")) == ["Bruno Brown"]
    assert names_on(page(client, market["slug"], q="investors")) == ["Bruno Brown"]
    assert names_on(page(client, market["slug"], q="consort")) == ["Carla Costa"]
    assert names_on(page(client, market["slug"], q="moulding polymer")) == ["Hanna Polymer"]
    assert names_on(page(client, market["slug"], q="nothing like this")) == []


def test_every_listed_participant_shows_without_a_query_sorted_by_name(client, market):
    login(client, "viewer@example.org", PASSWORD)
    html = page(client, market["slug"])
    assert names_on(html) == ["Bruno Brown", "Carla Costa", "Hanna Polymer", "Vera Viewer"]
    assert "4 participants found, sorted by name" in html


def test_cards_show_organisation_type_country_topics_and_opportunities(client, market):
    login(client, "viewer@example.org", PASSWORD)
    html = page(client, market["slug"], q="hanna")
    assert "Acme Plastics" in html
    assert "Company / SME" in html
    assert "Germany" in html
    assert "Circular economy" in html
    assert '<span class="badge text-bg-success">Offer</span> Injection moulding' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "FR"}, ["Bruno Brown"]),
        ({"kind": "partnership"}, ["Carla Costa"]),
        ({"kind": "offer", "country": "DE"}, ["Hanna Polymer"]),
        ({"kind": "offer", "country": "FR"}, []),
    ],
)
def test_filters(client, market, query, expected):
    login(client, "viewer@example.org", PASSWORD)
    assert names_on(page(client, market["slug"], **query)) == expected


def test_topic_and_type_filters_use_the_events_ids(app, client, market):
    with app.app_context():
        from brokerage.events.models import Event

        event = db.session.get(Event, market["event_id"])
        topic_id = topic(event, "Energy transition").id
        university_id = event.participant_types[1].id
        company_id = event.participant_types[0].id
    login(client, "viewer@example.org", PASSWORD)
    assert names_on(page(client, market["slug"], topic=topic_id)) == ["Bruno Brown"]
    assert names_on(page(client, market["slug"], type=university_id)) == []
    assert len(names_on(page(client, market["slug"], type=company_id))) == 4


def test_an_unknown_filter_value_is_a_field_error_and_is_ignored(client, market):
    login(client, "viewer@example.org", PASSWORD)
    html = page(client, market["slug"], country="ZZ", topic="987654", kind="bogus")
    assert "Not a valid choice" in html
    assert len(names_on(html)) == 4


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Bruno Brown", "Carla Costa", "Hanna Polymer", "Vera Viewer"]),
        ("organisation", ["Hanna Polymer", "Carla Costa", "Bruno Brown", "Vera Viewer"]),
        ("newest", ["Carla Costa", "Bruno Brown", "Hanna Polymer", "Vera Viewer"]),
    ],
)
def test_sort_orders(client, market, sort, expected):
    login(client, "viewer@example.org", PASSWORD)
    assert names_on(page(client, market["slug"], sort=sort)) == expected


def test_sorting_a_search_by_name_keeps_the_matches(client, market):
    login(client, "viewer@example.org", PASSWORD)
    html = page(client, market["slug"], q="polymer", sort="name")
    assert names_on(html) == ["Bruno Brown", "Carla Costa", "Hanna Polymer"]


def test_pagination_keeps_the_search_in_every_link(app, client):
    with app.app_context():
        event = make_event()
        viewer = listed(event, "Vera", "Viewer")
        viewer.user.email = "viewer@example.org"
        for number in range(25):
            listed(
                event,
                f"Person{number:02d}",
                "Solar",
                country="NL",
                opportunities=((Kind.OFFER, "Solar panels", ""),),
            )
        slug = event.slug
        index(event)
    login(client, "viewer@example.org", PASSWORD)
    first = page(client, slug, q="solar", country="NL", per_page="10")
    assert "25 participants found" in first
    assert "Page 1 of 3." in first
    assert len(names_on(first)) == 10
    links = re.findall(r'class="page-link" href="([^"#]+)"', first)
    second_link = next(link for link in links if "page=2" in link)
    for part in ("q=solar", "country=NL", "per_page=10"):
        assert part in second_link
    second = client.get(second_link.replace("&amp;", "&")).get_data(as_text=True)
    third = page(client, slug, q="solar", country="NL", per_page="10", page="3")
    seen = names_on(first) + names_on(second) + names_on(third)
    assert len(seen) == 25
    assert len(set(seen)) == 25  # no one on two pages
    # A page past the end shows the last page rather than nothing.
    assert names_on(page(client, slug, q="solar", per_page="10", page="99")) == names_on(third)


def test_the_url_round_trips_the_form(client, market):
    login(client, "viewer@example.org", PASSWORD)
    html = page(client, market["slug"], q="polymer", country="FR", kind="request", sort="name")
    assert 'name="q" type="text" value="polymer"' in html
    assert '<option selected value="FR">' in html
    assert '<option selected value="request">' in html
    assert '<option selected value="name">' in html
    assert names_on(html) == ["Bruno Brown"]


JUNK = ["' OR 1=1 --", "%", "\\", '"', "*", "NEAR(a b)", "a AND OR NOT", "^x", ":*", "x" * 10_000]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_queries_never_fail(client, market, junk):
    login(client, "viewer@example.org", PASSWORD)
    response = client.get(f"/events/{market['slug']}/marketplace", query_string={"q": junk})
    assert response.status_code == 200


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=80))
def test_any_text_is_a_valid_query_for_the_service(app, market, query):
    with app.app_context():
        from brokerage.events.models import Event

        event = db.session.get(Event, market["event_id"])
        result = search_participants(
            event, query.replace("\x00", ""), MarketplaceFilters(), SortOrder.RELEVANCE, 1, 10
        )
        assert result.total >= 0
        db.session.rollback()


def test_query_syntax_is_neutralised():
    assert query_terms("' OR 1=1 --") == ["or", "1", "1"]
    assert fts5_match(["or", "polym"]) == '"or" "polym"*'
    assert tsquery_text(["or", "polym"]) == "'or' & 'polym':*"
    assert query_terms("%_\\") == []
