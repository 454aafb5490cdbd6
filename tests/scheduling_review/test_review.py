"""The review page's figures on hand-made runs: totals, per participant, heat map, histogram."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event as sa_event

from brokerage.events.models import Slot
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.registration.models import Participant
from brokerage.scheduling import review
from brokerage.scheduling.models import MeetingState, ScheduledMeeting, UnscheduledRequest
from brokerage.scheduling.solver import problem as solver
from brokerage.scheduling.solver.checker import evaluate
from tests.conftest import login
from tests.factories import PASSWORD, commit, make_schedule_run, make_scheduled_meeting
from tests.scheduling_review.conftest import World, event_of, request_of, slot, table

# (pair, slot index, table index): a hosts at her booth (table index 3).
DRAFT = [("ab", 0, 3), ("ac", 2, 3), ("cd", 0, 0), ("bc", 3, 1)]
AD_REASON = "no slot where both Ada Lovelace (1) and Dan Dirac (4) are available"


def make_draft(app, world: World, placements=DRAFT, reasons=None, **fields) -> int:
    with app.app_context():
        event = event_of(world)
        defaults = {"figures": {"scheduled_weight": 4, "best_bound": 5, "wall_time": 1.25}}
        defaults.update(fields)
        run = make_schedule_run(event, **defaults)
        for pair, slot_index, table_index in placements:
            make_scheduled_meeting(
                run, request_of(world, pair), slot(world, slot_index), table(world, table_index)
            )
        placed = {pair for pair, _, _ in placements}
        for pair in world.requests:
            if pair not in placed:
                db.session.add(
                    UnscheduledRequest(
                        run_id=run.id,
                        request_id=world.requests[pair],
                        reason=(reasons or {}).get(pair, AD_REASON),
                    )
                )
        commit()
        return run.id


def review_url(world: World, run_id: int) -> str:
    return f"/events/{world.slug}/manage/schedule/runs/{run_id}/review"


@pytest.fixture
def organiser(client, world):
    login(client, world.organiser_email, PASSWORD)
    return client


def test_totals_against_the_bound_and_the_status_in_words(app, organiser, world):
    run_id = make_draft(app, world)
    page = organiser.get(review_url(world, run_id))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<strong>4</strong> of 5 accepted requests (80.0 %)" in html
    assert "4 of at most 5 (80.0 % of the best bound)" in html
    assert "3 in total, at most 1 for one participant" in html
    assert "1.2 s" in html or "1.3 s" in html
    assert "proven optimal" in html
    assert "Publish this schedule" in html


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"solver_status": "FEASIBLE"}, "good, not proven optimal"),
        ({"solver_status": "UNKNOWN"}, "stopped early"),
        ({"solver_status": "FEASIBLE", "state": "cancelled"}, "stopped early"),
        (
            {"solver_status": "INFEASIBLE", "explanation": "Ada has 3 locked meetings in 2 slots"},
            "no schedule possible: Ada has 3 locked meetings in 2 slots",
        ),
        ({"state": "failed", "solver_status": None}, "failed (see the log)"),
    ],
)
def test_solver_status_in_words(app, organiser, world, fields, words):
    run_id = make_draft(app, world, **fields)
    html = organiser.get(review_url(world, run_id)).get_data(as_text=True)
    assert words in html


def test_per_participant_figures_match_the_solver_checker(app, world):
    run_id = make_draft(app, world)
    with app.app_context():
        event = event_of(world)
        slots = review.event_slots(event)
        meetings = review.load_meetings(run_id)
        rows = {row.participant.id: row for row in review.participant_rows(meetings, slots)}

        problem = solver.Problem(
            slots=tuple(solver.Slot(id=str(s.id), session=str(s.session_id)) for s in slots),
            participants=tuple(solver.Participant(id=str(pid)) for pid in world.people.values()),
            meetings=tuple(
                solver.Meeting(
                    id=str(m.request_id), a=str(m.request.sender_id), b=str(m.request.recipient_id)
                )
                for m in meetings
            ),
            shared_tables=3,
        )
        assignments = [
            solver.Assignment(str(m.request_id), str(m.slot_id), str(m.table_id)) for m in meetings
        ]
        figures, per_participant = evaluate(problem, assignments)
        for pid, expected in per_participant.items():
            row = rows[int(pid)]
            assert (row.meetings, row.breaks, row.table_changes) == (
                expected.meetings,
                expected.breaks,
                expected.table_changes,
            )
            assert row.first_start == db.session.get(Slot, int(expected.first_slot)).starts_at
        assert sum(row.breaks for row in rows.values()) == figures.breaks_total == 3
        assert max(row.breaks for row in rows.values()) == figures.breaks_max == 1
        assert sum(row.table_changes for row in rows.values()) == figures.table_changes == 1


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 6), st.integers(0, 2)),
        max_size=14,
    )
)
def test_breaks_and_table_changes_match_the_checker_on_any_schedule(data):
    """Property: for any schedule with no one double-booked, the figures equal the checker's."""
    start = datetime(2030, 5, 6, 7, tzinfo=UTC)
    slots = [
        Slot(
            id=index + 1,
            session_id=1 if index < 5 else 2,
            starts_at=start + timedelta(minutes=25 * index + (300 if index >= 5 else 0)),
            ends_at=start,
        )
        for index in range(7)
    ]
    people = [Participant(id=index + 1, first_name="P", last_name=str(index)) for index in range(5)]
    meetings = []
    seen_pairs = set()
    busy: set[tuple[int, int]] = set()
    for number, (a, b, slot_index, table_id) in enumerate(data):
        # Keep the schedule valid for people: one meeting per pair, one per person and slot.
        if (
            a == b
            or (min(a, b), max(a, b)) in seen_pairs
            or {(a, slot_index), (b, slot_index)} & busy
        ):
            continue
        seen_pairs.add((min(a, b), max(a, b)))
        busy |= {(a, slot_index), (b, slot_index)}
        request = MeetingRequest(
            id=number + 1,
            sender=people[a],
            recipient=people[b],
            sender_id=a + 1,
            recipient_id=b + 1,
            status=RequestStatus.ACCEPTED,
        )
        meetings.append(
            ScheduledMeeting(
                request=request,
                request_id=number + 1,
                slot=slots[slot_index],
                slot_id=slot_index + 1,
                table_id=table_id,
                state=MeetingState.SCHEDULED,
            )
        )
    rows = {
        row.participant.id: row for row in review.participant_rows(meetings, slots, also=people)
    }
    problem = solver.Problem(
        slots=tuple(solver.Slot(id=str(s.id), session=str(s.session_id)) for s in slots),
        participants=tuple(solver.Participant(id=str(p.id)) for p in people),
        meetings=tuple(
            solver.Meeting(
                id=str(m.request_id), a=str(m.request.sender_id), b=str(m.request.recipient_id)
            )
            for m in meetings
        ),
        shared_tables=3,
    )
    _, per_participant = evaluate(
        problem,
        [solver.Assignment(str(m.request_id), str(m.slot_id), str(m.table_id)) for m in meetings],
    )
    for pid, expected in per_participant.items():
        row = rows[int(pid)]
        assert (row.meetings, row.breaks, row.table_changes) == (
            expected.meetings,
            expected.breaks,
            expected.table_changes,
        )


