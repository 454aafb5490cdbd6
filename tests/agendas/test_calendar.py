"""iCalendar download and feed: every file is re-parsed with icalendar and checked."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from brokerage.agendas import feeds
from brokerage.agendas.ics import agenda_ics
from brokerage.agendas.services import agenda_for
from brokerage.auth.models import User
from brokerage.events.models import Slot, Table
from brokerage.extensions import db
from brokerage.scheduling.editing import cancel_meeting, move_meeting
from brokerage.scheduling.models import ScheduledMeeting
from tests.agendas.conftest import World, event_of, get, person
from tests.conftest import login
from tests.factories import PASSWORD, commit

FEED_URL = re.compile(r'id="calendar-feed-url" value="http://[^/"]+(/calendar/[^"]+\.ics)"')


def parse(body: bytes) -> Calendar:
    calendar = Calendar.from_ical(body)
    calendar.validate()  # the required properties and components are there
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded lines
    assert calendar["VERSION"] == "2.0"
    assert calendar.get("PRODID")
    return calendar


def events_by_uid(calendar: Calendar) -> dict[str, object]:
    return {str(entry["UID"]): entry for entry in calendar.walk("VEVENT")}


def download(client, world: World) -> Calendar:
    """The logged-in participant's agenda.ics, parsed."""
    response = client.get(f"/events/{world.slug}/agenda.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    return parse(response.data)


def meeting_row(world: World, pair: str) -> ScheduledMeeting:
    return (
        db.session.query(ScheduledMeeting)
        .filter_by(run_id=world.run_id, request_id=world.requests[pair])
        .one()
    )


@pytest.fixture
def cleo(client, world):
    login(client, world.emails["c"], PASSWORD)
    return client


def test_one_vevent_per_meeting_with_stable_uid_timezone_location_and_link(cleo, world):
    client = cleo
    calendar = download(client, world)
    timezones = list(calendar.walk("VTIMEZONE"))
    assert [str(zone["TZID"]) for zone in timezones] == ["Europe/Brussels"]
    entries = events_by_uid(calendar)
    assert set(entries) == {
        f"meeting-{world.requests[pair]}@127.0.0.1" for pair in ("cd", "ac", "bc")
    }
    dan = entries[f"meeting-{world.requests['cd']}@127.0.0.1"]
    start = dan["DTSTART"]
    assert start.params["TZID"] == "Europe/Brussels"
    assert start.dt.hour == 9
    assert start.dt.minute == 0
    assert str(start.dt.tzinfo) == "Europe/Brussels"
    assert dan["DTEND"].dt - start.dt == timedelta(minutes=20)
    assert dan["DTSTAMP"].dt.tzinfo is not None
    assert dan["SEQUENCE"] == 0
    assert dan["STATUS"] == "CONFIRMED"
    assert "Dan Dirac" in dan["SUMMARY"]
    assert str(dan["LOCATION"]) == "Table 1, Square, Brussels"
    description = str(dan["DESCRIPTION"])
    assert "Dan Dirac, Dirac Labs (Germany)" in description
    assert "About: Battery recycling pilot." in description
    link = f"http://localhost/events/{world.slug}/agenda#meeting-{world.requests['cd']}"
    assert link in description
    assert str(dan["URL"]) == link


def test_a_hand_move_keeps_the_uid_and_raises_the_sequence(app, cleo, world):
    client = cleo
    before = events_by_uid(download(client, world))
    uid = f"meeting-{world.requests['bc']}@127.0.0.1"
    with app.app_context():
        organiser = db.session.query(User).filter_by(email=world.organiser_email).one()
        move_meeting(
            meeting_row(world, "bc"),
            get(Slot, world.slots[5]),  # the afternoon, 14:00
            get(Table, world.tables[2]),
            locked=False,
            user=organiser,
        )
        commit()
    after = events_by_uid(download(client, world))
    assert set(after) == set(before)
    assert after[uid]["SEQUENCE"] > before[uid]["SEQUENCE"]
    assert after[uid]["DTSTART"].dt.hour == 14
    assert str(after[uid]["LOCATION"]).startswith("Table 3")
    untouched = f"meeting-{world.requests['cd']}@127.0.0.1"
    assert after[untouched]["SEQUENCE"] == before[untouched]["SEQUENCE"]


def test_a_cancelled_meeting_stays_as_cancelled_until_the_event_ends(app, cleo, world):
    client = cleo
    with app.app_context():
        organiser = db.session.query(User).filter_by(email=world.organiser_email).one()
        cancel_meeting(meeting_row(world, "cd"), user=organiser)
        commit()
    entries = events_by_uid(download(client, world))
    cancelled = entries[f"meeting-{world.requests['cd']}@127.0.0.1"]
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SEQUENCE"] == 1
    with app.app_context():
        event = event_of(world)
        agenda = agenda_for(event, person(world, "c"))
        after_the_event = datetime.combine(
            event.end_date + timedelta(days=2), datetime.min.time(), tzinfo=UTC
        )
        later = events_by_uid(parse(agenda_ics(agenda, now=after_the_event)))
    assert f"meeting-{world.requests['cd']}@127.0.0.1" not in later
    assert len(later) == 2


def test_before_publication_the_calendar_is_valid_and_empty(client, draft_world):
    login(client, draft_world.emails["c"], PASSWORD)
    calendar = download(client, draft_world)
    assert list(calendar.walk("VEVENT")) == []
    # RFC 5545: a calendar holds at least one component.
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]


