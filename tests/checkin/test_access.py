"""Who may use the desk and the organiser's check-in pages; staff roles by e-mail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from brokerage.events.models import EventRole, EventRoleKind
from brokerage.extensions import db
from tests.checkin.conftest import World, as_user, desk_url

DESK_PAGES = ["/checkin", "/checkin/participants/{ada}/undo"]
MANAGE_PAGES = [
    "/manage/checkin",
    "/manage/checkin/staff",
    "/manage/checkin.csv",
    "/manage/checkin.xlsx",
]


def urls(world: World, pages: list[str]) -> list[str]:
    return [f"/events/{world.slug}" + page.format(**world.people) for page in pages]


def test_anonymous_users_go_to_the_login_page(client, world):
    for url in urls(world, DESK_PAGES + MANAGE_PAGES):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["ada@example.org", "other-staff@example.org"])
def test_participants_and_staff_of_another_event_are_refused(client, world, who):
    as_user(client, who)
    for url in urls(world, DESK_PAGES + MANAGE_PAGES):
        assert client.get(url).status_code == 403, url
    scan = client.post(
        desk_url(world),
        data={
            "token": world.tokens["bob"],
            "csrf_token": client.csrf_token("/account/password/forgot"),
        },
    )
    assert scan.status_code == 403


@pytest.mark.parametrize("who", ["org@example.org", "staff@example.org", "root@example.org"])
def test_organisers_staff_and_admins_use_the_desk(client, world, who):
    as_user(client, who)
    page = client.get(desk_url(world))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="token"' in html
    assert "Check-in desk" in html  # the nav link


def test_staff_see_only_the_check_in_pages(client, world):
    as_user(client, world.staff)
    other_manage_pages = ["/manage", "/manage/participants", "/manage/settings", "/manage/schedule"]
    for url in urls(world, [*MANAGE_PAGES, *other_manage_pages]):
        assert client.get(url).status_code == 403, url
    event_page = client.get(f"/events/{world.slug}").get_data(as_text=True)
    assert f'href="/events/{world.slug}/checkin"' in event_page
    assert f'href="/events/{world.slug}/manage"' not in event_page


def test_participants_do_not_see_the_desk_link(client, world):
    as_user(client, "ada@example.org")
    event_page = client.get(f"/events/{world.slug}").get_data(as_text=True)
    assert f"/events/{world.slug}/checkin" not in event_page


def test_organiser_page_links_to_staff_and_desk(client, world):
    as_user(client, world.organiser)
    html = client.get(f"/events/{world.slug}/manage/checkin").get_data(as_text=True)
    assert f'href="/events/{world.slug}/manage/checkin/staff"' in html
    assert f'href="/events/{world.slug}/checkin"' in html
    manage = client.get(f"/events/{world.slug}/manage").get_data(as_text=True)
    assert f'href="/events/{world.slug}/manage/checkin"' in manage  # the side menu


def _staff_roles(app, email: str) -> int:
    from brokerage.auth.models import User

    with app.app_context():
        return db.session.scalar(
            select(func.count(EventRole.id))
            .join(User, EventRole.user_id == User.id)
            .where(User.email == email, EventRole.kind == EventRoleKind.CHECKIN_STAFF)
        )


def test_organiser_grants_and_revokes_the_staff_role_by_email(app, client, world):
    staff_url = f"/events/{world.slug}/manage/checkin/staff"
    as_user(client, world.organiser)
    unknown = client.submit(staff_url, {"email": "nobody@example.org"})
    assert unknown.status_code == 200
    assert "No account uses this e-mail address" in unknown.get_data(as_text=True)

    for _ in range(2):  # granting twice is harmless
        response = client.submit(staff_url, {"email": "Bob@Example.org"})
        assert response.status_code == 302
    assert _staff_roles(app, "bob@example.org") == 1
    assert "bob@example.org" in client.get(staff_url).get_data(as_text=True)

    client.post("/account/logout", data={"csrf_token": client.csrf_token("/")})
    as_user(client, "bob@example.org")
    assert client.get(desk_url(world)).status_code == 200
    assert client.get(f"/events/{world.other_slug}/checkin").status_code == 403

    client.post("/account/logout", data={"csrf_token": client.csrf_token("/")})
    as_user(client, world.organiser)
    with app.app_context():
        from brokerage.auth.services import find_user_by_email

        bob_user_id = find_user_by_email("bob@example.org").id
    removed = client.submit(f"{staff_url}/{bob_user_id}/remove", {}, form_url=staff_url)
    assert removed.status_code == 302
    assert _staff_roles(app, "bob@example.org") == 0
    # Removing again: not staff any more, a 404 rather than an error page.
    again = client.submit(f"{staff_url}/{bob_user_id}/remove", {}, form_url=staff_url)
    assert again.status_code == 404


def test_staff_cannot_manage_staff(client, world):
    as_user(client, world.staff)
    response = client.post(
        f"/events/{world.slug}/manage/checkin/staff/{world.staff_id}/remove",
        data={"csrf_token": client.csrf_token(desk_url(world))},
    )
    assert response.status_code == 403
