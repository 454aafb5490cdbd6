"""Admins create events, list them and name or remove organisers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from brokerage.events.defaults import DEFAULT_PARTICIPANT_TYPES, DEFAULT_TOPICS
from brokerage.events.models import Event, EventRole
from brokerage.extensions import db
from tests.conftest import login
from tests.factories import PASSWORD

NEW_EVENT = {
    "title": "Blue Growth Matchmaking",
    "slug": "blue-growth-2027",
    "timezone": "Europe/Lisbon",
    "start_date": "2027-05-10",
    "end_date": "2027-05-11",
    "organiser_email": "organiser@example.org",
}


def _event_count() -> int:
    return db.session.scalar(select(func.count(Event.id)))


def test_admin_creates_event_with_defaults_and_organiser(as_admin, app):
    response = as_admin.submit("/admin/events/new", NEW_EVENT)
    assert response.status_code == 302
    assert response.location.endswith("/events/blue-growth-2027/manage/settings")
    with app.app_context():
        event = db.session.scalar(select(Event).filter_by(slug="blue-growth-2027"))
        assert event.timezone == "Europe/Lisbon"
        assert event.created_by.email == "admin@example.org"
        assert sorted(topic.name for topic in event.topics) == sorted(DEFAULT_TOPICS)
        assert [(t.name, t.colour) for t in event.participant_types] == list(
            DEFAULT_PARTICIPANT_TYPES
        )
        assert [role.user.email for role in event.roles] == ["organiser@example.org"]
    page = as_admin.get("/admin/events").get_data(as_text=True)
    assert "Blue Growth Matchmaking" in page
    assert "organiser@example.org" in page


def test_default_type_colours_are_distinct_and_readable_with_white_text():
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    colours = [colour for _, colour in DEFAULT_PARTICIPANT_TYPES]
    assert len(set(colours)) == len(colours)
    for colour in colours:
        assert 1.05 / (luminance(colour) + 0.05) >= 4.5, colour


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 10_000}, "title"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "x" * 10_000}, "slug"),
        ({"slug": "event-b"}, "slug"),  # taken by another event
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"timezone": "x" * 10_000}, "timezone"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2027-05-09"}, "end_date"),
        ({"start_date": ""}, "start_date"),
        ({"organiser_email": "nobody@example.org"}, "organiser_email"),
        ({"organiser_email": "not-an-email"}, "organiser_email"),
    ],
)
def test_bad_new_event_input_gives_field_errors(as_admin, app, changes, field):
    with app.app_context():
        before = _event_count()
    response = as_admin.submit("/admin/events/new", {**NEW_EVENT, **changes})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{field}-errors"' in page
    with app.app_context():
        assert _event_count() == before


def test_admin_names_and_removes_organisers(as_admin, app, world):
    url = "/admin/events/event-a/organisers"
    assert as_admin.submit(url, {"email": "Plain@Example.org"}).status_code == 302
    # Naming someone twice is harmless.
    assert as_admin.submit(url, {"email": "plain@example.org"}).status_code == 302
    with app.app_context():
        event = db.session.scalar(select(Event).filter_by(slug="event-a"))
        emails = sorted(role.user.email for role in event.roles)
        assert emails == ["organiser@example.org", "plain@example.org"]
        plain_id = next(r.user_id for r in event.roles if r.user.email == "plain@example.org")
    response = as_admin.submit(f"{url}/{plain_id}/remove", form_url=url)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(EventRole.id)).filter_by(user_id=plain_id)) == 0
    # Removing again, or an unknown account, is a 404; a GET is not allowed at all.
    assert as_admin.submit(f"{url}/{plain_id}/remove", form_url=url).status_code == 404
    assert as_admin.submit(f"{url}/999999/remove", form_url=url).status_code == 404
    assert as_admin.get(f"{url}/{plain_id}/remove").status_code == 405


@pytest.mark.parametrize("email", ["", "nobody@example.org", "x" * 10_000])
def test_naming_an_unknown_organiser_is_refused(as_admin, app, world, email):
    response = as_admin.submit("/admin/events/event-a/organisers", {"email": email})
    assert response.status_code == 200
    assert 'id="email-errors"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(EventRole.id))) == 2


def test_remove_without_csrf_token_is_refused(as_admin, app, world):
    with app.app_context():
        role = db.session.scalar(select(EventRole).join(Event).filter(Event.slug == "event-a"))
        url = f"/admin/events/event-a/organisers/{role.user_id}/remove"
    assert as_admin.post(url, data={}).status_code == 400


@pytest.mark.parametrize(
    "url", ["/admin/events", "/admin/events/new", "/admin/events/event-a/organisers"]
)
def test_admin_pages_refuse_organisers_and_anonymous(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/account/login" in response.location
    login(client, world.organiser_email, PASSWORD)
    assert client.get(url).status_code == 403
    assert client.submit(url, {}, form_url="/").status_code in (403, 405)
