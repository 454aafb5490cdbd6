"""Who may use the print-outs: organisers of this event and admins only."""

from __future__ import annotations

import pytest

from brokerage.extensions import db
from tests.agenda_prints.conftest import event_of
from tests.conftest import login
from tests.factories import PASSWORD, commit, make_event, make_user

GETS = ["", "/schedule.csv", "/schedule.xlsx", "/table-sheets.pdf", "/reprint"]
POSTS = ["/agendas.pdf", "/reprint/changed.pdf", "/reprint/email"]


def _base(world) -> str:
    return f"/events/{world.slug}/manage/prints"


@pytest.mark.parametrize("path", GETS + POSTS)
def test_anonymous_users_go_to_the_login_page(client, world, path):
    url = _base(world) + path
    if path in POSTS:
        token = client.csrf_token("/account/login")
        response = client.post(url, data={"csrf_token": token})
    else:
        response = client.get(url)
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


@pytest.fixture
def other_organiser(app):
    with app.app_context():
        user = make_user("someone-else@example.org")
        make_event(organiser=user)
        commit()
    return "someone-else@example.org"


@pytest.mark.parametrize("who", ["participant", "other organiser"])
@pytest.mark.parametrize("path", GETS + POSTS)
def test_participants_and_other_events_organisers_are_refused(
    client, world, other_organiser, who, path
):
    email = world.emails["ana"] if who == "participant" else other_organiser
    login(client, email, PASSWORD)
    url = _base(world) + path
    if path in POSTS:
        response = client.post(url, data={"csrf_token": client.csrf_token(f"/events/{world.slug}")})
    else:
        response = client.get(url)
    assert response.status_code == 403


def test_admins_may_print(client, world, app):
    with app.app_context():
        make_user("root@example.org", is_admin=True)
        commit()
    login(client, "root@example.org", PASSWORD)
    assert client.get(_base(world) + "/schedule.csv").status_code == 200


def test_an_unknown_event_is_a_404(organiser_client):
    assert organiser_client.get("/events/no-such-event/manage/prints").status_code == 404
    assert organiser_client.get("/events/no-such-event/manage/prints/reprint").status_code == 404


def test_nothing_is_recorded_for_a_refused_post(client, world, app):
    login(client, world.emails["ana"], PASSWORD)
    client.post(
        _base(world) + "/agendas.pdf",
        data={"csrf_token": client.csrf_token(f"/events/{world.slug}")},
    )
    with app.app_context():
        from sqlalchemy import func, select

        from brokerage.agendas.models import PrintedAgenda

        assert db.session.scalar(select(func.count(PrintedAgenda.id))) == 0


def test_a_post_without_csrf_token_is_refused(organiser_client, world):
    response = organiser_client.post(_base(world) + "/agendas.pdf")
    assert response.status_code == 400


def test_the_print_outs_page(organiser_client, world):
    page = organiser_client.get(_base(world)).get_data(as_text=True)
    assert f'aria-current="page" href="/events/{world.slug}/manage/prints"' in page
    assert "3 meetings and 1 cancelled" in page
    assert "6 participants" in page
    assert "3 tables and booths" in page
    assert "4 agendas changed since the last print" in page
    for label in ("Download all agendas", "Download table sheets", "Download XLSX", "Download CSV"):
        assert label in page


def test_unpublished_posts_refuse_with_a_message(organiser_client, world, app):
    with app.app_context():
        event_of(world).published_run_id = None
        db.session.commit()
    for path in POSTS:
        response = organiser_client.submit(_base(world) + path, form_url=_base(world))
        assert response.status_code == 302
    page = organiser_client.get(_base(world) + "/reprint").get_data(as_text=True)
    assert "no published schedule yet" in page
