"""The demo's check-in staff login: the desk only, and loading twice keeps one role."""

from __future__ import annotations

from sqlalchemy import func, select

from brokerage.demo import DEMO_SLUG, STAFF_EMAIL, STAFF_PASSWORD, load_demo
from brokerage.events.models import EventRole, EventRoleKind
from brokerage.extensions import db
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
