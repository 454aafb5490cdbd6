"""Event set-up: events, organisers, sessions and slots, tables and booths, topics, types.

Every function flushes and never commits; the calling view or CLI command commits once.
Refusals raise `EventSetupError` with a message meant for the organiser; its `field` names
the form field the message belongs to (or None for the whole form).

Public signatures (the demo loader and other domains rely on these):

    create_event(*, title, slug, timezone, start_date, end_date, created_by, **optional) -> Event
        optional: description, venue, registration_opens_at, registration_closes_at,
        booking_deadline, meeting_minutes, changeover_minutes, max_meetings_per_participant,
        requires_approval, capacity, topics (names; default DEFAULT_TOPICS),
        participant_types ((name, colour) pairs; default DEFAULT_PARTICIPANT_TYPES).
        Naive datetimes are read in the event's time zone; aware ones are kept as given.
    update_event(event, **changes) -> Event          same keywords as create_event's
    name_organiser(event, user) -> EventRole         idempotent
    remove_organiser(event, user) -> None
    add_session(event, name, day, start_time, end_time) -> MeetingSession   (local times)
    update_session(session, name, day, start_time, end_time) -> MeetingSession
    delete_session(session) -> None
    sync_slots(event) -> SlotChanges                 keeps Slot rows whose start still exists
    generate_tables(event, count, prefix="") -> list[Table]   adds `count` tables
    rename_table(table, label) -> Table
    delete_table(table) -> None
    set_booth(table, participant | None) -> Table    one booth per participant
    add_topic(event, name) / rename_topic(topic, name) / delete_topic(topic)
    add_participant_type(event, name, colour) / update_participant_type(type_, name, colour)
    delete_participant_type(type_)
    event_figures(event) -> EventFigures             slots per session, tables, capacity
    local_to_utc(day, time, zone) -> datetime        refuses times a clock change skips
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import func, select

from brokerage.auth.models import User
from brokerage.events.defaults import (
    DEFAULT_CHANGEOVER_MINUTES,
    DEFAULT_MEETING_MINUTES,
    DEFAULT_PARTICIPANT_TYPES,
    DEFAULT_TOPICS,
)
from brokerage.events.models import (
    Event,
    EventRole,
    EventRoleKind,
    MeetingSession,
    ParticipantType,
    Slot,
    Table,
    Topic,
)
from brokerage.extensions import db
from brokerage.registration.models import (
    Organisation,
    Participant,
    opportunity_topics,
    participant_topics,
)

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_TABLES_AT_ONCE = 500
MIN_YEAR, MAX_YEAR = 2000, 2100  # keeps local-to-UTC arithmetic far from datetime's limits

# Columns update_event may change, with the kind of value each takes.
_DATETIME_FIELDS = ("registration_opens_at", "registration_closes_at", "booking_deadline")
_PLAIN_FIELDS = (
    "title",
    "slug",
    "description",
    "venue",
    "timezone",
    "start_date",
    "end_date",
    "meeting_minutes",
    "changeover_minutes",
    "max_meetings_per_participant",
    "max_requests_per_participant",
    "request_expiry_days",
    "requires_approval",
    "capacity",
)


class EventSetupError(ValueError):
    """A refusal with a message meant for the organiser."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SlotChanges:
    kept: int
    added: int
    removed: int


@dataclass(frozen=True)
class SessionFigures:
    session: MeetingSession
    slots: int


@dataclass(frozen=True)
class EventFigures:
    sessions: list[SessionFigures]
    total_slots: int
    tables: int
    shared_tables: int
    booths: int

    @property
    def shared_capacity(self) -> int:
        """Meetings the shared tables can hold: shared tables × slots."""
        return self.shared_tables * self.total_slots


# --- time -------------------------------------------------------------------------------


@cache
def valid_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_timezone(name: str) -> bool:
    # Checked against the list rather than ZoneInfo(name), which would also read paths.
    return name in valid_timezones()


