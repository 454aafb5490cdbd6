"""Reading the requested page number of a paginated list safely."""

from __future__ import annotations

from flask import request

# No list here has this many pages; the cap keeps absurd numbers away from the database.
MAX_PAGE = 100_000


def requested_page() -> int:
    """The ?page= number, 1 when missing or not a number, clamped to 1..MAX_PAGE."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)