def test_unscheduled_requests_with_reason_category_filter_and_sort(app, organiser, world):
    lower = "all shared tables taken in the slots both are free"
    run_id = make_draft(app, world, placements=DRAFT[:3], reasons={"bc": lower})
    html = organiser.get(review_url(world, run_id)).get_data(as_text=True)
    assert "Unscheduled requests" in html
    assert AD_REASON in html
    assert lower in html
    assert "No common availability (1)" in html
    assert "No free table (1)" in html
    assert "Dirac Labs" in html
    filtered = organiser.get(review_url(world, run_id) + "?reason=No+free+table").get_data(
        as_text=True
    )
    assert lower in filtered
    assert AD_REASON not in filtered
    by_name = organiser.get(review_url(world, run_id) + "?sort=name").get_data(as_text=True)
    # By reason "No common availability" < "No free table"; by name Babbage (bc) < Lovelace (ad).
    assert html.index(AD_REASON) < html.index(lower)
    assert by_name.index(lower) < by_name.index(AD_REASON)
    junk = organiser.get(review_url(world, run_id) + "?reason=%3Cscript%3E&sort=x&order=y&q=")
    assert junk.status_code == 200


def test_reason_categories():
    assert review.reason_category(AD_REASON) == "No common availability"
    assert (
        review.reason_category("participant Ada (1) already at max_meetings (3)")
        == "Meeting limit reached"
    )
    assert (
        review.reason_category(
            "in every slot where both are available one of them already has a meeting: left out"
        )
        == "Diaries full"
    )
    assert (
        review.reason_category("all shared tables taken in the slots both are free")
        == "No free table"
    )
    assert (
        review.reason_category("not placed within the time limit (the schedule ...)")
        == "Time limit"
    )
    assert review.reason_category("left out for higher-weight meetings") == "Lower priority"
    assert review.reason_category("something new") == "Other"


