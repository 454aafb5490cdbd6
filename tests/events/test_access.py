"""Who may see the event pages and who may manage them."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.factories import PASSWORD

MANAGE_PAGES = [
    "/events/{slug}/manage",
    "/events/{slug}/manage/settings",
    "/events/{slug}/manage/sessions",
    "/events/{slug}/manage/tables",
    "/events/{slug}/manage/topics",
    "/events/{slug}/manage/types",
]


@pytest.mark.parametrize("page", MANAGE_PAGES)
def test_anonymous_visitors_are_sent_to_login(client, world, page):
    response = client.get(page.format(slug=world.slug))
    assert response.status_code == 302
    assert "/account/login" in response.location


@pytest.mark.parametrize("page", MANAGE_PAGES)
@pytest.mark.parametrize("who", ["participant_email", "plain_email", "other_organiser_email"])
def test_others_are_refused(client, world, page, who):
    login(client, getattr(world, who), PASSWORD)
    url = page.format(slug=world.slug)
    assert client.get(url).status_code == 403
    # The dashboard takes no POST at all (405); the forms refuse it (403).
    response = client.submit(url, {"name": "x", "count": "1"}, form_url="/")
    assert response.status_code in (403, 405)


@pytest.mark.parametrize("page", MANAGE_PAGES)
def test_organisers_and_admins_may_manage(client, world, page):
    login(client, world.organiser_email, PASSWORD)
    assert client.get(page.format(slug=world.slug)).status_code == 200
    assert client.get(page.format(slug=world.other_slug)).status_code == 403
    client.submit("/account/logout", form_url="/")
    login(client, world.admin_email, PASSWORD)
    assert client.get(page.format(slug=world.other_slug)).status_code == 200


def test_unknown_event_is_not_found(as_organiser):
    assert as_organiser.get("/events/no-such-event").status_code == 404
    assert as_organiser.get("/events/no-such-event/manage").status_code == 404


def test_dashboard_links_every_section(as_organiser, world):
    page = as_organiser.get(f"/events/{world.slug}/manage").get_data(as_text=True)
    for path in ("settings", "sessions", "tables", "topics", "types", "participants"):
        assert f'href="/events/{world.slug}/manage/{path}"' in page


def test_manage_link_only_for_organisers(client, world):
    page = client.get(f"/events/{world.slug}").get_data(as_text=True)
    assert "/manage" not in page
    login(client, world.organiser_email, PASSWORD)
    page = client.get(f"/events/{world.slug}").get_data(as_text=True)
    assert f'href="/events/{world.slug}/manage"' in page


def test_index_lists_events_with_links(client, world):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/events/event-a"' in page
    assert 'href="/events/event-b"' in page
