"""The feedback form on the agenda and its route: who may post, what the partner sees."""

from __future__ import annotations

from sqlalchemy import select

from brokerage.attendance.models import MeetingFeedback, MeetingOutcome
from brokerage.extensions import db
from brokerage.registration.models import ParticipantStatus
from tests.attendance.conftest import World, event_of
from tests.conftest import login
from tests.factories import PASSWORD, commit, make_event, make_participant, make_user


def feedback_url(world: World, pair: str) -> str:
    return f"/events/{world.slug}/meetings/{world.requests[pair]}/feedback"


def agenda_url(world: World) -> str:
    return f"/events/{world.slug}/agenda"


def rows(app) -> list[tuple[int, str, int | None, str]]:
    with app.app_context():
        return [
            (row.participant_id, row.outcome.value, row.rating, row.comment)
            for row in db.session.scalars(select(MeetingFeedback).order_by(MeetingFeedback.id))
        ]


def flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def post(client, world: World, pair: str, data: dict):
    return client.submit(feedback_url(world, pair), data, form_url=agenda_url(world))


def test_a_side_reports_and_is_sent_back_to_the_meeting(app, client, world):
    login(client, world.emails["a"], PASSWORD)
    response = post(
        client, world, "ab", {"outcome": "took_place", "rating": "4", "comment": "Good lead"}
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/events/{world.slug}/agenda#meeting-{world.requests['ab']}")
    assert rows(app) == [(world.people["a"], "took_place", 4, "Good lead")]
    assert flashes(client)[-1][0] == "success"
    # Changing the answer updates the row.
    post(client, world, "ab", {"outcome": "partner_no_show", "rating": "", "comment": ""})
    assert rows(app) == [(world.people["a"], "partner_no_show", None, "")]


def test_the_agenda_shows_the_form_after_the_meeting_and_the_saved_answer(app, client, world):
    login(client, world.emails["a"], PASSWORD)
    html = client.get(agenda_url(world)).get_data(as_text=True)
    for pair in ("ab", "ac", "ad"):  # ended
        assert f'action="{feedback_url(world, pair)}"' in html
    assert feedback_url(world, "ae") not in html  # later today
    assert "Your rating is visible to the organisers only" in html
    assert 'fw-semibold mb-1">How useful was it?' in html
    post(client, world, "ab", {"outcome": "took_place", "rating": "5", "comment": "Signed an NDA"})
    html = client.get(agenda_url(world)).get_data(as_text=True)
    assert "Your rating: 5 of 5" in html
    assert "Signed an NDA" in html
    assert "Change your answer" in html


def test_the_partner_never_sees_the_other_sides_rating_or_comment(app, client, world):
    login(client, world.emails["a"], PASSWORD)
    secret = "Rude and late <b>never again</b>"
    post(client, world, "ab", {"outcome": "took_place", "rating": "1", "comment": secret})
    client.post("/account/logout", data={"csrf_token": client.csrf_token("/")})
    login(client, world.emails["b"], PASSWORD)
    html = client.get(agenda_url(world)).get_data(as_text=True)
    assert client.get(agenda_url(world)).status_code == 200
    assert "never again" not in html
    assert "Rude and late" not in html
    assert "Your rating: 1" not in html
    # Bob still gets his own, empty form for that meeting.
    assert f'action="{feedback_url(world, "ab")}"' in html
    assert f'id="feedback-{world.requests["ab"]}"' in html


def test_the_users_text_is_escaped_on_the_agenda(app, client, world):
    login(client, world.emails["a"], PASSWORD)
    post(client, world, "ab", {"outcome": "took_place", "comment": "<script>alert(1)</script>"})
    html = client.get(agenda_url(world)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_bad_input_is_refused_with_a_message(app, client, world):
    login(client, world.emails["a"], PASSWORD)
    for data, message in (
        ({"outcome": "took_place", "rating": "9"}, "1 to 5"),
        ({"outcome": "took_place", "rating": "abc"}, "1 to 5"),
        ({"rating": "3"}, "took place"),
        ({"outcome": "sort of"}, "took place or your partner did not show"),
        ({"outcome": "took_place", "comment": "x" * 2001}, "2,000"),
    ):
        response = post(client, world, "ab", data)
        assert response.status_code == 302
        messages = flashes(client)
        assert len(messages) == 1
        category, text = messages[-1]
        assert category == "error"
        assert message in text
        assert response.location.endswith(f"#meeting-{world.requests['ab']}")
    assert rows(app) == []


def test_a_meeting_still_to_come_is_refused(app, client, world):
    login(client, world.emails["a"], PASSWORD)
    response = post(client, world, "ae", {"outcome": "took_place"})
    assert response.status_code == 302
    assert "once it has ended" in flashes(client)[-1][1]
    assert rows(app) == []


def test_anonymous_users_go_to_the_login_page(app, client, world):
    response = client.post(feedback_url(world, "ab"), data={"outcome": "took_place"})
    assert response.status_code in (302, 400)  # no CSRF token: 400 before anything else
    token = client.csrf_token("/account/login")
    response = client.post(
        feedback_url(world, "ab"), data={"outcome": "took_place", "csrf_token": token}
    )
    assert response.status_code == 302
    assert "/account/login" in response.location
    assert rows(app) == []


def test_another_participant_of_the_event_gets_a_404(app, client, world):
    login(client, world.emails["e"], PASSWORD)  # Eve meets Ada later, never Bob
    assert post(client, world, "ab", {"outcome": "partner_no_show"}).status_code == 404
    # The draft-only meeting is not published: 404 for its own sides too.
    client.post("/account/logout", data={"csrf_token": client.csrf_token("/")})
    login(client, world.emails["b"], PASSWORD)
    assert post(client, world, "be", {"outcome": "took_place"}).status_code == 404
    assert rows(app) == []


def test_unknown_meetings_and_events_are_404(app, client, world):
    login(client, world.emails["a"], PASSWORD)
    token = client.csrf_token(agenda_url(world))
    data = {"outcome": "took_place", "csrf_token": token}
    assert (
        client.post(f"/events/{world.slug}/meetings/999999/feedback", data=data).status_code == 404
    )
    response = client.post(f"/events/nope/meetings/{world.requests['ab']}/feedback", data=data)
    assert response.status_code == 404


def test_a_participant_no_longer_approved_is_refused(app, client, world):
    with app.app_context():
        from brokerage.registration.models import Participant

        db.session.get(Participant, world.people["a"]).status = ParticipantStatus.CANCELLED
        commit()
    login(client, world.emails["a"], PASSWORD)
    token = client.csrf_token("/")
    response = client.post(
        feedback_url(world, "ab"), data={"outcome": "took_place", "csrf_token": token}
    )
    assert response.status_code == 403
    assert rows(app) == []


def test_organisers_cannot_report_for_participants(app, client, world):
    login(client, world.organiser_email, PASSWORD)
    token = client.csrf_token("/")
    response = client.post(
        feedback_url(world, "ab"), data={"outcome": "took_place", "csrf_token": token}
    )
    assert response.status_code == 403


def test_a_participant_of_another_event_is_refused(app, client, world):
    with app.app_context():
        other = make_event()
        user = make_user("stranger@example.org")
        make_participant(other, user)
        # Registered in the other event only, and posting through this event's URL.
        assert event_of(world).id != other.id
        commit()
    login(client, "stranger@example.org", PASSWORD)
    token = client.csrf_token("/")
    response = client.post(
        feedback_url(world, "ab"), data={"outcome": "took_place", "csrf_token": token}
    )
    assert response.status_code == 403
    assert rows(app) == []


def test_the_outcome_labels_use_the_domain_words(app, client, world):
    assert MeetingOutcome.PARTNER_NO_SHOW.value == "partner_no_show"
    login(client, world.emails["a"], PASSWORD)
    html = client.get(agenda_url(world)).get_data(as_text=True)
    assert "Bob Babbage did not show" in html
    assert "It took place" in html


def test_a_refused_answer_is_explained_next_to_its_meeting_once(app, client, world):
    login(client, world.emails["a"], PASSWORD)
    post(client, world, "ac", {"outcome": "took_place", "rating": "7"})
    html = client.get(agenda_url(world)).get_data(as_text=True)
    entry = html[html.index(f'id="feedback-{world.requests["ac"]}"') :]
    entry = entry[: entry.index("</section>")]
    assert f'id="feedback-{world.requests["ac"]}-errors"' in entry
    assert "A rating is a whole number from 1 to 5." in entry
    assert html.count('role="alert" id="feedback-') == 1  # not on the other meetings
    again = client.get(agenda_url(world)).get_data(as_text=True)
    assert "A rating is a whole number from 1 to 5." not in again


def test_junk_in_every_field_is_never_a_500(app, client, world):
    login(client, world.emails["a"], PASSWORD)
    token = client.csrf_token(agenda_url(world))
    junk = ["", "x" * 10_000, "-1", "abc", "999999999", "1.5", "\x00", "<script>alert(1)</script>"]
    for value in junk:
        for data in (
            {"outcome": value, "rating": value, "comment": value},
            {"outcome": "took_place", "rating": value, "comment": value},
            {"outcome": ["took_place", value], "rating": ["3", value]},
        ):
            response = client.post(feedback_url(world, "ab"), data={**data, "csrf_token": token})
            assert response.status_code in (302, 400), (value[:20], response.status_code)
    # A repeated field counts by its first value, so ["took_place", junk] may be saved: once.
    assert len(rows(app)) <= 1