def feed_path(client, world: World) -> str:
    """The feed URL the logged-in participant's agenda page shows."""
    html = client.get(f"/events/{world.slug}/agenda").get_data(as_text=True)
    match = FEED_URL.search(html)
    assert match, "the page shows the feed URL"
    return match.group(1)


def logout(client) -> None:
    client.post("/account/logout", data={"csrf_token": client.csrf_token("/")})


def test_the_feed_needs_no_login_and_regenerating_revokes_the_old_link(app, cleo, world):
    client = cleo
    path = feed_path(client, world)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert len(token.partition("-")[2]) >= 43  # 32 random bytes: 256 bits
    assert feed_path(client, world) == path  # the same link on every visit
    logout(client)
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert len(events_by_uid(parse(response.data))) == 3
    with app.app_context():
        assert feeds.feed_of(person(world, "c")).last_fetched_at is not None

    login(client, world.emails["c"], PASSWORD)
    response = client.submit(
        f"/events/{world.slug}/agenda/feed", form_url=f"/events/{world.slug}/agenda"
    )
    assert response.status_code == 302
    new_path = feed_path(client, world)
    assert new_path != path
    logout(client)
    assert client.get(path).status_code == 404
    assert client.get(new_path).status_code == 200


def test_regenerating_needs_the_csrf_token_and_a_participant(client, world):
    login(client, world.organiser_email, PASSWORD)
    assert (
        client.submit(
            f"/events/{world.slug}/agenda/feed", form_url=f"/events/{world.slug}"
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    "token",
    ["junk", "1-", "-abc", "x-abc", "999999-abc", "1-" + "a" * 43, "١-abc", "1" * 40 + "-a"],
)
def test_unknown_or_malformed_tokens_are_404(client, world, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_one_participant_secret_does_not_open_another_participant_feed(cleo, world):
    client = cleo
    path = feed_path(client, world)
    secret = path.removeprefix("/calendar/").removesuffix(".ics").partition("-")[2]
    assert client.get(f"/calendar/{world.people['d']}-{secret}.ics").status_code == 404


def test_a_participant_no_longer_approved_loses_the_feed(app, cleo, world):
    from brokerage.registration.models import ParticipantStatus

    client = cleo
    path = feed_path(client, world)
    with app.app_context():
        person(world, "c").status = ParticipantStatus.CANCELLED
        commit()
    assert client.get(path).status_code == 404