def local_to_utc(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """A local wall-clock time as an aware UTC datetime; refuses times a clock change skips."""
    local = datetime.combine(day, clock, tzinfo=zone)
    try:
        moment = local.astimezone(UTC)
    except OverflowError:  # the far ends of year 1 and 9999
        raise EventSetupError(f"{day:%d %b %Y} is out of range.") from None
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise EventSetupError(
            f"{clock:%H:%M} does not exist on {day:%d %b %Y} in {zone.key}: "
            "the clocks change that night.",
        )
    return moment


def _as_utc(value: datetime | None, zone: ZoneInfo, field: str) -> datetime | None:
    """Naive datetimes are local to the event; aware ones are kept."""
    if value is None:
        return None
    if value.tzinfo is None:
        try:
            return local_to_utc(value.date(), value.time(), zone)
        except EventSetupError as error:
            raise EventSetupError(str(error), field) from None
    return value.astimezone(UTC)


# --- events -----------------------------------------------------------------------------


def find_event_by_slug(slug: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.slug == slug))


def create_event(
    *,
    title: str,
    slug: str,
    timezone: str,
    start_date: date,
    end_date: date,
    created_by: User | None,
    **optional: Any,
) -> Event:
    """A new event with the default topics and participant types (unless given)."""
    topics: Iterable[str] = optional.pop("topics", DEFAULT_TOPICS)
    types: Iterable[tuple[str, str]] = optional.pop("participant_types", DEFAULT_PARTICIPANT_TYPES)
    event = Event(
        title="",
        slug="",
        timezone="UTC",
        start_date=start_date,
        end_date=end_date,
        description="",
        venue="",
        meeting_minutes=DEFAULT_MEETING_MINUTES,
        changeover_minutes=DEFAULT_CHANGEOVER_MINUTES,
        requires_approval=True,
        created_by=created_by,
    )
    _apply_changes(
        event,
        {
            "title": title,
            "slug": slug,
            "timezone": timezone,
            "start_date": start_date,
            "end_date": end_date,
            **optional,
        },
        is_new=True,
    )
    event.topics = [Topic(name=name) for name in topics]
    event.participant_types = [
        ParticipantType(name=name, colour=colour, position=position)
        for position, (name, colour) in enumerate(types)
    ]
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, **changes: Any) -> Event:
    """Change an event's settings. Sessions keep their local times if the zone changes."""
    old_zone = event.zone
    old_lengths = (event.meeting_minutes, event.changeover_minutes)
    _apply_changes(event, changes, is_new=False)
    if event.zone.key != old_zone.key:
        _reanchor_sessions(event, old_zone)
    if (event.meeting_minutes, event.changeover_minutes) != old_lengths or (
        event.zone.key != old_zone.key
    ):
        sync_slots(event)
    db.session.flush()
    return event


def _apply_changes(event: Event, changes: dict[str, Any], *, is_new: bool) -> None:
    unknown = set(changes) - set(_PLAIN_FIELDS) - set(_DATETIME_FIELDS)
    if unknown:
        raise TypeError(f"unknown event settings: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {
        name: getattr(event, name) for name in (*_PLAIN_FIELDS, *_DATETIME_FIELDS)
    }
    values.update(changes)

    title = (values["title"] or "").strip()
    if not title:
        raise EventSetupError("Give the event a title.", "title")
    values["title"] = title
    slug = (values["slug"] or "").strip().lower()
    if not SLUG_PATTERN.match(slug) or len(slug) > 64:
        raise EventSetupError(
            "Use lower-case letters, digits and single hyphens, at most 64 characters.", "slug"
        )
    taken = find_event_by_slug(slug)
    if taken is not None and (is_new or taken.id != event.id):
        raise EventSetupError("Another event already uses this address.", "slug")
    values["slug"] = slug
    if not is_valid_timezone(values["timezone"] or ""):
        raise EventSetupError("Choose a time zone such as Europe/Brussels.", "timezone")
    zone = ZoneInfo(values["timezone"])
    for name in ("start_date", "end_date"):
        if not MIN_YEAR <= values[name].year <= MAX_YEAR:
            raise EventSetupError(f"Choose a date from {MIN_YEAR} to {MAX_YEAR}.", name)
    if values["end_date"] < values["start_date"]:
        raise EventSetupError("The event cannot end before it starts.", "end_date")
    if values["meeting_minutes"] is None or values["meeting_minutes"] <= 0:
        raise EventSetupError("A meeting lasts at least one minute.", "meeting_minutes")
    if values["changeover_minutes"] is None or values["changeover_minutes"] < 0:
        raise EventSetupError("The changeover cannot be negative.", "changeover_minutes")
    for name in (
        "max_meetings_per_participant",
        "max_requests_per_participant",
        "request_expiry_days",
        "capacity",
    ):
        if values[name] is not None and values[name] <= 0:
            raise EventSetupError("Leave this empty or enter a positive number.", name)
    for name in _DATETIME_FIELDS:
        # Re-read stored values in the (possibly new) zone only when they were changed.
        if name in changes:
            values[name] = _as_utc(values[name], zone, name)
    opens, closes = values["registration_opens_at"], values["registration_closes_at"]
    if opens and closes and closes <= opens:
        raise EventSetupError("Registration must close after it opens.", "registration_closes_at")
    deadline = values["booking_deadline"]
    if deadline and opens and deadline <= opens:
        raise EventSetupError(
            "The booking deadline must come after registration opens.", "booking_deadline"
        )
    if not is_new:
        outside = [
            session.name
            for session in event.sessions
            if not values["start_date"]
            <= event.local(session.starts_at).date()
            <= values["end_date"]
        ]
        if outside and (values["start_date"], values["end_date"]) != (
            event.start_date,
            event.end_date,
        ):
            raise EventSetupError(
                "These sessions would fall outside the new dates; move or delete them first: "
                + ", ".join(outside)
                + ".",
                "start_date",
            )
    for name, value in values.items():
        if isinstance(value, str) and name not in ("title", "slug", "timezone"):
            value = value.strip()
        setattr(event, name, value)


