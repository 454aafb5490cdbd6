"""Choosing which badges to print, and recording a print run (by POST only)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from brokerage.badges import services
from brokerage.badges.models import PrintedBadge
from brokerage.badges.services import BadgeError, BadgeSelection
from brokerage.db_types import utcnow
from brokerage.events.models import Event
from brokerage.extensions import db
from tests.badges.conftest import World, pdf_pages
from tests.conftest import login
from tests.factories import PASSWORD


def event_of(world: World) -> Event:
    return db.session.get(Event, world.event_id)


def names(world: World, selection: BadgeSelection) -> list[str]:
    return [p.last_name for p in services.selected_participants(event_of(world), selection)]


def test_all_approved_participants_sorted_by_last_name(app_ctx, world):
    selected = names(world, BadgeSelection())
    # Latin names first, in order; how Greek and Cyrillic sort depends on the collation.
    assert selected[:3] == ["Dvořáková-Müllerová", "Lovelace", "O'Brien & <i>Sons</i>"]
    assert set(selected[3:]) == {"Достоевский", "Παπαδοπούλου"}


def test_filters_by_type_since_and_not_printed(app_ctx, world):
    university = world.type_ids[1]
    assert sorted(names(world, BadgeSelection(type_id=university))) == sorted(
        ["Παπαδοπούλου", "Достоевский"]
    )
    since = (utcnow() - timedelta(days=15)).date()
    assert sorted(names(world, BadgeSelection(since=since))) == sorted(
        ["Dvořáková-Müllerová", "O'Brien & <i>Sons</i>"]
    )
    event = event_of(world)
    services.mark_printed(event, [world.people["ada"], world.people["czech"]])
    remaining = names(world, BadgeSelection(not_printed=True))
    assert "Lovelace" not in remaining
    assert "Dvořáková-Müllerová" not in remaining
    assert len(remaining) == 3
    assert services.count_selected(event, BadgeSelection(not_printed=True)) == 3


def test_marking_again_updates_the_one_row_and_ignores_other_events(app_ctx, world):
    event = event_of(world)
    services.mark_printed(event, [world.people["ada"]])
    first = db.session.query(PrintedBadge).one().printed_at
    later = utcnow() + timedelta(hours=1)
    assert services.mark_printed(event, [world.people["ada"], 987654], now=later) == 1
    row = db.session.query(PrintedBadge).one()
    assert row.printed_at == later != first


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("layout=a5", "layout must be a6 or a4"),
        ("type=abc", "Unknown participant type"),
        ("type=999999", "Unknown participant type"),
        ("type=-1", "Unknown participant type"),
        ("not_printed=maybe", "not_printed must be 1 or 0"),
        ("since=yesterday", "The date must look like"),
        ("since=2026-13-40", "The date must look like"),
    ],
)
def test_bad_query_values_are_a_400_with_a_message(client, world, query, message):
    login(client, world.organiser, PASSWORD)
    for url in (f"/events/{world.slug}/manage/badges.pdf", f"/events/{world.slug}/manage/badges"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, url
        assert message in response.get_data(as_text=True)


def test_a_type_of_another_event_is_refused(app_ctx, world):
    other = db.session.get(Event, world.other_event_id)
    with pytest.raises(BadgeError):
        services.parse_selection({"type": str(other.participant_types[0].id)}, event_of(world))


def test_an_empty_selection_says_so_instead_of_an_empty_pdf(client, world):
    login(client, world.organiser, PASSWORD)
    response = client.get(
        f"/events/{world.slug}/manage/badges.pdf?since=2099-01-01", follow_redirects=True
    )
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "nothing to print" in response.get_data(as_text=True)


def test_the_page_counts_then_marks_exactly_what_it_showed(app, client, world):
    login(client, world.organiser, PASSWORD)
    url = f"/events/{world.slug}/manage/badges"
    university = world.type_ids[1]
    page = client.get(f"{url}?layout=a4&type={university}").get_data(as_text=True)
    assert "<strong>2</strong> badges match" in page
    assert f"badges.pdf?layout=a4&amp;type={university}" in page
    # Downloading changes nothing.
    pdf = client.get(f"{url}.pdf?layout=a4&type={university}")
    assert len(pdf_pages(pdf.data)) == 1
    with app.app_context():
        assert db.session.query(PrintedBadge).count() == 0

    response = client.submit(
        f"{url}/printed",
        {"layout": "a4", "type": str(university), "not_printed": "", "since": "", "expected": "2"},
        form_url=url,
    )
    assert response.status_code == 302
    with app.app_context():
        printed = {row.participant_id for row in db.session.query(PrintedBadge)}
    assert printed == {world.people["greek"], world.people["cyrillic"]}
    page = client.get(f"{url}?type={university}&not_printed=1").get_data(as_text=True)
    assert "nothing to print" in page


def test_a_changed_selection_marks_nothing(app, client, world):
    login(client, world.organiser, PASSWORD)
    url = f"/events/{world.slug}/manage/badges"
    response = client.submit(
        f"{url}/printed",
        {"layout": "a6", "type": "", "not_printed": "", "since": "", "expected": "4"},
        form_url=url,
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The selection changed" in page
    with app.app_context():
        assert db.session.query(PrintedBadge).count() == 0


def test_a_forged_filter_in_the_mark_form_is_a_400(client, world):
    login(client, world.organiser, PASSWORD)
    url = f"/events/{world.slug}/manage/badges"
    response = client.submit(
        f"{url}/printed", {"layout": "a6", "type": "987654", "expected": "1"}, form_url=url
    )
    assert response.status_code == 400
