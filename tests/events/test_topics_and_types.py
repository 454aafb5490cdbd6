"""Topics and participant types: add, rename, delete; things in use are kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.events.models import Event, ParticipantType, Topic
from brokerage.extensions import db
from brokerage.registration.models import Participant

TOPICS = "/events/event-a/manage/topics"
TYPES = "/events/event-a/manage/types"


def _event(slug: str = "event-a") -> Event:
    return db.session.scalar(select(Event).filter_by(slug=slug))


def _topics(app) -> list[str]:
    with app.app_context():
        return [topic.name for topic in _event().topics]


def test_add_rename_and_delete_a_topic(as_organiser, app):
    assert as_organiser.submit(TOPICS, {"name": "Space technology"}).status_code == 302
    assert "Space technology" in _topics(app)
    with app.app_context():
        topic_id = db.session.scalar(select(Topic.id).filter_by(name="Space technology"))
    edit = f"{TOPICS}/{topic_id}"
    assert as_organiser.submit(edit, {"name": "Space"}).status_code == 302
    assert "Space" in _topics(app)
    assert as_organiser.submit(f"{edit}/delete", form_url=edit).status_code == 302
    assert "Space" not in _topics(app)


def test_a_topic_in_use_cannot_be_deleted(as_organiser, app, world):
    with app.app_context():
        participant = db.session.scalar(select(Participant).filter_by(event_id=world.event_id))
        topic = _event().topics[0]
        participant.topics.append(topic)
        topic_id, name = topic.id, topic.name
        db.session.commit()
    edit = f"{TOPICS}/{topic_id}"
    assert "cannot be deleted" in as_organiser.get(edit).get_data(as_text=True)
    response = as_organiser.submit(f"{edit}/delete", form_url=edit, follow_redirects=True)
    assert response.status_code == 200
    assert "rename it instead" in response.get_data(as_text=True)
    assert name in _topics(app)


@pytest.mark.parametrize(
    "name",
    ["", "   ", "x" * 10_000, "circular ECONOMY"],  # the last one exists already
)
def test_bad_topic_names(as_organiser, app, name):
    before = _topics(app)
    response = as_organiser.submit(TOPICS, {"name": name})
    assert response.status_code == 200
    assert 'id="name-errors"' in response.get_data(as_text=True)
    assert _topics(app) == before


def test_add_edit_and_delete_a_participant_type(as_organiser, app):
    response = as_organiser.submit(TYPES, {"name": "Start-up", "colour": "#AA3377"})
    assert response.status_code == 302
    with app.app_context():
        type_ = db.session.scalar(select(ParticipantType).filter_by(name="Start-up"))
        assert type_.colour == "#aa3377"
        type_id = type_.id
    edit = f"{TYPES}/{type_id}"
    assert as_organiser.submit(edit, {"name": "Scale-up", "colour": "#117733"}).status_code == 302
    assert "Scale-up" in as_organiser.get(TYPES).get_data(as_text=True)
    assert as_organiser.submit(f"{edit}/delete", form_url=edit).status_code == 302
    with app.app_context():
        assert db.session.get(ParticipantType, type_id) is None


def test_a_type_used_by_an_organisation_cannot_be_deleted(as_organiser, app):
    with app.app_context():
        type_id = _event().participant_types[0].id  # the participant's organisation has it
    edit = f"{TYPES}/{type_id}"
    response = as_organiser.submit(f"{edit}/delete", form_url=edit, follow_redirects=True)
    assert "is the type of 1 registered organisation" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ParticipantType, type_id) is not None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "colour": "#112233"}, "name"),
        ({"name": "x" * 10_000, "colour": "#112233"}, "name"),
        ({"name": "Cluster", "colour": "#112233"}, "name"),
        ({"name": "New", "colour": "red"}, "colour"),
        ({"name": "New", "colour": "#12345"}, "colour"),
        ({"name": "New", "colour": "#" + "1" * 10_000}, "colour"),
        ({"name": "New", "colour": ""}, "colour"),
    ],
)
def test_bad_participant_type_input(as_organiser, app, data, field):
    with app.app_context():
        before = len(_event().participant_types)
    response = as_organiser.submit(TYPES, data)
    assert response.status_code == 200
    assert f'id="{field}-errors"' in response.get_data(as_text=True)
    with app.app_context():
        assert len(_event().participant_types) == before


def test_topics_and_types_of_another_event_are_not_found(as_organiser, app):
    with app.app_context():
        other = _event("event-b")
        topic_id, type_id = other.topics[0].id, other.participant_types[0].id
    for url in (f"{TOPICS}/{topic_id}", f"{TYPES}/{type_id}"):
        assert as_organiser.get(url).status_code == 404
        assert as_organiser.submit(url, {"name": "Mine"}, form_url=TOPICS).status_code == 404
        assert as_organiser.submit(f"{url}/delete", form_url=TOPICS).status_code == 404
    with app.app_context():
        assert db.session.get(Topic, topic_id) is not None
        assert db.session.get(ParticipantType, type_id) is not None
