"""Error pages that match the site, and a clean 400 for bad CSRF tokens."""

from __future__ import annotations

from itertools import chain

from flask import Flask, abort, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from brokerage.extensions import db

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Please go back and try again."),
    403: ("Not allowed", "You do not have permission to see or change this."),
    404: ("Not found", "We could not find that page. It may have moved or never existed."),
    405: ("Not allowed", "That action is not available here."),
    413: ("Too large", "The upload is larger than we accept."),
    500: ("Something went wrong", "An unexpected error happened. It has been logged."),
}


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = MESSAGES.get(code, ("Error", "Something went wrong."))
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def reject_nul_bytes() -> None:
    """Refuse NUL characters in any submitted text: PostgreSQL cannot store them.

    No person types one; without this guard, one forged byte would end as a 500.
    """
    submitted = chain(*request.args.listvalues(), *request.form.listvalues(), [request.path])
    if any("\x00" in value for value in submitted):
        abort(400, "The request contains a NUL character, which is not allowed in text.")


def init_app(app: Flask) -> None:
    app.before_request(reject_nul_bytes)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400, "Your form expired or was sent from another page. Please reload and try again."
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        detail = error.description if code in (400, 403, 404) and _is_custom(error) else None
        return render_error(code, detail)

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        return render_error(500)


def _is_custom(error: HTTPException) -> bool:
    # abort(400, "message") carries a message meant for the user; the default text does not.
    return error.description != type(error).description
