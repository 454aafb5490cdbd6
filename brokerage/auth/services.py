"""Account operations. They flush; the calling view or command commits."""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import func, select

from brokerage.auth.models import User
from brokerage.auth.tokens import RESET_SALT, VERIFY_SALT, make_token, read_token
from brokerage.db_types import utcnow
from brokerage.extensions import db
from brokerage.mail import queue_mail


class AccountError(ValueError):
    """A refusal with a message meant for the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(
    email: str, password: str, *, display_name: str = "", is_admin: bool = False
) -> User:
    if find_user_by_email(email) is not None:
        raise AccountError("An account with this e-mail address already exists. Log in instead.")
    user = User(email=normalise_email(email), display_name=display_name.strip(), is_admin=is_admin)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(email: str, password: str, display_name: str = "") -> User:
    user = create_user(email, password, display_name=display_name)
    send_verification(user)
    return user


def send_verification(user: User) -> None:
    token = make_token(VERIFY_SALT, {"user": user.id, "email": user.email})
    link = url_for("auth.verify_email", token=token, _external=True)
    queue_mail(user.email, "Confirm your e-mail address", "verify_email", user=user, link=link)


def verify_email(token: str) -> User:
    payload = read_token(VERIFY_SALT, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload.get("user")) if payload else None
    # The e-mail in the token must still be the account's, so a stale link cannot verify.
    if user is None or user.email != payload.get("email"):
        raise AccountError("This confirmation link is invalid or has expired. Request a new one.")
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.flush()
    return user


def authenticate(email: str, password: str) -> User:
    user = find_user_by_email(email)
    # One message for every failure, so the form does not reveal which e-mails exist.
    if user is None or not user.check_password(password) or not user.is_active:
        raise AccountError("Wrong e-mail address or password.")
    return user


def request_password_reset(email: str) -> None:
    """Sends a reset link if the account exists; says nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = make_token(RESET_SALT, {"user": user.id, "stamp": user.security_stamp})
    link = url_for("auth.reset_password", token=token, _external=True)
    queue_mail(user.email, "Reset your password", "reset_password", user=user, link=link)


def user_for_reset_token(token: str) -> User:
    payload = read_token(RESET_SALT, token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload.get("user")) if payload else None
    # The stamp changes with every password change, so a reset link works only once.
    if user is None or user.security_stamp != payload.get("stamp"):
        raise AccountError(
            "This reset link is invalid, expired or already used. Request a new one."
        )
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    user.set_password(new_password)
    # Following the link proves the address, too.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    db.session.flush()
    return user
