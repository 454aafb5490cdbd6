"""Bad input on every form: field errors or 400/403/404, never a 500, never half-saved."""

from __future__ import annotations

import pytest

from brokerage.auth.models import User
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Opportunity, Participant
from tests.conftest import login
from tests.factories import (
    PASSWORD,
    commit,
    make_event,
    make_opportunity,
    make_participant,
    make_user,
)
from tests.registration.helpers import changed, counts, registration_form, the_participant

LONG = "x" * 10_000


@pytest.fixture
def setup(app):
    """Event "fair", another event, a verified user "grace" and a valid form."""
    with app.app_context():
        event = make_event("fair")
        other = make_event("other")
        make_user("grace@example.org")
        ids = {
            "form": registration_form(event),
            "other_type": str(other.participant_types[0].id),
            "other_topic": str(other.topics[0].id),
        }
        commit()
    return ids


BAD_REGISTRATIONS = [
    ("first_name", None),
    ("last_name", ""),
    ("job_title", "   "),
    ("organisation_name", None),
    ("type_id", None),
    ("type_id", "abc"),
    ("type_id", "999999"),
    ("country", ""),
    ("country", "ZZ"),
    ("country", "be; drop table"),
    ("city", None),
    ("organisation_description", None),
    ("terms_accepted", None),
    ("first_name", LONG),
    ("last_name", LONG),
    ("job_title", LONG),
    ("phone", LONG),
    ("phone", "call me maybe"),
    ("organisation_name", LONG),
    ("city", LONG),
    ("website", LONG),
    ("website", "not a url"),
    ("website", "javascript:alert(1)"),
    ("website", "ftp://example.org/file"),
    ("size", "huge"),
    ("organisation_description", LONG),
    ("topics", ["999999"]),
    ("topics", ["abc"]),
    ("opportunities-0-kind", "gift"),
    ("opportunities-0-kind", None),
    ("opportunities-0-title", ""),
    ("opportunities-0-title", LONG),
    ("opportunities-0-description", LONG),
    ("opportunities-0-topics", ["999999"]),
    ("opportunities-0-id", "abc"),
]


@pytest.mark.parametrize(("name", "value"), BAD_REGISTRATIONS)
def test_bad_registration_input_gives_field_errors(client, app, setup, name, value):
    login(client, "grace@example.org", PASSWORD)
    response = client.submit("/events/fair/register", changed(setup["form"], **{name: value}))
    assert response.status_code == 200
    assert "invalid-feedback" in response.get_data(as_text=True)
    with app.app_context():
        assert counts() == (0, 0)


@pytest.mark.parametrize("name", ["type_id", "topics", "opportunities-0-topics"])
def test_ids_of_another_event_are_refused(client, app, setup, name):
    login(client, "grace@example.org", PASSWORD)
    value = setup["other_type"] if name == "type_id" else [setup["other_topic"]]
    response = client.submit("/events/fair/register", changed(setup["form"], **{name: value}))
    assert response.status_code == 200
    assert "invalid-feedback" in response.get_data(as_text=True)
    with app.app_context():
        assert counts() == (0, 0)


def test_too_many_opportunities_are_refused_not_crashed(client, app, setup):
    login(client, "grace@example.org", PASSWORD)
    data = dict(setup["form"])
    for index in range(1, 40):
        data[f"opportunities-{index}-kind"] = "offer"
        data[f"opportunities-{index}-title"] = f"Offer {index}"
    response = client.submit("/events/fair/register", data)
    assert response.status_code in (200, 302)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Opportunity.id))) <= 20


def test_forged_opportunity_id_on_register_is_a_400(client, app, setup):
    with app.app_context():
        event = db.session.scalar(db.select(Event).filter_by(slug="fair"))
        stranger = make_participant(event)
        foreign_id = make_opportunity(stranger).id
        commit()
    login(client, "grace@example.org", PASSWORD)
    response = client.submit(
        "/events/fair/register",
        changed(setup["form"], **{"opportunities-0-id": str(foreign_id)}),
    )
    assert response.status_code == 400
    with app.app_context():
        assert counts() == (1, 1)  # only the stranger


def test_forged_opportunity_id_on_edit_is_a_400_and_leaves_both_untouched(client, app, setup):
    with app.app_context():
        event = db.session.scalar(db.select(Event).filter_by(slug="fair"))
        stranger = make_participant(event)
        foreign = make_opportunity(stranger, title="Not yours")
        foreign_id = foreign.id
        stranger_id = stranger.id
        grace = db.session.scalar(db.select(User).filter_by(email="grace@example.org"))
        make_participant(event, grace, first_name="Original")
        commit()
    login(client, "grace@example.org", PASSWORD)
    response = client.submit(
        "/events/fair/registration",
        changed(
            setup["form"],
            first_name="Changed",
            **{"opportunities-0-id": str(foreign_id), "opportunities-0-title": "Mine now"},
        ),
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Opportunity, foreign_id).title == "Not yours"
        assert db.session.get(Opportunity, foreign_id).participant_id == stranger_id
        grace_participant = db.session.scalar(
            db.select(Participant).filter_by(first_name="Original")
        )
        assert grace_participant is not None


@pytest.mark.parametrize(
    ("name", "value"), [bad for bad in BAD_REGISTRATIONS if bad[0] != "terms_accepted"]
)
def test_bad_edit_input_changes_nothing(client, app, setup, name, value):
    login(client, "grace@example.org", PASSWORD)
    assert client.submit("/events/fair/register", setup["form"]).status_code == 302
    response = client.submit(
        "/events/fair/registration", changed(setup["form"], **{"first_name": "Edited", name: value})
    )
    assert response.status_code == 200
    assert "Please correct the highlighted fields." in response.get_data(as_text=True)
    with app.app_context():
        assert the_participant().first_name == "Grace"


def test_remove_button_with_junk_index_does_not_crash(client, app, setup):
    login(client, "grace@example.org", PASSWORD)
    for junk in ("abc", "-1", "99999", ""):
        response = client.submit(
            "/events/fair/register", {**setup["form"], "remove_opportunity": junk}
        )
        assert response.status_code == 200
    with app.app_context():
        assert counts() == (0, 0)


def test_filters_with_junk_values_do_not_crash(client, app):
    with app.app_context():
        organiser = make_user("org@example.org")
        event = make_event("fair", organiser=organiser)
        make_participant(event)
        commit()
    login(client, "org@example.org", PASSWORD)
    for query in (
        "status=bogus",
        "type_id=abc",
        "topic_id=999999",
        "country=ZZZ",
        "page=-5",
        "page=abc",
        "page=99999",
        "slug=other&q=%25",
        "q=" + "y" * 10_000,
    ):
        response = client.get(f"/events/fair/manage/participants?{query}")
        assert response.status_code == 200, query
        assert client.get(f"/events/fair/manage/participants.csv?{query}").status_code == 200


def test_unknown_event_is_a_404(client, app, setup):
    login(client, "grace@example.org", PASSWORD)
    assert client.get("/events/nope/register").status_code == 404
    assert client.get("/events/nope/registration").status_code == 404
