"""Every POST endpoint, as every kind of user, with junk: never a 500.

Per-form tests check the exact messages; this one makes sure no form or endpoint added later
can be crashed by missing fields, wrong types, huge strings, unknown choices, NUL bytes or
forged ids. It discovers the endpoints and their field names from the app itself.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from flask import Flask
from werkzeug.routing import Rule

from brokerage.events import services as events
from tests.conftest import BrowserClient, login
from tests.factories import (
    PASSWORD,
    commit,
    make_event,
    make_meeting_request,
    make_opportunity,
    make_participant,
    make_user,
)

FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
JUNK_VALUES = [
    "",
    "x" * 10_000,
    "-1",
    "abc",
    "999999999",
    "1.5",
    "\x00",
    "<script>alert(1)</script>",
]
FORGED_ID = 987_654


@pytest.fixture
def world(app: Flask) -> dict:
    """Two events with one of everything, and a user of every kind."""
    with app.app_context():
        admin = make_user("admin@example.org", is_admin=True)
        organiser = make_user("organiser@example.org")
        member = make_user("member@example.org")
        ids: dict[str, dict[str, int | str]] = {}
        for key, owner in (("own", organiser), ("other", None)):
            event = make_event(organiser=owner)
            start = event.start_date
            session = events.add_session(event, "Morning", start, time(9), time(12, 30))
            tables = events.generate_tables(event, 3)
            participant = make_participant(event, member if key == "own" else None)
            make_opportunity(participant)
            # A pending request to them, so request actions are crawled with a real id.
            meeting_request = make_meeting_request(make_participant(event), participant)
            ids[key] = {
                "slug": event.slug,
                "session_id": session.id,
                "table_id": tables[0].id,
                "topic_id": event.topics[0].id,
                "type_id": event.participant_types[-1].id,
                "participant_id": participant.id,
                "request_id": meeting_request.id,
                "user_id": organiser.id if owner else admin.id,
                "start": str(start + timedelta(days=0)),
            }
        ids["admin_id"] = {"user_id": admin.id}
        commit()
    return ids


def _post_rules(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or set())),
        key=lambda rule: rule.rule,
    )


def _urls(rule: Rule, world: dict) -> list[str]:
    """The rule's URL for the user's own event, another event, and forged ids."""
    urls = []
    for variant in ("own", "other", "forged"):
        values = {}
        for argument in rule.arguments:
            if argument == "slug":
                values[argument] = world["other" if variant == "other" else "own"]["slug"]
            elif argument == "token":
                values[argument] = "forged-token"
            elif argument == "decision":
                values[argument] = "approve"
            elif variant == "forged":
                values[argument] = FORGED_ID
            else:
                values[argument] = world[variant].get(argument, FORGED_ID)
        path = rule.rule
        for name, value in values.items():
            path = re.sub(rf"<(?:[^:<>]+:)?{name}(?:\([^)]*\))?>", str(value), path)
        urls.append(path)
    return urls


def _field_names(client: BrowserClient, url: str) -> list[str]:
    page = client.get(url)
    if page.status_code != 200:
        return []
    names = set(FIELD_NAME.findall(page.get_data(as_text=True))) - {"csrf_token"}
    return sorted(names)


def _payloads(names: list[str]) -> list[dict[str, str]]:
    payloads: list[dict[str, str]] = [{}]
    for junk in JUNK_VALUES:
        payloads.append(dict.fromkeys(names, junk))
    return payloads


@pytest.mark.parametrize(
    "who", ["anonymous", "member@example.org", "organiser@example.org", "admin@example.org"]
)
def test_no_post_endpoint_answers_500(app, client, world, who):
    if who != "anonymous":
        login(client, who, PASSWORD)
    token = client.csrf_token("/account/login") if who == "anonymous" else None
    failures = []
    for rule in _post_rules(app):
        if rule.endpoint == "auth.logout":
            continue  # it would end the session the rest of the loop needs
        for url in _urls(rule, world):
            names = _field_names(client, url) if "GET" in (rule.methods or set()) else []
            if token is None:
                token = _any_token(client)
            for payload in _payloads(names):
                response = client.post(url, data={**payload, "csrf_token": token})
                if response.status_code >= 500:
                    failures.append(
                        f"{rule.endpoint} {url} {sorted(payload)[:3]}… -> {response.status_code}"
                    )
                    break
    assert failures == []


def _any_token(client: BrowserClient) -> str:
    return client.csrf_token("/account/password/forgot")


def test_a_nul_byte_in_any_value_of_a_field_is_a_clear_400(client):
    token = client.csrf_token("/account/login")
    response = client.post(
        "/account/login",
        data={
            "csrf_token": token,
            "email": ["a@example.org", "b\x00@example.org"],
            "password": "x",
        },
    )
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


JUNK_QUERY = {
    "page": ["0", "-3", "abc", "99999999999999999999"],
    "q": ["x" * 10_000, "' OR 1=1 --", "%", "\\"],
    "status": ["bogus"],
    "type": ["abc", str(FORGED_ID)],
    "country": ["ZZ", "x" * 300],
    "topic": ["abc", str(FORGED_ID)],
    "sort": ["bogus"],
    "next": ["//evil.example", "javascript:alert(1)"],
}


@pytest.mark.parametrize("who", ["anonymous", "member@example.org", "organiser@example.org"])
def test_no_page_answers_500_to_junk_query_strings(app, client, world, who):
    if who != "anonymous":
        login(client, who, PASSWORD)
    failures = []
    get_rules = [rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or set())]
    for rule in sorted(get_rules, key=lambda rule: rule.rule):
        if rule.endpoint in {"static", "bootstrap.static"}:
            continue
        for url in _urls(rule, world):
            for name, values in JUNK_QUERY.items():
                for value in values:
                    response = client.get(url, query_string={name: value})
                    if response.status_code >= 500:
                        failures.append(f"{rule.endpoint} {url}?{name}={value[:20]} -> 500")
    assert failures == []
