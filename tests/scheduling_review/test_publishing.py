"""Publishing: the event's schedule, the audit row, sequences, and who is e-mailed what."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Participant
from brokerage.scheduling.models import ScheduleChange, ScheduledMeeting, ScheduleRun
from tests.conftest import login
from tests.factories import PASSWORD, commit, make_schedule_run, make_scheduled_meeting
from tests.scheduling_review.conftest import World, build_world, event_of, get
from tests.scheduling_review.test_review import DRAFT, make_draft, review_url


def publish_url(world: World, run_id: int) -> str:
    return f"/events/{world.slug}/manage/schedule/runs/{run_id}/publish"


def publish(client, world: World, run_id: int):
    return client.submit(publish_url(world, run_id), form_url=review_url(world, run_id))


@pytest.fixture
def organiser(client, world):
    login(client, world.organiser_email, PASSWORD)
    return client


def mails_to(outbox, email: str) -> list:
    return [mail for mail in outbox if mail.to == email]


def test_first_publication_mails_every_participant_with_meetings(
    app, organiser, world, mail_outbox
):
    with app.app_context():
        # Essential e-mails only: the agenda is essential, so Dan still hears about it.
        get(Participant, world.people["d"]).essential_emails_only = True
        commit()
    run_id = make_draft(app, world)
    response = publish(organiser, world, run_id)
    assert response.status_code == 302
    page = organiser.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Run #{run_id} is now the published schedule. 4 participants e-mailed." in page

    with app.app_context():
        event = event_of(world)
        run = get(ScheduleRun, run_id)
        assert event.published_run_id == run_id
        assert run.published_at is not None
        assert run.published_by.email == world.organiser_email
        change = db.session.scalars(select(ScheduleChange)).one()
        assert change.action == "publish"
        assert change.user.email == world.organiser_email
        assert change.summary == f"Published run #{run_id}: 4 meetings"

    assert sorted(mail.to for mail in mail_outbox) == sorted(world.emails.values())
    (cleo,) = mails_to(mail_outbox, world.emails["c"])
    assert cleo.subject.startswith("Your agenda is ready · ")
    # Cleo: 09:00 table 1 with Dan, 09:50 at Ada's booth, 10:15 table 2 with Bob (Brussels).
    assert "You have 3 meetings (times in Europe/Brussels)" in cleo.text
    lines = [line for line in cleo.text.splitlines() if line.startswith("- ")]
    assert len(lines) == 3
    assert "09:00–09:20, table 1: Dan Dirac (Dirac Labs)" in lines[0]
    assert "09:50–10:10, booth B1: Ada Lovelace (Lovelace Labs)" in lines[1]
    assert "10:15–10:35, table 2: Bob Babbage (Babbage Labs)" in lines[2]
    assert f"/events/{world.slug}/meetings" in cleo.text
    assert cleo.text.count("http://") + cleo.text.count("https://") == 1


def test_a_later_publication_mails_only_changed_participants_with_the_change(
    app, organiser, world, mail_outbox
):
    first = make_draft(app, world)
    assert publish(organiser, world, first).status_code == 302
    with app.app_context():
        for meeting in get(ScheduleRun, first).meetings:
            meeting.sequence = 3  # as if edited three times since
        commit()
    mail_outbox.clear()
    # ab unchanged, ac moved from 09:50 to 10:40 (booth), cd removed, bc unchanged, ad added.
    second = make_draft(
        app, world, placements=[("ab", 0, 3), ("ac", 4, 3), ("bc", 3, 1), ("ad", 6, 3)]
    )
    page = organiser.get(review_url(world, second)).get_data(as_text=True)
    assert "1 added" in page
    assert "1 moved" in page
    assert "1 removed" in page
    assert "2 unchanged" in page
    assert publish(organiser, world, second).status_code == 302

    with app.app_context():
        assert event_of(world).published_run_id == second
        by_request = {
            m.request_id: m
            for m in db.session.scalars(
                select(ScheduledMeeting).where(ScheduledMeeting.run_id == second)
            )
        }
        assert by_request[world.requests["ab"]].sequence == 3  # unchanged keeps it
        assert by_request[world.requests["bc"]].sequence == 3
        assert by_request[world.requests["ac"]].sequence == 4  # moved: previous + 1
        assert by_request[world.requests["ad"]].sequence == 0  # new
        summaries = [c.summary for c in db.session.scalars(select(ScheduleChange))]
        expected = f"Published run #{second} in place of run #{first}: 1 added, 1 moved, "
        assert expected + "1 removed, 0 cancelled" in summaries

    # Bob's meetings (ab, bc) did not change: he is not told. Ada (ac moved, ad added), Cleo (ac
    # moved, cd removed) and Dan (ad added, cd removed) are.
    assert sorted(mail.to for mail in mail_outbox) == sorted(
        world.emails[key] for key in ("a", "c", "d")
    )
    (cleo,) = mails_to(mail_outbox, world.emails["c"])
    assert cleo.subject.startswith("Your agenda has changed · ")
    assert "Moved meetings:\n- Ada Lovelace (Lovelace Labs): from " in cleo.text
    assert "09:50, booth B1 to " in cleo.text
    assert "10:40, booth B1" in cleo.text
    assert "Meetings no longer in the schedule:\n- Dan Dirac (Dirac Labs) (was " in cleo.text
    assert "New meetings" not in cleo.text
    (dan,) = mails_to(mail_outbox, world.emails["d"])
    assert "New meetings:\n- " in dan.text
    assert "14:25, booth B1: Ada Lovelace (Lovelace Labs)" in dan.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"state": "running", "solver_status": None}, "This run has not finished yet"),
        ({"state": "queued", "solver_status": None}, "This run has not finished yet"),
        ({"state": "failed", "solver_status": None}, "This run failed"),
        ({"solver_status": "INFEASIBLE"}, "This run found no possible schedule"),
    ],
)
def test_runs_without_a_schedule_are_refused(app, organiser, world, mail_outbox, fields, message):
    run_id = make_draft(app, world, **fields)
    response = publish(organiser, world, run_id)
    assert response.status_code == 302
    page = organiser.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    assert "Publish this schedule" not in page
    with app.app_context():
        assert event_of(world).published_run_id is None
        assert db.session.scalars(select(ScheduleChange)).first() is None
    assert mail_outbox == []


def test_publishing_the_published_run_again_is_refused(app, organiser, world, mail_outbox):
    run_id = make_draft(app, world)
    publish(organiser, world, run_id)
    mail_outbox.clear()
    response = organiser.post(
        publish_url(world, run_id),
        data={"csrf_token": organiser.csrf_token(review_url(world, run_id))},
    )
    page = organiser.get(response.headers["Location"]).get_data(as_text=True)
    assert "This run is already the published schedule." in page
    assert mail_outbox == []


def test_who_may_publish(app, client, world, mail_outbox):
    other = build_world(app)
    own_run = make_draft(app, world)
    other_run = make_draft(app, other)
    token_page = f"/events/{world.slug}"
    assert (
        client.post(
            publish_url(world, own_run), data={"csrf_token": client.csrf_token("/account/login")}
        ).status_code
        == 302
    )  # anonymous -> login
    login(client, world.emails["a"], PASSWORD)
    token = client.csrf_token(token_page)
    assert client.post(publish_url(world, own_run), data={"csrf_token": token}).status_code == 403
    client.post("/account/logout", data={"csrf_token": token})
    login(client, other.organiser_email, PASSWORD)
    token = client.csrf_token(token_page)
    assert client.post(publish_url(world, own_run), data={"csrf_token": token}).status_code == 403
    # Another event's run id under one's own event: not found.
    assert client.post(publish_url(other, own_run), data={"csrf_token": token}).status_code == 404
    assert client.post(publish_url(other, 987654), data={"csrf_token": token}).status_code == 404
    assert client.post(publish_url(other, other_run), data={}).status_code == 400  # no CSRF
    with app.app_context():
        assert db.session.scalars(select(Event.published_run_id)).all() == [None, None]
    assert mail_outbox == []


def test_publishing_without_a_previous_schedule_and_an_empty_run(
    app, organiser, world, mail_outbox
):
    with app.app_context():
        run = make_schedule_run(event_of(world))
        run_id = run.id
        commit()
    assert publish(organiser, world, run_id).status_code == 302
    with app.app_context():
        assert event_of(world).published_run_id == run_id
    assert mail_outbox == []


def test_cancelled_meetings_in_a_republication_are_told(app, organiser, world, mail_outbox):
    first = make_draft(app, world)
    publish(organiser, world, first)
    mail_outbox.clear()
    with app.app_context():
        run = make_schedule_run(event_of(world))
        for pair, slot_index, table_index in DRAFT:
            from tests.scheduling_review.conftest import request_of, slot, table

            make_scheduled_meeting(
                run,
                request_of(world, pair),
                slot(world, slot_index),
                table(world, table_index),
                state="cancelled" if pair == "cd" else "scheduled",
            )
        second = run.id
        commit()
    publish(organiser, world, second)
    assert sorted(mail.to for mail in mail_outbox) == sorted([world.emails["c"], world.emails["d"]])
    assert (
        "Cancelled meetings:\n- Cleo Curie (Curie Labs)"
        in mails_to(mail_outbox, world.emails["d"])[0].text
    )
    with app.app_context():
        cancelled = db.session.scalars(
            select(ScheduledMeeting).where(
                ScheduledMeeting.run_id == second,
                ScheduledMeeting.request_id == world.requests["cd"],
            )
        ).one()
        assert cancelled.sequence == 1
