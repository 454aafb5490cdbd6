"""Who may see and change badges: organisers of the event (and admins) only; a participant
downloads their own badge once approved."""

from __future__ import annotations

import pytest

from tests.badges.conftest import World, logout, pdf_pages
from tests.conftest import login
from tests.factories import PASSWORD, commit, make_user

ORGANISER_PAGES = [
    "/events/{slug}/manage/badges",
    "/events/{slug}/manage/badges/preview",
    "/events/{slug}/manage/badges.pdf",
    "/events/{slug}/manage/badges.pdf?layout=a4",
]


def urls(world: World) -> list[str]:
    return [page.format(slug=world.slug) for page in ORGANISER_PAGES]


def test_anonymous_users_are_sent_to_the_login_page(client, world):
    for url in [*urls(world), f"/events/{world.slug}/badge.pdf"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["participant", "staff", "other_organiser", "outsider"])
def test_others_may_not_use_the_organiser_pages(client, world, who):
    email = {
        "participant": world.emails["ada"],
        "staff": world.staff,
        "other_organiser": world.other_organiser,
        "outsider": world.outsider,
    }[who]
    login(client, email, PASSWORD)
    for url in urls(world):
        assert client.get(url).status_code == 403, url
    for url in (
        f"/events/{world.slug}/manage/badges",
        f"/events/{world.slug}/manage/badges/logo/remove",
        f"/events/{world.slug}/manage/badges/printed",
    ):
        response = client.post(url, data={"csrf_token": client.csrf_token("/")})
        assert response.status_code == 403, url


def test_organisers_and_admins_may(app, client, world):
    login(client, world.organiser, PASSWORD)
    for url in urls(world):
        assert client.get(url).status_code == 200, url
    with app.app_context():
        make_user("root@example.org", is_admin=True)
        commit()
    logout(client)
    login(client, "root@example.org", PASSWORD)
    assert client.get(urls(world)[0]).status_code == 200


def test_the_manage_menu_links_to_badges(client, world):
    login(client, world.organiser, PASSWORD)
    html = client.get(f"/events/{world.slug}/manage").get_data(as_text=True)
    assert f'href="/events/{world.slug}/manage/badges"' in html


def test_unknown_event_is_404(client, world):
    login(client, world.organiser, PASSWORD)
    assert client.get("/events/no-such-event/manage/badges").status_code == 404
    assert client.get("/events/no-such-event/badge.pdf").status_code == 404


def test_an_approved_participant_downloads_their_own_badge(client, world):
    login(client, world.emails["czech"], PASSWORD)
    page = client.get(f"/events/{world.slug}").get_data(as_text=True)
    assert f'href="/events/{world.slug}/badge.pdf"' in page
    response = client.get(f"/events/{world.slug}/badge.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pages = pdf_pages(response.data)
    assert len(pages) == 1
    assert "Dvořáková-Müllerová" in pages[0]
    assert "Lovelace" not in pages[0]


def test_a_pending_participant_has_no_badge_yet(client, world):
    login(client, world.pending, PASSWORD)
    assert "badge.pdf" not in client.get(f"/events/{world.slug}").get_data(as_text=True)
    response = client.get(f"/events/{world.slug}/badge.pdf")
    assert response.status_code == 403
    assert "once your registration is approved" in response.get_data(as_text=True)


def test_someone_not_registered_has_no_badge(client, world):
    login(client, world.outsider, PASSWORD)
    assert client.get(f"/events/{world.slug}/badge.pdf").status_code == 404
    logout(client)
    login(client, world.emails["ada"], PASSWORD)
    assert client.get(f"/events/{world.other_slug}/badge.pdf").status_code == 404
