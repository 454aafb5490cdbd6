"""Absolute links outside a request (CLI commands, background jobs)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from flask import current_app, has_request_context


def link_context() -> AbstractContextManager:
    """A context in which ``url_for(..., _external=True)`` works.

    Inside a request, or with SERVER_NAME set, Flask already knows the host; otherwise the
    links point at PUBLIC_URL, the address people reach the site by.
    """
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return nullcontext()
    return current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"])
