"""The desk: scans, replays, refusals, name search, check-in by name and undo."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from brokerage.checkin import services
from brokerage.checkin.models import CheckIn, CheckInMethod
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Participant
from tests.checkin.conftest import as_user, desk_url, scan


def result_of(html: str) -> str:
    """The text of the live region that shows the scan's result."""
    match = re.search(r'<div id="checkin-result"[^>]*>(.*?)</div>\s*<form', html, re.S)
    assert match is not None
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def check_ins(app) -> list[CheckIn]:
    with app.app_context():
        rows = db.session.scalars(select(CheckIn)).all()
        db.session.expunge_all()
        return list(rows)


def test_the_desk_is_ready_for_a_scanner(client, world):
    as_user(client, world.staff)
    html = client.get(desk_url(world)).get_data(as_text=True)
    field = re.search(r'<input[^>]*name="token"[^>]*>', html).group(0)
    assert "autofocus" in field
    assert 'autocomplete="off"' in field
    assert '<label class="form-label fs-5 fw-semibold" for="token">' in html
    assert 'role="status"' in html
    assert 'aria-live="polite"' in html
    assert 'name="csrf_token"' in html


def test_a_scan_checks_in_and_shows_who(app, client, world):
    as_user(client, world.staff)
    html = scan(client, world, world.tokens["ada"] + "\n")  # scanners may send a newline
    text = result_of(html)
    assert "Checked in José Müller" in text
    assert "Électricité Ltd" in text
    assert "France" in text
    assert "Company / SME" in text
    assert 'data-outcome="checked_in"' in html
    [row] = check_ins(app)
    assert row.participant_id == world.people["ada"]
    assert row.method is CheckInMethod.BADGE
    assert row.checked_in_by_id == world.staff_id
    assert "1</strong> of 2 checked in" in html
    # The result shows once: a reload neither repeats it nor checks in again.
    again = client.get(desk_url(world)).get_data(as_text=True)
    assert result_of(again) == ""
    assert len(check_ins(app)) == 1


def test_a_replayed_badge_says_already_checked_in_with_time_and_staff(app, client, world):
    as_user(client, world.staff)
    scan(client, world, world.tokens["bob"])
    with app.app_context():
        local = db.session.scalar(select(CheckIn)).checked_in_at.astimezone(
            db.session.get(Event, world.event_id).zone
        )
    html = scan(client, world, world.tokens["bob"])
    text = result_of(html)
    assert f"Already checked in at {local:%H:%M} by Sam Staff Bob Babbage" in text
    assert 'data-outcome="already"' in html
    assert len(check_ins(app)) == 1


def test_the_time_is_shown_in_the_event_zone(app, world):
    with app.test_request_context():
        event = db.session.get(Event, world.event_id)
        ada = db.session.get(Participant, world.people["ada"])
        check_in = CheckIn(
            event_id=event.id,
            participant_id=ada.id,
            checked_in_at=datetime(2026, 7, 7, 7, 12, tzinfo=UTC),  # 09:12 in Brussels
            checked_in_by_id=world.staff_id,
            method=CheckInMethod.BADGE,
        )
        db.session.add(check_in)
        db.session.flush()
        result = services.DeskResult(services.Outcome.ALREADY, ada, check_in)
        same_day = services.headline(result, event, datetime(2026, 7, 7, 12, tzinfo=UTC))
        assert same_day == "Already checked in at 09:12 by Sam Staff"
        next_day = services.headline(result, event, datetime(2026, 7, 8, 8, tzinfo=UTC))
        assert next_day.endswith("at 09:12 on Tue 07 Jul by Sam Staff")
        db.session.rollback()


def test_a_badge_of_another_event_is_refused(app, client, world):
    as_user(client, world.staff)
    html = scan(client, world, world.tokens["eve"])
    assert "Other event" in result_of(html)
    assert 'data-outcome="other_event"' in html
    assert check_ins(app) == []


def test_a_forged_or_damaged_badge_is_unknown(app, client, world):
    as_user(client, world.staff)
    forged = world.tokens["ada"][:-3] + "abc"
    for token in (forged, "12345", "' OR 1=1 --", world.tokens["ada"][:10]):
        html = scan(client, world, token)
        assert "Unknown badge" in result_of(html), token
    assert check_ins(app) == []


def test_an_empty_or_huge_scan_is_a_field_error(app, client, world):
    as_user(client, world.staff)
    empty = client.submit(desk_url(world), {"token": "  "})
    assert empty.status_code == 200
    assert "Scan a badge or type its code." in empty.get_data(as_text=True)
    huge = client.submit(desk_url(world), {"token": "x" * 5000})
    assert huge.status_code == 200
    assert "far too long" in huge.get_data(as_text=True)
    assert check_ins(app) == []


def test_a_participant_not_approved_is_not_checked_in(app, client, world):
    as_user(client, world.staff)
    html = scan(client, world, world.tokens["pia"])
    assert "Not approved (registration pending) Pia Pending" in result_of(html)
    assert check_ins(app) == []