def _reanchor_sessions(event: Event, old_zone: ZoneInfo) -> None:
    """After a zone change, keep each session's local wall-clock times."""
    for session in event.sessions:
        start = session.starts_at.astimezone(old_zone)
        end = session.ends_at.astimezone(old_zone)
        try:
            session.starts_at = local_to_utc(start.date(), start.time(), event.zone)
            session.ends_at = local_to_utc(end.date(), end.time(), event.zone)
        except EventSetupError as error:
            raise EventSetupError(str(error), "timezone") from None


def events_organised_by(user: User) -> list[Event]:
    query = select(Event).order_by(Event.start_date.desc())
    if not user.is_admin:
        query = query.join(EventRole).where(
            EventRole.user_id == user.id, EventRole.kind == EventRoleKind.ORGANISER
        )
    return list(db.session.scalars(query))


# --- organisers -------------------------------------------------------------------------


def role_holders(event: Event, kind: EventRoleKind) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(EventRole, EventRole.user_id == User.id)
            .where(EventRole.event_id == event.id, EventRole.kind == kind)
            .order_by(User.email)
        )
    )


def _role(event: Event, user: User, kind: EventRoleKind) -> EventRole | None:
    return db.session.scalar(
        select(EventRole).where(
            EventRole.event_id == event.id, EventRole.user_id == user.id, EventRole.kind == kind
        )
    )


def grant_role(event: Event, user: User, kind: EventRoleKind) -> EventRole:
    """Idempotent: granting a role twice leaves one role."""
    role = _role(event, user, kind)
    if role is None:
        role = EventRole(event=event, user=user, kind=kind)
        db.session.add(role)
        db.session.flush()
    return role


def revoke_role(event: Event, user: User, kind: EventRoleKind) -> bool:
    """Whether the user held the role (and no longer does)."""
    role = _role(event, user, kind)
    if role is None:
        return False
    db.session.delete(role)
    db.session.flush()
    return True


def organisers(event: Event) -> list[User]:
    return role_holders(event, EventRoleKind.ORGANISER)


def name_organiser(event: Event, user: User) -> EventRole:
    return grant_role(event, user, EventRoleKind.ORGANISER)


def remove_organiser(event: Event, user: User) -> None:
    if not revoke_role(event, user, EventRoleKind.ORGANISER):
        raise EventSetupError(f"{user.email} is not an organiser of this event.")


# --- sessions and slots -----------------------------------------------------------------


def _session_times(
    event: Event, day: date, start_time: time, end_time: time
) -> tuple[datetime, datetime]:
    if not event.start_date <= day <= event.end_date:
        raise EventSetupError(
            f"Choose a day from {event.start_date:%d %b %Y} to {event.end_date:%d %b %Y}.", "day"
        )
    if end_time <= start_time:
        raise EventSetupError("The session must end after it starts.", "end_time")
    try:
        starts_at = local_to_utc(day, start_time, event.zone)
    except EventSetupError as error:
        raise EventSetupError(str(error), "start_time") from None
    try:
        ends_at = local_to_utc(day, end_time, event.zone)
    except EventSetupError as error:
        raise EventSetupError(str(error), "end_time") from None
    return starts_at, ends_at


