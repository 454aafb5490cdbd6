"""Jinja filters and globals: times in the event's zone, country names."""

from __future__ import annotations

from datetime import datetime
from functools import cache

import pycountry
from flask import Flask

from brokerage.events.models import Event


@cache
def countries() -> list[tuple[str, str]]:
    """ISO 3166-1 (alpha-2, name) pairs sorted by name, for select fields."""
    return sorted(
        (
            (country.alpha_2, getattr(country, "common_name", country.name))
            for country in pycountry.countries
        ),
        key=lambda pair: pair[1],
    )


@cache
def country_name(code: str | None) -> str:
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", country.name) if country else code


def local_time(moment: datetime | None, event: Event, pattern: str = "%a %d %b %Y, %H:%M") -> str:
    """Format a stored UTC moment in the event's time zone."""
    if moment is None:
        return ""
    return event.local(moment).strftime(pattern)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.globals["site_name"] = "Brokerage"
