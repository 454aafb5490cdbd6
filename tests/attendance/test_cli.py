"""flask feedback-reminder SLUG: e-mails participants with ended meetings not yet rated."""

from __future__ import annotations

from brokerage.attendance.models import MeetingOutcome
from brokerage.attendance.services import record_feedback
from brokerage.extensions import db
from brokerage.registration.models import ParticipantStatus
from tests.attendance.conftest import World, event_of, person
from tests.factories import commit


def run(app, *args: str):
    # As `flask` does: the command runs inside an application context.
    with app.app_context():
        return app.test_cli_runner().invoke(args=["feedback-reminder", *args])


def by_recipient(outbox) -> dict[str, str]:
    return {mail.to: mail.text for mail in outbox}


def test_everyone_with_unrated_ended_meetings_is_emailed(app, world: World, mail_outbox):
    with app.app_context():
        event = event_of(world)
        # Ada has answered for two of her three ended meetings; Bob for both of his... but one.
        record_feedback(event, person(world, "a"), world.requests["ab"], MeetingOutcome.TOOK_PLACE)
        record_feedback(event, person(world, "a"), world.requests["ac"], MeetingOutcome.TOOK_PLACE)
        record_feedback(event, person(world, "b"), world.requests["ab"], MeetingOutcome.TOOK_PLACE)
        commit()
    result = run(app, world.slug)
    assert result.exit_code == 0, result.output
    # Ada: ad. Bob: bc. Cleo: ac, cd, bc. Dan: ad, cd. Eve: nothing ended yet.
    assert "E-mailed 4 participants about 7 meetings without their feedback." in result.output
    mails = by_recipient(mail_outbox)
    assert set(mails) == {world.emails[key] for key in "abcd"}
    ada = mails[world.emails["a"]]
    assert "Dan Dirac (Dirac Labs)" in ada
    assert "Bob Babbage" not in ada
    assert "Cleo Curie" not in ada
    assert f"http://localhost/events/{world.slug}/agenda" in ada
    cleo = mails[world.emails["c"]]
    for name in ("Ada Lovelace", "Bob Babbage", "Dan Dirac"):
        assert name in cleo
    assert "these 3 meetings" in cleo
    assert "Eve Euler" not in "".join(mails.values())  # Ada and Eve meet later today
    subject = next(mail.subject for mail in mail_outbox if mail.to == world.emails["a"])
    assert subject.startswith("How did your meeting go?")


def test_participants_who_want_essential_emails_only_are_skipped(app, world: World, mail_outbox):
    with app.app_context():
        person(world, "c").essential_emails_only = True
        person(world, "d").status = ParticipantStatus.CANCELLED  # no longer approved
        commit()
    result = run(app, world.slug)
    assert result.exit_code == 0, result.output
    assert "E-mailed 2 participants" in result.output
    assert "Skipped 1 who asked for essential e-mails only" in result.output
    assert set(by_recipient(mail_outbox)) == {world.emails["a"], world.emails["b"]}


def test_nobody_left_to_remind(app, world: World, mail_outbox):
    with app.app_context():
        event = event_of(world)
        for pair in ("ab", "cd", "ac", "ad", "bc"):
            for key in pair:
                record_feedback(
                    event, person(world, key), world.requests[pair], MeetingOutcome.TOOK_PLACE
                )
        commit()
    result = run(app, world.slug)
    assert result.exit_code == 0
    assert "E-mailed 0 participants about 0 meetings" in result.output
    assert mail_outbox == []


def test_an_unknown_event_is_a_clear_error(app, mail_outbox):
    result = run(app, "no-such-event")
    assert result.exit_code != 0
    assert "no event 'no-such-event'" in result.output
    assert mail_outbox == []


def test_an_unpublished_event_is_a_clear_error(app, world: World, mail_outbox):
    with app.app_context():
        event_of(world).published_run_id = None
        db.session.commit()
    result = run(app, world.slug)
    assert result.exit_code == 1
    assert "no published schedule" in result.output
    assert mail_outbox == []
