"""Benchmark meeting feedback: the organiser's attendance figures and the reminder e-mails.

    .venv/bin/python bench/attendance.py [--participants 1000] [--seed 1] [--repeat 5]

Builds the event of bench/schedule_pipeline.py in a temporary SQLite file (1,000 approved
participants, about 9 accepted requests each), places every accepted request in a slot of a
published run without the solver (attendance does not care whether the diaries clash), moves
the slots into the past so every meeting has ended, and lets about 70 % of the sides report
(90 % "took place", with a rating for most). Then it times, with the number of SQL queries:

- attendance_figures(event): the tally behind the organiser's page (median of --repeat);
- GET /events/<slug>/manage/attendance through the app, as the organiser (median);
- send_feedback_reminders(event) + commit: one e-mail per participant with unrated meetings.

Target: the page under 1 s for 1,000 participants, and a constant number of queries.
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import statistics
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from schedule_pipeline import build_event, timed  # noqa: E402 - after the path set-up
from sqlalchemy import insert, select  # noqa: E402

from brokerage import create_app  # noqa: E402
from brokerage.attendance.figures import attendance_figures  # noqa: E402
from brokerage.attendance.models import MeetingFeedback, MeetingOutcome  # noqa: E402
from brokerage.attendance.services import send_feedback_reminders  # noqa: E402
from brokerage.auth.models import User  # noqa: E402
from brokerage.db_types import utcnow  # noqa: E402
from brokerage.events.models import (  # noqa: E402
    Event,
    EventRole,
    EventRoleKind,
    MeetingSession,
    Slot,
)
from brokerage.extensions import db  # noqa: E402
from brokerage.mail import outbox  # noqa: E402
from brokerage.meetings.models import MeetingRequest, RequestStatus  # noqa: E402
from brokerage.scheduling.models import RunState, ScheduledMeeting, ScheduleRun  # noqa: E402
from config import TestConfig  # noqa: E402

PASSWORD = "bench-organiser-password"  # noqa: S105 - a throwaway database
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def publish_everything_in_the_past(event_id: int, seed: int) -> tuple[int, int]:
    """A published run with every accepted request, slots moved 60 days back; feedback rows."""
    rng = random.Random(seed)
    event = db.session.get(Event, event_id)
    slots = list(
        db.session.scalars(
            select(Slot).join(MeetingSession).where(MeetingSession.event_id == event_id)
        )
    )
    for slot in slots:  # the event is over
        slot.starts_at -= timedelta(days=60)
        slot.ends_at -= timedelta(days=60)
    for session in event.sessions:
        session.starts_at -= timedelta(days=60)
        session.ends_at -= timedelta(days=60)
    run = ScheduleRun(event_id=event_id, state=RunState.FINISHED, options={}, figures={})
    db.session.add(run)
    db.session.flush()
    requests = db.session.execute(
        select(MeetingRequest.id, MeetingRequest.sender_id, MeetingRequest.recipient_id).where(
            MeetingRequest.event_id == event_id,
            MeetingRequest.status == RequestStatus.ACCEPTED,
        )
    ).all()
    db.session.execute(
        insert(ScheduledMeeting),
        [
            {"run_id": run.id, "request_id": request_id, "slot_id": rng.choice(slots).id}
            for request_id, _, _ in requests
        ],
    )
    event.published_run_id = run.id
    run.published_at = utcnow()
    now = utcnow()
    rows = []
    for request_id, sender_id, recipient_id in requests:
        for side in (sender_id, recipient_id):
            if rng.random() >= 0.7:
                continue
            took_place = rng.random() < 0.9
            rows.append(
                {
                    "event_id": event_id,
                    "request_id": request_id,
                    "participant_id": side,
                    "outcome": MeetingOutcome.TOOK_PLACE
                    if took_place
                    else MeetingOutcome.PARTNER_NO_SHOW,
                    "rating": rng.randint(1, 5) if took_place and rng.random() < 0.8 else None,
                    "comment": "Useful follow-up agreed." if rng.random() < 0.2 else "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
    db.session.execute(insert(MeetingFeedback), rows)
    db.session.commit()
    return len(requests), len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'attendance.sqlite'}"
        config = type(
            "BenchConfig",
            (TestConfig,),
            {"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"},
        )
        app = create_app(config)
        with app.app_context():
            db.create_all()
            event_id = build_event(options.participants, options.seed)
            meetings, reports = publish_everything_in_the_past(event_id, options.seed)
            organiser = db.session.scalar(select(User).where(User.email == "organiser@example.org"))
            organiser.set_password(PASSWORD)
            organiser.email_verified_at = utcnow()
            db.session.add(
                EventRole(event_id=event_id, user_id=organiser.id, kind=EventRoleKind.ORGANISER)
            )
            slug = db.session.get(Event, event_id).slug
            db.session.commit()

            figure_times, figure_queries = [], 0
            for _ in range(options.repeat):
                db.session.expire_all()
                event = db.session.get(Event, event_id)
                figures, seconds, figure_queries = timed(lambda e=event: attendance_figures(e))
                figure_times.append(seconds)
            tally = figures.tally
            db.session.remove()

        client = app.test_client()
        page = client.get("/account/login").get_data(as_text=True)
        token = CSRF.search(page).group(1)
        response = client.post(
            "/account/login",
            data={"email": "organiser@example.org", "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302, response.status_code
        page_times, page_queries, size = [], 0, 0
        with app.app_context():
            for _ in range(options.repeat):
                response, seconds, page_queries = timed(
                    lambda: client.get(f"/events/{slug}/manage/attendance")
                )
                assert response.status_code == 200, response.status_code
                size = len(response.data)
                page_times.append(seconds)

        with app.test_request_context():
            event = db.session.get(Event, event_id)

            def remind():
                summary = send_feedback_reminders(event)
                db.session.commit()
                return summary

            summary, remind_seconds, remind_queries = timed(remind)
            delivered = len(outbox(app))

    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, Python {platform.python_version()}")
    print(
        f"event: {options.participants} participants, {meetings} held meetings, "
        f"{reports} reports ({tally.reported} meetings with at least one)"
    )
    print(
        f"figures: kept {tally.kept_rate:.1%}, no-show {tally.no_show_rate:.1%}, "
        f"disputed {tally.disputed_rate:.1%}, average rating {tally.average_rating:.2f}, "
        f"{len(tally.repeat_no_shows())} repeat no-shows"
    )
    print(
        f"attendance_figures: median {statistics.median(figure_times) * 1000:.0f} ms "
        f"(min {min(figure_times) * 1000:.0f}), {figure_queries} queries"
    )
    print(
        f"organiser page: median {statistics.median(page_times) * 1000:.0f} ms "
        f"(min {min(page_times) * 1000:.0f}), {page_queries} queries, {size / 1024:.0f} KiB"
    )
    print(
        f"feedback-reminder: {summary.emailed} e-mails ({summary.meetings} meetings listed, "
        f"{delivered} delivered to the outbox) in {remind_seconds:.2f} s, {remind_queries} queries"
    )


if __name__ == "__main__":
    main()
