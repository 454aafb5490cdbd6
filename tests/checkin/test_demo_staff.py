"""The demo's check-in staff login: the desk only, one role after two loads, figures follow."""

from __future__ import annotations

from sqlalchemy import func, select

from brokerage.checkin.tokens import badge_token
from brokerage.demo import (
    DEMO_SLUG,
    ORGANISER_EMAIL,
    ORGANISER_PASSWORD,
    STAFF_EMAIL,
    STAFF_PASSWORD,
    load_demo,
)
from brokerage.events.models import Event, EventRole, EventRoleKind
from brokerage.extensions import db
from brokerage.registration.models import Participant, ParticipantStatus
from tests.conftest import login


def test_demo_staff_checks_people_in_and_sees_nothing_else(app, client):
    with app.app_context():
        summary = load_demo()
        db.session.commit()
        assert STAFF_EMAIL in summary
        assert STAFF_PASSWORD in summary
        load_demo()  # already loaded: nothing changes
        db.session.commit()
        roles = db.session.scalar(
            select(func.count(EventRole.id)).where(EventRole.kind == EventRoleKind.CHECKIN_STAFF)
        )
        assert roles == 1
    login(client, STAFF_EMAIL, STAFF_PASSWORD)
    desk = client.get(f"/events/{DEMO_SLUG}/checkin?q=a")
    assert desk.status_code == 200
    assert "Check in" in desk.get_data(as_text=True)
    assert client.get(f"/events/{DEMO_SLUG}/manage").status_code == 403
    assert client.get(f"/events/{DEMO_SLUG}/manage/checkin").status_code == 403

    # Staff scan two demo badges; the organiser's figures follow.
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == DEMO_SLUG))
        approved = db.session.scalars(
            select(Participant)
            .where(Participant.event_id == event.id)
            .where(Participant.status == ParticipantStatus.APPROVED)
            .order_by(Participant.id)
            .limit(2)
        ).all()
        tokens = [badge_token(event.id, person.id) for person in approved]
        total = db.session.scalar(
            select(func.count(Participant.id)).where(
                Participant.event_id == event.id,
                Participant.status == ParticipantStatus.APPROVED,
            )
        )
    for token in tokens:
        response = client.submit(f"/events/{DEMO_SLUG}/checkin", {"token": token})
        assert response.status_code == 302
    organiser = app.test_client()
    login(organiser, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    html = organiser.get(f"/events/{DEMO_SLUG}/manage/checkin").get_data(as_text=True)
    assert f"<strong>2</strong> of {total} approved participants" in html
