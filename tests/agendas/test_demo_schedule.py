"""The demo publishes a schedule, so demo participants have agendas (tests/test_demo.py checks
that `flask demo` does it once)."""

from __future__ import annotations

from sqlalchemy import func, select

from brokerage.agendas.services import agendas_for
from brokerage.demo import DEMO_SLUG, load_demo
from brokerage.events.services import find_event_by_slug
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest


def test_the_demo_publishes_a_schedule_and_requests_name_opportunities(app):
    with app.app_context():
        summary = load_demo(schedule_seconds=2)
        db.session.commit()
        assert "Published a schedule" in summary
        event = find_event_by_slug(DEMO_SLUG)
        assert event.published_run_id is not None
        agendas = agendas_for(event)
        with_meetings = [agenda for agenda in agendas if agenda.meetings]
        assert len(with_meetings) > len(agendas) / 2
        assert any(m.opportunity_title for a in with_meetings for m in a.meetings)
        about = db.session.scalar(
            select(func.count()).where(MeetingRequest.opportunity_id.is_not(None))
        )
        assert about > 0