def test_a_token_in_the_query_string_only_fills_the_field(app, client, world):
    as_user(client, world.staff)
    html = client.get(desk_url(world), query_string={"token": world.tokens["ada"]}).get_data(
        as_text=True
    )
    assert f'value="{world.tokens["ada"]}"' in html
    assert check_ins(app) == []


def test_name_search_ignores_case_and_accents_and_other_events(client, world):
    as_user(client, world.staff)

    def hits(query: str) -> str:
        return client.get(desk_url(world), query_string={"q": query}).get_data(as_text=True)

    html = hits("jose muller")
    assert "José Müller" in html
    assert f'/checkin/participants/{world.people["ada"]}"' in html  # a check-in button
    assert "José Müller" in hits("ELECTRICITE")
    assert "Bob Babbage" not in hits("jose")
    pending = hits("pia")
    assert "Not approved (registration pending)" in pending
    assert f'/checkin/participants/{world.people["pia"]}"' not in pending
    assert "Nobody registered for this event matches" in hits("eve else")


def test_search_results_are_limited(app, world):
    from tests.factories import make_participant

    with app.app_context():
        event = db.session.get(Event, world.event_id)
        for number in range(30):
            make_participant(event, first_name="Many", last_name=f"Namesake{number:02d}")
        assert len(services.search_participants(event, "many")) == services.SEARCH_LIMIT
        assert services.search_participants(event, "   ") == []
        db.session.rollback()


def test_check_in_by_name(app, client, world):
    as_user(client, world.staff)
    url = f"/events/{world.slug}/checkin/participants/{world.people['bob']}"
    response = client.submit(url, {}, form_url=desk_url(world) + "?q=bob")
    assert response.status_code == 302
    html = client.get(desk_url(world)).get_data(as_text=True)
    assert "Checked in Bob Babbage" in result_of(html)
    [row] = check_ins(app)
    assert row.method is CheckInMethod.SEARCH
    # A participant of another event, or no participant at all: 404.
    for participant_id in (world.people["eve"], 987654):
        other = client.submit(
            f"/events/{world.slug}/checkin/participants/{participant_id}",
            {},
            form_url=desk_url(world),
        )
        assert other.status_code == 404
    # Without the CSRF token nothing happens.
    assert client.post(url).status_code == 400


def test_undo_asks_first_then_forgets_the_check_in(app, client, world):
    as_user(client, world.staff)
    scan(client, world, world.tokens["ada"])
    undo_url = f"/events/{world.slug}/checkin/participants/{world.people['ada']}/undo"
    confirm = client.get(undo_url)
    assert confirm.status_code == 200
    assert "Undo the check-in of José Müller?" in confirm.get_data(as_text=True)
    assert len(check_ins(app)) == 1  # GET changes nothing
    response = client.submit(undo_url, {})
    assert response.status_code == 302
    assert check_ins(app) == []
    assert "is undone" in client.get(desk_url(world)).get_data(as_text=True)
    # Undoing what is not checked in sends back to the desk with a message.
    assert client.get(undo_url).status_code == 302
    assert client.submit(undo_url, {}, form_url=desk_url(world)).status_code == 302
    # And they can be checked in again.
    assert "Checked in José Müller" in result_of(scan(client, world, world.tokens["ada"]))


def test_user_text_is_escaped(app, client, world):
    with app.app_context():
        ada = db.session.get(Participant, world.people["ada"])
        ada.first_name = "<script>alert(1)</script>"
        db.session.commit()
    as_user(client, world.staff)
    html = scan(client, world, world.tokens["ada"])
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_the_lost_insert_race_answers_already(app, world, monkeypatch):
    """When another desk inserts between our look and our insert (simulated here)."""
    with app.test_request_context():
        event = db.session.get(Event, world.event_id)
        staff = db.session.get(services.User, world.staff_id)
        first = services.check_in_participant(event, world.people["ada"], staff)
        assert first.outcome is services.Outcome.CHECKED_IN
        real_check_in_of = services.check_in_of
        calls = []

        def blind_first_look(participant):
            calls.append(participant.id)
            return None if len(calls) == 1 else real_check_in_of(participant)

        monkeypatch.setattr(services, "check_in_of", blind_first_look)
        second = services.check_in_participant(event, world.people["ada"], staff)
        assert second.outcome is services.Outcome.ALREADY
        assert second.check_in is not None
        assert second.check_in.id == first.check_in.id
        db.session.commit()  # the savepoint was rolled back; the first check-in stays
    assert len(check_ins(app)) == 1


def test_junk_in_the_query_string_only_fills_the_field_escaped(app, client, world):
    as_user(client, world.staff)
    for junk in ("\x00", '"><script>alert(1)</script>', "x" * 5000):
        response = client.get(desk_url(world), query_string={"token": junk, "q": junk})
        assert response.status_code in (200, 400)
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert check_ins(app) == []
