from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from brokerage.auth import services
from brokerage.auth.forms import (
    ForgotPasswordForm,
    LoginForm,
    ResendVerificationForm,
    ResetPasswordForm,
    SignupForm,
)
from brokerage.auth.models import User
from brokerage.extensions import db, login_manager

bp = Blueprint("auth", __name__, url_prefix="/account")

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, stamp = session_id.partition(":")
    if not user_id.isdigit() or not stamp.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.security_stamp != int(stamp):
        return None
    return user


def _safe_next(default: str) -> str:
    target = request.args.get("next", "")
    parts = urlsplit(target)
    # Only same-site paths: an open redirect would make phishing links look like ours.
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.netloc
        and not parts.scheme
    ):
        return target
    return default


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("events.index"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = services.sign_up(
                form.email.data, form.password.data, form.display_name.data or ""
            )
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)
            flash(
                "Welcome! We sent you an e-mail: follow its link to confirm your address.",
                "success",
            )
            return redirect(_safe_next(url_for("events.index")))
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(_safe_next(url_for("events.index")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(url_for("events.index")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("events.index"))


@bp.route("/verify/<token>")
def verify_email(token: str) -> str | Response:
    try:
        services.verify_email(token)
    except services.AccountError as error:
        db.session.rollback()
        return render_template("auth/message.html", title="Link not valid", message=str(error)), 400
    db.session.commit()
    flash("Thank you, your e-mail address is confirmed.", "success")
    return redirect(url_for("events.index"))


@bp.route("/verify/resend", methods=["POST"])
@login_required
def resend_verification() -> Response:
    form = ResendVerificationForm()
    if form.validate_on_submit() and not current_user.is_verified:
        services.send_verification(current_user)
        db.session.commit()
        flash("We sent a new confirmation link.", "info")
    return redirect(_safe_next(url_for("events.index")))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            "If an account exists for that address, we sent it a link to reset the password.",
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    try:
        services.user_for_reset_token(token)
    except services.AccountError as error:
        return render_template("auth/message.html", title="Link not valid", message=str(error)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = services.reset_password(token, form.password.data)
        db.session.commit()
        login_user(user)
        flash("Your password is changed.", "success")
        return redirect(url_for("events.index"))
    return render_template("auth/reset_password.html", form=form)