def _check_overlap(
    event: Event, starts_at: datetime, ends_at: datetime, ignore: MeetingSession | None = None
) -> None:
    for other in event.sessions:
        if other is ignore:
            continue
        if starts_at < other.ends_at and other.starts_at < ends_at:
            start = event.local(other.starts_at)
            end = event.local(other.ends_at)
            raise EventSetupError(
                f"This overlaps “{other.name}” ({start:%d %b %H:%M}–{end:%H:%M}).", "start_time"
            )


def _clean_name(name: str, field: str = "name") -> str:
    name = (name or "").strip()
    if not name:
        raise EventSetupError("Enter a name.", field)
    return name


def add_session(
    event: Event, name: str, day: date, start_time: time, end_time: time
) -> MeetingSession:
    """A new session at local times on `day`; its slots are derived at once."""
    name = _clean_name(name)
    starts_at, ends_at = _session_times(event, day, start_time, end_time)
    _check_overlap(event, starts_at, ends_at)
    session = MeetingSession(name=name, starts_at=starts_at, ends_at=ends_at)
    event.sessions.append(session)
    db.session.flush()
    sync_slots(event)
    return session


def update_session(
    session: MeetingSession, name: str, day: date, start_time: time, end_time: time
) -> MeetingSession:
    event = session.event
    name = _clean_name(name)
    starts_at, ends_at = _session_times(event, day, start_time, end_time)
    _check_overlap(event, starts_at, ends_at, ignore=session)
    session.name = name
    session.starts_at = starts_at
    session.ends_at = ends_at
    db.session.flush()
    sync_slots(event)
    return session


def delete_session(session: MeetingSession) -> None:
    event = session.event
    event.sessions.remove(session)  # delete-orphan removes the session and its slots
    db.session.flush()


def sync_slots(event: Event) -> SlotChanges:
    """Make each session's Slot rows match its derived times.

    A row whose start time is still derived is kept (its end follows the meeting length),
    so whatever refers to it survives a change of length; the others are removed or added.
    """
    kept = added = removed = 0
    for session in event.sessions:
        wanted = session.slot_times(event.meeting_minutes, event.changeover_minutes)
        ends_by_start = {start.astimezone(UTC): end.astimezone(UTC) for start, end in wanted}
        for slot in list(session.slots):
            start = slot.starts_at.astimezone(UTC)
            if start in ends_by_start:
                slot.ends_at = ends_by_start.pop(start)
                kept += 1
            else:
                session.slots.remove(slot)
                removed += 1
        # Deletions go out first so a later unit of work cannot trip over old rows.
        db.session.flush()
        for start, end in sorted(ends_by_start.items()):
            session.slots.append(Slot(starts_at=start, ends_at=end))
            added += 1
    db.session.flush()
    return SlotChanges(kept=kept, added=added, removed=removed)


def event_figures(event: Event) -> EventFigures:
    sessions = [SessionFigures(session, len(session.slots)) for session in event.sessions]
    booths = sum(1 for table in event.tables if table.is_booth)
    return EventFigures(
        sessions=sessions,
        total_slots=sum(figure.slots for figure in sessions),
        tables=len(event.tables),
        shared_tables=len(event.tables) - booths,
        booths=booths,
    )


# --- tables and booths ------------------------------------------------------------------


def _clean_label(label: str) -> str:
    label = (label or "").strip()
    if not label:
        raise EventSetupError("Enter a label.", "label")
    if len(label) > 40:
        raise EventSetupError("Use at most 40 characters.", "label")
    return label