def test_participant_table_with_search_and_local_times(app, organiser, world):
    run_id = make_draft(app, world)
    html = organiser.get(review_url(world, run_id) + "?q=curie").get_data(as_text=True)
    assert "1 of 4 participants" in html
    row = html.split("<td>Cleo Curie</td>", 1)[1].split("</tr>", 1)[0]
    # Cleo: 09:00, 09:50, 10:15 (Brussels time) -> 3 meetings, 1 break, 1 table change.
    cells = [cell.split(">", 1)[1].split("<", 1)[0] for cell in row.split("<td")[1:]]
    assert cells[1:4] == ["3", "1", "1"]
    assert cells[4].endswith("09:00")
    assert cells[5].endswith("10:35")


def test_heat_map_shows_each_table_slot_with_its_meeting_in_text(app, organiser, world):
    run_id = make_draft(app, world)
    with app.app_context():
        event = event_of(world)
        figures = review.review(
            review.run_of_event(event, run_id),
            review.event_slots(event),
            review.event_tables(event),
        )
        heat = figures.heat_map
        assert [group.session.name for group in heat.sessions] == ["Morning", "Afternoon"]
        assert [len(group.rows) for group in heat.sessions] == [5, 2]
        assert [t.label for t in heat.tables] == ["1", "2", "3", "B1"]
        first = heat.sessions[0].rows[0]
        assert first.used == 2
        assert first.cells[3].title == "Ada Lovelace – Bob Babbage"
        assert first.cells[1].meeting is None
        assert heat.column_used == [1, 1, 0, 2]
        assert (heat.used, heat.capacity) == (4, 28)
    html = organiser.get(review_url(world, run_id)).get_data(as_text=True)
    assert 'title="09:00, B1: Ada Lovelace – Bob Babbage"' in html
    assert '<span class="visually-hidden">Cleo Curie – Dan Dirac</span>' in html
    assert "4 of 28 table slots used" in html
    assert "2/4" in html


def test_histogram_counts_and_its_text_alternative(app, organiser, world):
    run_id = make_draft(app, world)
    with app.app_context():
        event = event_of(world)
        figures = review.review(
            review.run_of_event(event, run_id),
            review.event_slots(event),
            review.event_tables(event),
        )
        # a 2, b 2, c 3, d 1
        assert figures.histogram.counts == [0, 1, 2, 1]
    html = organiser.get(review_url(world, run_id)).get_data(as_text=True)
    assert '<title id="histogram-title">Meetings per participant</title>' in html
    assert "1 with 1 meetings; 2 with 2 meetings; 1 with 3 meetings" in html
    assert "<tr><td>2</td><td>2</td></tr>" in html  # the data table
    assert ">Meetings</text>" in html
    assert ">Participants</text>" in html


def test_the_page_costs_the_same_queries_for_few_and_many_meetings(app, organiser, world):
    small = make_draft(app, world, placements=DRAFT[:1])
    large = make_draft(app, world)
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(*args):
        statements.append(args[2])

    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        organiser.get(review_url(world, small))
        few = len(statements)
        statements.clear()
        organiser.get(review_url(world, large))
        many = len(statements)
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert few == many


def test_another_events_run_is_404_and_other_users_403(app, client, world):
    from tests.scheduling_review.conftest import build_world

    other = build_world(app)
    other_run = make_draft(app, other)
    own_run = make_draft(app, world)
    assert client.get(review_url(world, own_run)).status_code == 302  # anonymous: log in
    login(client, world.emails["a"], PASSWORD)
    assert client.get(review_url(world, own_run)).status_code == 403  # a participant
    client.post("/account/logout", data={"csrf_token": client.csrf_token(f"/events/{world.slug}")})
    login(client, world.organiser_email, PASSWORD)
    assert client.get(review_url(world, other_run)).status_code == 404
    assert client.get(review_url(other, other_run)).status_code == 403
    assert client.get(review_url(world, 987654)).status_code == 404
