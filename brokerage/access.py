"""Who may do what: one place for the checks every view states.

Views call these at the top; each aborts with 403/404 (or sends anonymous users to the login
page) so a forbidden path never reaches a service.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from brokerage.events.models import Event, EventRole, EventRoleKind
from brokerage.extensions import db


def get_event_or_404(slug: str) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


def event_roles(event: Event, user: Any = None) -> frozenset[EventRoleKind]:
    """The user's roles at the event, in one query; an admin holds every role."""
    user = user if user is not None else current_user
    if not user.is_authenticated:
        return frozenset()
    if user.is_admin:
        return frozenset(EventRoleKind)
    return frozenset(
        db.session.scalars(
            select(EventRole.kind).where(
                EventRole.event_id == event.id, EventRole.user_id == user.id
            )
        )
    )


def has_event_role(event: Event, kind: EventRoleKind, user: Any = None) -> bool:
    return kind in event_roles(event, user)


def is_organiser(event: Event, user: Any = None) -> bool:
    return has_event_role(event, EventRoleKind.ORGANISER, user)


def admin_required(view: Callable) -> Callable:
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def organiser_required(view: Callable) -> Callable:
    """For views under /events/<slug>/manage: passes the loaded event as `event`."""

    @wraps(view)
    @login_required
    def wrapped(slug: str, *args: Any, **kwargs: Any) -> Any:
        event = get_event_or_404(slug)
        if not is_organiser(event):
            abort(403)
        return view(event, *args, **kwargs)

    return wrapped


def is_checkin_staff(event: Event, user: Any = None) -> bool:
    """Check-in staff of this event, its organisers, and admins."""
    return not event_roles(event, user).isdisjoint(
        {EventRoleKind.CHECKIN_STAFF, EventRoleKind.ORGANISER}
    )


def checkin_staff_required(view: Callable) -> Callable:
    """For the check-in desk: passes the loaded event as `event`."""

    @wraps(view)
    @login_required
    def wrapped(slug: str, *args: Any, **kwargs: Any) -> Any:
        event = get_event_or_404(slug)
        if not is_checkin_staff(event):
            abort(403)
        return view(event, *args, **kwargs)

    return wrapped
