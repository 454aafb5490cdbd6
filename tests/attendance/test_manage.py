"""The organiser's attendance page: figures, repeat no-shows, comments, access, queries."""

from __future__ import annotations

from sqlalchemy import select

from brokerage.attendance.figures import Verdict, attendance_figures
from brokerage.attendance.models import MeetingFeedback, MeetingOutcome
from brokerage.attendance.services import record_feedback
from brokerage.events.models import EventRoleKind, MeetingSession, Slot
from brokerage.extensions import db
from brokerage.meetings.models import RequestStatus
from tests.attendance.conftest import World, counted_statements, event_of, person
from tests.conftest import login
from tests.factories import (
    PASSWORD,
    commit,
    make_event,
    make_meeting_request,
    make_participant,
    make_role,
    make_scheduled_meeting,
    make_user,
)

TOOK_PLACE = MeetingOutcome.TOOK_PLACE
NO_SHOW = MeetingOutcome.PARTNER_NO_SHOW


def manage_url(world: World) -> str:
    return f"/events/{world.slug}/manage/attendance"


def report(app, world: World) -> None:
    """ab kept (5, 4); ac no-show (Cleo); ad disputed; cd no-show (Cleo); bc unreported."""
    with app.app_context():
        event = event_of(world)
        say = [
            ("a", "ab", TOOK_PLACE, 5, "Great <em>partner</em>"),
            ("b", "ab", TOOK_PLACE, 4, ""),
            ("a", "ac", NO_SHOW, None, ""),
            ("a", "ad", NO_SHOW, None, "Waited at table 2"),
            ("d", "ad", TOOK_PLACE, 2, "I was there!"),
            ("d", "cd", NO_SHOW, None, ""),
        ]
        for key, pair, outcome, rating, comment in say:
            record_feedback(
                event, person(world, key), world.requests[pair], outcome, rating, comment
            )
        # A stray row on a draft-only meeting (written before a re-publication): not counted.
        db.session.add(
            MeetingFeedback(
                event_id=event.id,
                request_id=world.requests["be"],
                participant_id=world.people["b"],
                outcome=TOOK_PLACE,
                rating=1,
                comment="Draft-only meeting",
            )
        )
        commit()


def test_figures_of_a_small_event(app, world):
    report(app, world)
    with app.app_context():
        figures = attendance_figures(event_of(world))
        tally = figures.tally
        assert tally.held == 5
        assert figures.upcoming == 1
        assert tally.counts == {
            Verdict.KEPT: 1,
            Verdict.NO_SHOW: 2,
            Verdict.DISPUTED: 1,
            Verdict.UNREPORTED: 1,
        }
        assert tally.reports_per_meeting == (1, 2, 2)
        assert (tally.kept_rate, tally.no_show_rate, tally.disputed_rate) == (0.25, 0.5, 0.25)
        assert tally.rating_counts == (0, 1, 0, 1, 1)
        assert round(tally.average_rating, 2) == 3.67
        repeat = figures.repeat_no_shows()
        assert [(p.full_name, [x.full_name for x in partners]) for p, _, partners in repeat] == [
            ("Cleo Curie", ["Dan Dirac", "Ada Lovelace"])
        ]
        rows = {p.first_name: row for p, row in figures.participant_rows()}
        assert set(rows) == {"Ada", "Bob", "Cleo", "Dan"}  # Eve has nothing held yet
        assert (rows["Ada"].meetings, rows["Ada"].kept, rows["Ada"].average_rating) == (3, 1, 3)
        assert (rows["Dan"].no_shows_against, rows["Dan"].disputed_against) == (1, 1)
        assert rows["Cleo"].no_shows_against == 2
        assert sorted(rows["Ada"].ratings_received) == [2, 4]  # Dan rated the disputed one
        assert sorted(rows["Bob"].ratings_received) == [5]
        assert [c.comment for c in figures.comments] == [
            "I was there!",
            "Waited at table 2",
            "Great <em>partner</em>",
        ]