def generate_tables(event: Event, count: int, prefix: str = "") -> list[Table]:
    """Add `count` tables labelled prefix+1, prefix+2, ..., skipping labels already taken."""
    if not 1 <= count <= MAX_TABLES_AT_ONCE:
        raise EventSetupError(f"Add between 1 and {MAX_TABLES_AT_ONCE} tables.", "count")
    prefix = (prefix or "").strip()
    if len(prefix) > 30:
        raise EventSetupError("Use at most 30 characters.", "prefix")
    taken = {table.label for table in event.tables}
    position = max((table.position for table in event.tables), default=0)
    number = 0
    created: list[Table] = []
    while len(created) < count:
        number += 1
        label = f"{prefix}{number}"
        if label in taken:
            continue
        position += 1
        table = Table(label=label, position=position)
        event.tables.append(table)
        created.append(table)
    db.session.flush()
    return created


def rename_table(table: Table, label: str) -> Table:
    label = _clean_label(label)
    if any(other.label == label and other is not table for other in table.event.tables):
        raise EventSetupError("Another table already has this label.", "label")
    table.label = label
    db.session.flush()
    return table


def delete_table(table: Table) -> None:
    table.event.tables.remove(table)
    db.session.flush()


def set_booth(table: Table, participant: Participant | None) -> Table:
    """Make `table` the booth of `participant`, or a shared table again with None."""
    if participant is not None:
        if participant.event_id != table.event_id:
            raise EventSetupError("Choose a participant of this event.", "booth_owner")
        current = db.session.scalar(select(Table).where(Table.booth_owner_id == participant.id))
        if current is not None and current is not table:
            raise EventSetupError(
                f"{participant.full_name} already has table {current.label} as a booth. "
                "Free that table first.",
                "booth_owner",
            )
    table.booth_owner = participant
    table.booth_owner_id = participant.id if participant is not None else None
    db.session.flush()
    return table


# --- topics and participant types -------------------------------------------------------


def _check_unique_name(items: Iterable[Any], name: str, item: Any = None) -> None:
    if any(other.name.casefold() == name.casefold() and other is not item for other in items):
        raise EventSetupError("This name is already in the list.", "name")


def add_topic(event: Event, name: str) -> Topic:
    name = _clean_name(name)
    _check_unique_name(event.topics, name)
    topic = Topic(name=name)
    event.topics.append(topic)
    db.session.flush()
    return topic


def rename_topic(topic: Topic, name: str) -> Topic:
    name = _clean_name(name)
    _check_unique_name(topic.event.topics, name, topic)
    topic.name = name
    db.session.flush()
    return topic


def topic_uses(topic: Topic) -> int:
    participants = db.session.scalar(
        select(func.count()).where(participant_topics.c.topic_id == topic.id)
    )
    opportunities = db.session.scalar(
        select(func.count()).where(opportunity_topics.c.topic_id == topic.id)
    )
    return (participants or 0) + (opportunities or 0)


def delete_topic(topic: Topic) -> None:
    uses = topic_uses(topic)
    if uses:
        raise EventSetupError(
            f"“{topic.name}” is chosen by participants or opportunities ({uses}); "
            "rename it instead of deleting it."
        )
    topic.event.topics.remove(topic)
    db.session.flush()


def _clean_colour(colour: str) -> str:
    colour = (colour or "").strip()
    if not COLOUR_PATTERN.match(colour):
        raise EventSetupError("Use a colour such as #1e7145.", "colour")
    return colour.lower()


def add_participant_type(event: Event, name: str, colour: str) -> ParticipantType:
    name = _clean_name(name)
    colour = _clean_colour(colour)
    _check_unique_name(event.participant_types, name)
    position = max((item.position for item in event.participant_types), default=-1) + 1
    type_ = ParticipantType(name=name, colour=colour, position=position)
    event.participant_types.append(type_)
    db.session.flush()
    return type_


def update_participant_type(type_: ParticipantType, name: str, colour: str) -> ParticipantType:
    name = _clean_name(name)
    colour = _clean_colour(colour)
    _check_unique_name(type_.event.participant_types, name, type_)
    type_.name = name
    type_.colour = colour
    db.session.flush()
    return type_


def participant_type_uses(type_: ParticipantType) -> int:
    return (
        db.session.scalar(
            select(func.count(Organisation.id)).where(Organisation.type_id == type_.id)
        )
        or 0
    )


def delete_participant_type(type_: ParticipantType) -> None:
    uses = participant_type_uses(type_)
    if uses:
        raise EventSetupError(
            f"“{type_.name}” is the type of {uses} registered organisation(s); "
            "rename it instead of deleting it."
        )
    type_.event.participant_types.remove(type_)
    db.session.flush()
