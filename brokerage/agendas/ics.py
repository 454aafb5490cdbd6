"""A participant's agenda as an iCalendar file (RFC 5545), for download and for the feed.

Calendar clients match events by UID and update them when SEQUENCE rises, so:
- the UID comes from the meeting request (`meeting-<request id>@<host>`), which keeps its id
  across runs and hand edits, so a moved meeting updates instead of duplicating;
- SEQUENCE is the meeting's own `sequence`, bumped by publishing and by every hand edit;
- a cancelled meeting stays in the feed as STATUS:CANCELLED until the event is over, so
  subscribed calendars remove it rather than keep a stale copy.
Times carry the event's TZID, defined by a VTIMEZONE built for the event's years only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, url_for

from brokerage.agendas.services import Agenda, AgendaMeeting
from brokerage.templating import country_name
from brokerage.urls import link_context

PRODUCT_ID = "-//Brokerage event scheduler//Agenda//EN"


def meeting_uid(request_id: int) -> str:
    return f"meeting-{request_id}@{_host()}"


def _host() -> str:
    """The site's host name, from PUBLIC_URL: stable whichever address served the request."""
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"


def event_is_over(agenda: Agenda, now: datetime) -> bool:
    event = agenda.event
    end = datetime.combine(event.end_date + timedelta(days=1), time(0), tzinfo=event.zone)
    return now >= end


def agenda_ics(agenda: Agenda, *, now: datetime | None = None) -> bytes:
    """The agenda's meetings as one VCALENDAR with a VEVENT each."""
    from icalendar import Calendar, Event

    now = now or datetime.now(UTC)
    event = agenda.event
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{event.title}: meetings of {agenda.participant.full_name}")
    calendar.add("x-wr-timezone", event.timezone)
    meetings = [
        meeting
        for meeting in agenda.meetings
        if not (meeting.cancelled and event_is_over(agenda, now))
    ]
    # Always there: RFC 5545 wants at least one component, also before publication.
    calendar.add_component(_timezone(event.timezone, event.start_date.year, event.end_date.year))
    with link_context():
        agenda_url = url_for("agendas.agenda", slug=event.slug, _external=True)
    for meeting in meetings:
        entry = Event()
        entry.add("uid", meeting_uid(meeting.request_id))
        entry.add("dtstamp", now)
        entry.add("dtstart", event.local(meeting.starts_at))
        entry.add("dtend", event.local(meeting.ends_at))
        entry.add("sequence", max(meeting.sequence, 0))
        entry.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
        entry.add("summary", _summary(meeting))
        entry.add("location", ", ".join(part for part in (meeting.place, event.venue) if part))
        link = f"{agenda_url}#meeting-{meeting.request_id}"
        entry.add("description", _description(meeting, link))
        entry.add("url", link)
        entry.add("transp", "TRANSPARENT" if meeting.cancelled else "OPAQUE")
        calendar.add_component(entry)
    return calendar.to_ical()


@cache
def _timezone(name: str, first_year: int, last_year: int):  # -> icalendar.Timezone
    """The VTIMEZONE for the event's years only: the zone's whole history would be slow and
    long. Built once per zone and years; to_ical() only reads it."""
    from icalendar import Timezone

    return Timezone.from_tzinfo(
        ZoneInfo(name),
        tzid=name,
        first_date=date(first_year, 1, 1),
        last_date=date(last_year + 1, 1, 1),
    )


def _summary(meeting: AgendaMeeting) -> str:
    prefix = "Cancelled: " if meeting.cancelled else ""
    return f"{prefix}Meeting with {meeting.partner_name} ({meeting.partner_organisation})"


def _description(meeting: AgendaMeeting, link: str) -> str:
    lines = [
        f"Meeting with {meeting.partner_name}, {meeting.partner_organisation} "
        f"({country_name(meeting.partner_country)}).",
        f"Where: {meeting.place}.",
    ]
    if meeting.opportunity_title:
        lines.append(f"About: {meeting.opportunity_title}.")
    if meeting.cancelled:
        lines.append("This meeting is cancelled.")
    lines.append(f"Your agenda: {link}")
    return "\n".join(lines)
