"""The organiser's participant list: search, filters, pagination, and the CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from brokerage.registration.csv_export import participants_csv
from brokerage.registration.models import OpportunityKind, ParticipantStatus
from brokerage.registration.services import ParticipantFilters
from brokerage.spreadsheets import safe_cell
from tests.conftest import login
from tests.factories import (
    PASSWORD,
    commit,
    make_event,
    make_opportunity,
    make_participant,
    make_user,
)


@pytest.fixture
def listed(app):
    with app.app_context():
        organiser = make_user("org@example.org")
        event = make_event("fair", organiser=organiser)
        energy = event.topics[2]
        make_participant(
            event,
            make_user("marie@example.org"),
            first_name="Marie",
            last_name="Curie",
            organisation_name="Radium Institute",
            country="FR",
            topics=[energy],
        )
        make_participant(
            event,
            make_user("niels@example.org"),
            first_name="Niels",
            last_name="Bohr",
            organisation_name="Copenhagen Lab",
            country="DK",
            status=ParticipantStatus.PENDING,
        )
        other = make_event("other")
        make_participant(other, first_name="Hidden", last_name="Elsewhere")
        ids = {"energy": energy.id, "type": event.participant_types[0].id}
        commit()
    return ids


def _names(response) -> list[str]:
    text = response.get_data(as_text=True)
    return [name for name in ("Marie Curie", "Niels Bohr", "Hidden Elsewhere") if name in text]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Marie Curie", "Niels Bohr"]),
        ("q=curie", ["Marie Curie"]),
        ("q=NIELS%40example", ["Niels Bohr"]),
        ("q=copenhagen", ["Niels Bohr"]),
        ("q=marie+curie", ["Marie Curie"]),
        ("q=%25", []),  # a literal percent sign, not a wildcard
        ("status=pending", ["Niels Bohr"]),
        ("country=FR", ["Marie Curie"]),
        ("status=approved&country=DK", []),
    ],
)
def test_search_and_filters(client, listed, query, expected):
    login(client, "org@example.org", PASSWORD)
    response = client.get(f"/events/fair/manage/participants?{query}")
    assert response.status_code == 200
    assert _names(response) == expected


def test_topic_and_type_filters(client, listed):
    login(client, "org@example.org", PASSWORD)
    response = client.get(f"/events/fair/manage/participants?topic_id={listed['energy']}")
    assert _names(response) == ["Marie Curie"]
    response = client.get(f"/events/fair/manage/participants?type_id={listed['type']}")
    assert _names(response) == ["Marie Curie", "Niels Bohr"]


def test_pagination(client, app):
    with app.app_context():
        event = make_event("big", organiser=make_user("org@example.org"))
        for number in range(30):
            make_participant(event, first_name="Person", last_name=f"N{number:02d}")
        commit()
    login(client, "org@example.org", PASSWORD)
    first = client.get("/events/big/manage/participants").get_data(as_text=True)
    second = client.get("/events/big/manage/participants?page=2").get_data(as_text=True)
    assert "30 participants found" in first
    assert "Person N00" in first
    assert "Person N24" in first
    assert "Person N25" not in first
    assert "Person N25" in second
    assert 'aria-label="Participant pages"' in first


def test_csv_export_follows_filters(client, listed):
    login(client, "org@example.org", PASSWORD)
    body = client.get("/events/fair/manage/participants.csv?status=pending").data
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["ID", "Status", "First name", "Last name"]
    assert [row[3] for row in rows[1:]] == ["Bohr"]


def test_csv_cells_cannot_become_formulas(app_ctx):
    event = make_event("fair")
    participant = make_participant(
        event,
        first_name='=HYPERLINK("http://evil.example")',
        last_name="+1",
        organisation_name="@SUM(A1)",
        job_title="-2+3",
        phone="\t=1",
    )
    make_opportunity(participant, OpportunityKind.REQUEST, title="Ünïcödé – “quotes”, commas")
    data = participants_csv(event, ParticipantFilters())
    assert isinstance(data, bytes)
    assert data.startswith(b"\xef\xbb\xbf")
    header, row = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")))), None
    row = header[0]
    assert row["First name"] == '\'=HYPERLINK("http://evil.example")'
    assert row["Last name"] == "'+1"
    assert row["Organisation"] == "'@SUM(A1)"
    assert row["Job title"] == "'-2+3"
    assert row["Phone"] == "'\t=1"
    assert row["Opportunities"] == "request: Ünïcödé – “quotes”, commas"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1", "'=1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@a", "'@a"),
        ("a=1", "a=1"),
        (None, ""),
        (5, "5"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