def test_the_organiser_sees_the_page(app, client, world):
    report(app, world)
    login(client, world.organiser_email, PASSWORD)
    response = client.get(manage_url(world))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<h1 class="h2 mb-3">Attendance &amp; feedback</h1>' in html
    assert 'aria-current="page" href="/events/' in html  # the side menu marks the page
    for text in (
        'Meetings held so far</dt><dd class="col-4">5',
        "(1 still to come)",
        "<strong>25 %</strong>",  # kept
        "<strong>50 %</strong>",  # no-shows
        "Average rating <strong>3.7</strong>",
        "Cleo Curie",
        "Dan Dirac, Ada Lovelace",
        "I was there!",
        "Great &lt;em&gt;partner&lt;/em&gt;",
        "disputed",
    ):
        assert text in html, text
    assert "Draft-only meeting" not in html
    assert "<em>partner</em>" not in html
    # The rating distribution has a text alternative: a table with a caption.
    assert "How many meetings received each rating" in html


def test_sorting_and_pages_never_fail(app, client, world):
    report(app, world)
    login(client, world.organiser_email, PASSWORD)
    for query in (
        "?order=no_shows",
        "?order=rating",
        "?order=meetings",
        "?order=junk",
        "?page=999",
        "?page=-3&comments_page=abc",
        "?comments_page=2",
        "?page=99999999999999999999&comments_page=0&order=" + "x" * 5000,
    ):
        assert client.get(manage_url(world) + query).status_code == 200, query
    html = client.get(manage_url(world) + "?order=no_shows").get_data(as_text=True)
    table = html[html.index('id="participants"') :]
    assert table.index("Cleo Curie") < table.index("Bob Babbage")


def test_before_publication(app, client, world):
    with app.app_context():
        event_of(world).published_run_id = None
        commit()
    login(client, world.organiser_email, PASSWORD)
    html = client.get(manage_url(world)).get_data(as_text=True)
    assert "Nothing is published yet" in html


def test_access(app, client, world):
    response = client.get(manage_url(world))
    assert response.status_code == 302
    assert "/account/login" in response.location
    login(client, world.emails["a"], PASSWORD)
    assert client.get(manage_url(world)).status_code == 403
    client.post("/account/logout", data={"csrf_token": client.csrf_token("/")})
    with app.app_context():
        other_organiser = make_user("other-organiser@example.org")
        make_event(organiser=other_organiser)
        staff = make_user("staff@example.org")
        make_role(event_of(world), staff, EventRoleKind.CHECKIN_STAFF)
        commit()
    login(client, "other-organiser@example.org", PASSWORD)
    assert client.get(manage_url(world)).status_code == 403
    client.post("/account/logout", data={"csrf_token": client.csrf_token("/")})
    login(client, "staff@example.org", PASSWORD)
    assert client.get(manage_url(world)).status_code == 403
    assert client.get("/events/no-such-event/manage/attendance").status_code == 404


def grow(app, world: World, extra: int) -> None:
    """Add `extra` participants, each with a held meeting with Eve, and feedback on it."""
    with app.app_context():
        event = event_of(world)
        eve = person(world, "e")
        slots = list(
            db.session.scalars(
                select(Slot)
                .join(MeetingSession)
                .where(MeetingSession.event_id == event.id, MeetingSession.name == "Earlier")
                .order_by(Slot.starts_at)
            )
        )
        run = _run(event.published_run_id)
        for index in range(extra):
            newcomer = make_participant(event, first_name="New", last_name=f"Comer{index}")
            request = make_meeting_request(newcomer, eve, status=RequestStatus.ACCEPTED)
            make_scheduled_meeting(run, request, slots[index % len(slots)])
            record_feedback(event, newcomer, request.id, NO_SHOW if index % 2 else TOOK_PLACE, 3)
        commit()


def _run(run_id: int):
    from brokerage.scheduling.models import ScheduleRun

    return db.session.get(ScheduleRun, run_id)


def test_a_constant_number_of_queries(app, client, world):
    report(app, world)
    login(client, world.organiser_email, PASSWORD)
    client.get(manage_url(world))  # warm up
    with counted_statements(app) as small:
        assert client.get(manage_url(world)).status_code == 200
    grow(app, world, 30)
    with counted_statements(app) as large:
        assert client.get(manage_url(world)).status_code == 200
    assert len(large) == len(small), (len(small), len(large))
    # Three are the page's own (meetings, feedback, participants); the rest are the login,
    # the access check and the site navigation.
    attendance = [s for s in small if "meeting_feedback" in s or "scheduled_meetings" in s]
    assert len(attendance) == 3
    assert len(small) <= 15
