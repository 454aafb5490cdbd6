"""Sign-up, e-mail verification, login, logout and password reset through the pages."""

from __future__ import annotations

import re

import pytest
from flask_login import current_user

from brokerage.auth.models import User
from brokerage.extensions import db
from tests.conftest import login
from tests.factories import PASSWORD, commit, make_user


def _link_in(mail_text: str) -> str:
    match = re.search(r"http://localhost(/\S+)", mail_text)
    assert match, mail_text
    return match.group(1)


def test_signup_verify_and_login(client, app, mail_outbox):
    response = client.submit(
        "/account/signup",
        {
            "email": "New.Person@Example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "display_name": "New",
        },
    )
    assert response.status_code == 302
    assert [mail.to for mail in mail_outbox] == ["new.person@example.org"]
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email="new.person@example.org"))
        assert user is not None
        assert not user.is_verified
        assert user.password_hash != PASSWORD

    assert client.get(_link_in(mail_outbox[0].text)).status_code == 302
    with app.app_context():
        assert db.session.scalar(
            db.select(User).filter_by(email="new.person@example.org")
        ).is_verified

    client.submit("/account/logout", form_url="/")
    login(client, "NEW.person@example.org", PASSWORD)


def test_duplicate_email_is_refused_with_a_message(client, app):
    with app.app_context():
        make_user("taken@example.org")
        commit()
    response = client.submit(
        "/account/signup", {"email": "Taken@example.org", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 200
    assert "already exists" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"email": "not-an-email", "password": PASSWORD, "confirm": PASSWORD},
        {"email": "a@example.org", "password": "short", "confirm": "short"},
        {"email": "a@example.org", "password": PASSWORD, "confirm": "different password"},
        {"email": "a" * 10_000 + "@example.org", "password": PASSWORD, "confirm": PASSWORD},
        {"email": "a@example.org", "password": "x" * 10_000, "confirm": "x" * 10_000},
    ],
)
def test_bad_signup_input_gives_field_errors(client, app, data):
    response = client.submit("/account/signup", data)
    assert response.status_code == 200
    assert "is-invalid" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_post_without_csrf_token_is_a_400(client):
    response = client.post("/account/login", data={"email": "a@example.org", "password": PASSWORD})
    assert response.status_code == 400


def test_wrong_password_does_not_reveal_which_part_was_wrong(client, app):
    with app.app_context():
        make_user("known@example.org")
        commit()
    wrong_password = client.submit(
        "/account/login", {"email": "known@example.org", "password": "nope nope nope"}
    )
    unknown_user = client.submit(
        "/account/login", {"email": "ghost@example.org", "password": "nope nope nope"}
    )
    assert "Wrong e-mail address or password." in wrong_password.get_data(as_text=True)
    assert "Wrong e-mail address or password." in unknown_user.get_data(as_text=True)


def test_forged_or_tampered_verification_link_is_refused(client):
    assert client.get("/account/verify/not-a-token").status_code == 400


def test_password_reset_works_once_and_logs_out_old_sessions(client, app, mail_outbox):
    with app.app_context():
        make_user("forgetful@example.org")
        commit()
    other_browser = app.test_client()
    login(other_browser, "forgetful@example.org", PASSWORD)

    client.submit("/account/password/forgot", {"email": "forgetful@example.org"})
    client.submit("/account/password/forgot", {"email": "nobody@example.org"})
    assert [mail.to for mail in mail_outbox] == ["forgetful@example.org"]
    link = _link_in(mail_outbox[0].text)
    new_password = "a brand new passphrase"
    assert (
        client.submit(link, {"password": new_password, "confirm": new_password}).status_code == 302
    )
    assert client.get(link).status_code == 400  # used once

    with other_browser:
        other_browser.get("/")
        assert not current_user.is_authenticated
    client.submit("/account/logout", form_url="/")
    login(client, "forgetful@example.org", new_password)


def test_next_parameter_cannot_redirect_off_site(client, app):
    with app.app_context():
        make_user("someone@example.org")
        commit()
    response = client.submit(
        "/account/login?next=https://evil.example/",
        {"email": "someone@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"
