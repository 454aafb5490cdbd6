"""Hand edits through the services: happy paths, refusals in words, audit, mail, hooks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.availability.models import SlotBlock
from brokerage.extensions import db
from brokerage.meetings import services as meetings
from brokerage.meetings.models import RequestStatus
from brokerage.scheduling import editing
from brokerage.scheduling.models import MeetingState, RunState, ScheduleChange
from brokerage.scheduling.services import build_problem
from brokerage.scheduling.solver import checker
from brokerage.scheduling.solver.problem import Assignment
from tests.factories import make_meeting_request, make_schedule_run
from tests.scheduling_edits.helpers import World, person


def assignments(world: World) -> list[Assignment]:
    rows = db.session.scalars(
        select(editing.ScheduledMeeting).where(
            editing.ScheduledMeeting.run_id == world.run.id,
            editing.ScheduledMeeting.state == MeetingState.SCHEDULED,
        )
    )
    return [
        Assignment(str(row.request_id), str(row.slot_id), row.table.label if row.table else "")
        for row in rows
    ]


def changes(world: World) -> list[ScheduleChange]:
    return list(
        db.session.scalars(
            select(ScheduleChange)
            .where(ScheduleChange.event_id == world.event.id)
            .order_by(ScheduleChange.id)
        )
    )


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(editing.EditError) as caught:
        call(*args, **kwargs)
    return str(caught.value)


# --- move -----------------------------------------------------------------------------------


def test_move_to_a_free_slot_and_table(world, mail_outbox):
    meeting = world.m_ana_juergen
    editing.move_meeting(
        meeting, world.slots[2], world.tables[1], locked=False, user=world.organiser
    )
    assert (meeting.slot_id, meeting.table_id) == (world.slots[2].id, world.tables[1].id)
    assert meeting.sequence == 1
    [change] = changes(world)
    assert change.action == "move"
    assert change.user_id == world.organiser.id
    assert change.summary == (
        "Moved Ana Marković and Jürgen Becker from 10:00 (table 1) to 10:50 (table 2)."
    )
    assert checker.check(build_problem(world.event).problem, assignments(world)) == []
    db.session.commit()
    assert mail_outbox == []  # a draft: participants see nothing


def test_any_free_table_takes_the_first_free_one(world):
    editing.move_meeting(world.m_ana_zoe, world.slots[2], None, locked=False, user=world.organiser)
    assert world.m_ana_zoe.table_id == world.tables[0].id
    added = editing.add_meeting(
        world.run, world.juergen_lena, world.slots[2], None, locked=False, user=world.organiser
    )
    assert added.table_id == world.tables[1].id


def test_with_no_table_free_the_people_come_first(world):
    message = refusal(
        editing.move_meeting,
        world.m_ana_zoe,
        world.slots[0],
        None,
        locked=False,
        user=world.organiser,
    )
    assert message == (
        "Ana Marković already meets Jürgen Becker at 10:00 (table 1). "
        "Zoë Janssens already meets Omar Haddad at 10:00 (table 2)."
    )


def test_move_refuses_a_double_booking_with_names_and_times(world):
    message = refusal(
        editing.move_meeting,
        world.m_ana_zoe,
        world.slots[0],
        world.tables[1],
        locked=False,
        user=world.organiser,
    )
    assert message == (
        "Ana Marković already meets Jürgen Becker at 10:00 (table 1). "
        "Zoë Janssens already meets Omar Haddad at 10:00 (table 2). "
        "Table 2 is taken at 10:00 by Zoë Janssens and Omar Haddad."
    )
    assert world.m_ana_zoe.sequence == 0
    assert changes(world) == []


def test_add_refuses_a_taken_table(world):
    message = refusal(
        editing.add_meeting,
        world.run,
        world.juergen_lena,
        world.slots[1],
        world.tables[0],
        locked=False,
        user=world.organiser,
    )
    assert message == "Table 1 is taken at 10:25 by Ana Marković and Zoë Janssens."


def test_add_refuses_an_unavailable_participant(world):
    db.session.add(SlotBlock(participant_id=world.lena.id, slot_id=world.slots[2].id))
    db.session.flush()
    message = refusal(
        editing.add_meeting,
        world.run,
        world.juergen_lena,
        world.slots[2],
        None,
        locked=False,
        user=world.organiser,
    )
    assert message == "Lena Vogel is not available at 10:50."


def test_add_refuses_beyond_max_meetings(world):
    world.event.max_meetings_per_participant = 2
    ana_lena = make_meeting_request(world.ana, world.lena, status=RequestStatus.ACCEPTED)
    message = refusal(
        editing.add_meeting,
        world.run,
        ana_lena,
        world.slots[3],
        None,
        locked=False,
        user=world.organiser,
    )
    assert message == "Ana Marković already has 2 meetings, this event's maximum."


def test_every_shared_table_taken(world):
    first = person(world.event, "Kai", "Nieminen")
    second = person(world.event, "Ines", "Costa")
    blocker = make_meeting_request(first, second, status=RequestStatus.ACCEPTED)
    editing.add_meeting(
        world.run, blocker, world.slots[1], None, locked=False, user=world.organiser
    )
    message = refusal(
        editing.add_meeting,
        world.run,
        world.juergen_lena,
        world.slots[1],
        None,
        locked=False,
        user=world.organiser,
    )
    assert message == "Every shared table is taken at 10:25."


# --- locks ----------------------------------------------------------------------------------


def test_a_locked_meeting_must_be_unlocked_to_move(world):
    meeting = world.m_ana_juergen
    editing.move_meeting(meeting, world.slots[0], None, locked=True, user=world.organiser)
    assert meeting.locked
    assert meeting.sequence == 1
    assert meeting.table_id == world.tables[0].id  # "any table" keeps its table in place
    assert changes(world)[-1].summary == "Locked Ana Marković and Jürgen Becker."
    message = refusal(
        editing.move_meeting,
        meeting,
        world.slots[3],
        None,
        locked=True,
        user=world.organiser,
    )
    assert message == (
        "The meeting of Ana Marković and Jürgen Becker is locked at 10:00: "
        "unlock it before moving it."
    )
    editing.move_meeting(meeting, world.slots[3], None, locked=False, user=world.organiser)
    assert meeting.slot_id == world.slots[3].id
    assert not meeting.locked
    assert changes(world)[-1].summary == (
        "Moved Ana Marković and Jürgen Becker from 10:00 (table 1) to 11:15 (table 1); unlocked it."
    )


def test_nothing_to_change_is_refused(world):
    message = refusal(
        editing.move_meeting,
        world.m_ana_juergen,
        world.slots[0],
        world.tables[0],
        locked=False,
        user=world.organiser,
    )
    assert message == "Nothing to change: the meeting is already there."


def test_a_lock_in_the_published_run_becomes_fixed_slot(published):
    world = published
    editing.move_meeting(
        world.m_ana_juergen, world.slots[0], None, locked=True, user=world.organiser
    )
    build = build_problem(world.event)
    fixed = {meeting.id: meeting.fixed_slot for meeting in build.problem.meetings}
    assert fixed[str(world.ana_juergen.id)] == str(world.slots[0].id)
    assert fixed[str(world.zoe_omar.id)] is None
    assert str(world.ana_juergen.id) in build.locked


# --- swap -----------------------------------------------------------------------------------


def test_swap_exchanges_slots_and_tables(world):
    omar_lena = make_meeting_request(world.omar, world.lena, status=RequestStatus.ACCEPTED)
    late = editing.add_meeting(
        world.run, omar_lena, world.slots[2], world.tables[0], locked=False, user=world.organiser
    )
    editing.swap_meetings(world.m_zoe_omar, late, user=world.organiser)
    assert (world.m_zoe_omar.slot_id, world.m_zoe_omar.table_id) == (
        world.slots[2].id,
        world.tables[0].id,
    )
    assert (late.slot_id, late.table_id) == (world.slots[0].id, world.tables[1].id)
    assert world.m_zoe_omar.sequence == 1
    assert late.sequence == 1
    assert changes(world)[-1].action == "swap"
    assert changes(world)[-1].summary == (
        "Swapped Zoë Janssens and Omar Haddad (10:00 (table 2)) with "
        "Omar Haddad and Lena Vogel (10:50 (table 1))."
    )


def test_swap_refuses_a_clash(world):
    message = refusal(
        editing.swap_meetings, world.m_ana_juergen, world.m_ana_zoe, user=world.organiser
    )
    assert message == "Zoë Janssens already meets Omar Haddad at 10:00 (table 2)."


def test_swap_refuses_a_locked_meeting(world):
    omar_lena = make_meeting_request(world.omar, world.lena, status=RequestStatus.ACCEPTED)
    late = editing.add_meeting(
        world.run, omar_lena, world.slots[2], None, locked=True, user=world.organiser
    )
    message = refusal(editing.swap_meetings, world.m_zoe_omar, late, user=world.organiser)
    assert message == (
        "The meeting of Omar Haddad and Lena Vogel is locked at 10:50: unlock it before moving it."
    )


# --- cancel and add back --------------------------------------------------------------------


def test_cancel_then_add_back(world):
    meeting = world.m_ana_juergen
    editing.cancel_meeting(meeting, user=world.organiser)
    assert meeting.state is MeetingState.CANCELLED
    assert meeting.sequence == 1
    assert world.ana_juergen.status is RequestStatus.ACCEPTED
    unplaced = {item.request.id for item in editing.unplaced_requests(world.run)}
    assert unplaced == {world.ana_juergen.id, world.juergen_lena.id}
    # Its slot is free: Jürgen and Lena can meet there now.
    editing.add_meeting(
        world.run, world.juergen_lena, world.slots[0], None, locked=False, user=world.organiser
    )
    again = editing.add_meeting(
        world.run, world.ana_juergen, world.slots[3], None, locked=False, user=world.organiser
    )
    assert again is meeting  # the same row, so calendars see one event updated
    assert meeting.state is MeetingState.SCHEDULED
    assert meeting.sequence == 2
    assert meeting.placed_by_hand
    assert [change.action for change in changes(world)] == ["cancel", "add", "add"]
    assert (
        changes(world)[0].summary == "Cancelled Ana Marković and Jürgen Becker at 10:00 (table 1)."
    )
    assert changes(world)[1].summary == "Added Jürgen Becker and Lena Vogel at 10:00 (table 1)."
    assert checker.check(build_problem(world.event).problem, assignments(world)) == []


def test_add_refuses_a_request_that_is_not_accepted(world):
    pending = make_meeting_request(world.omar, world.lena)
    message = refusal(
        editing.add_meeting, world.run, pending, world.slots[3], None, locked=False, user=None
    )
    assert message == "Only accepted requests can be scheduled."


def test_add_refuses_a_meeting_already_scheduled(world):
    message = refusal(
        editing.add_meeting,
        world.run,
        world.ana_zoe,
        world.slots[3],
        None,
        locked=False,
        user=world.organiser,
    )
    assert message == "This meeting is already in the schedule."


# --- the scheduler running ------------------------------------------------------------------


@pytest.mark.parametrize("state", [RunState.QUEUED, RunState.RUNNING])
def test_edits_are_refused_while_a_run_is_active(world, state):
    make_schedule_run(world.event, state=state, finished_at=None, solver_status=None)
    for call in (
        lambda: editing.move_meeting(
            world.m_ana_juergen, world.slots[3], None, locked=False, user=world.organiser
        ),
        lambda: editing.cancel_meeting(world.m_ana_juergen, user=world.organiser),
        lambda: editing.swap_meetings(world.m_ana_juergen, world.m_ana_zoe, user=world.organiser),
        lambda: editing.add_meeting(
            world.run, world.juergen_lena, world.slots[3], None, locked=False, user=None
        ),
    ):
        assert refusal(call) == "The scheduler is running; edit when it has finished."
    assert world.m_ana_juergen.sequence == 0


# --- mail for the published run -------------------------------------------------------------


def test_moving_a_published_meeting_tells_both(published, mail_outbox):
    world = published
    editing.move_meeting(
        world.m_ana_juergen, world.slots[2], world.tables[1], locked=False, user=world.organiser
    )
    db.session.commit()
    assert sorted(mail.to for mail in mail_outbox) == ["ana@example.org", "juergen@example.org"]
    for mail in mail_outbox:
        assert "has moved" in mail.subject
        assert "Before: 10:00 (table 1)" in mail.text
        assert "Now:    10:50 (table 2)" in mail.text


def test_cancel_and_add_in_the_published_run_tell_both(published, mail_outbox):
    world = published
    editing.cancel_meeting(world.m_ana_juergen, user=world.organiser)
    editing.add_meeting(
        world.run, world.juergen_lena, world.slots[3], None, locked=False, user=world.organiser
    )
    db.session.commit()
    subjects = sorted((mail.to, mail.subject.split(" · ")[0]) for mail in mail_outbox)
    assert subjects == [
        ("ana@example.org", "Your meeting with Jürgen Becker is cancelled"),
        ("juergen@example.org", "Your meeting with Ana Marković is cancelled"),
        ("juergen@example.org", "Your meeting with Lena Vogel is scheduled"),
        ("lena@example.org", "Your meeting with Jürgen Becker is scheduled"),
    ]
    added = next(mail for mail in mail_outbox if mail.to == "lena@example.org")
    assert "11:15 (table 1)" in added.text


def test_a_lock_alone_sends_no_mail(published, mail_outbox):
    world = published
    editing.move_meeting(
        world.m_ana_juergen, world.slots[0], None, locked=True, user=world.organiser
    )
    db.session.commit()
    assert mail_outbox == []


# --- late requests --------------------------------------------------------------------------


def test_waiting_requests_after_publication(published):
    world = published
    assert editing.waiting_requests(world.event) == [world.juergen_lena]
    assert editing.waiting_requests(world.event, world.lena) == [world.juergen_lena]
    assert editing.waiting_requests(world.event, world.zoe) == []


def test_nothing_waits_before_publication(world):
    assert editing.waiting_requests(world.event) == []


def test_auto_placement_on_accept_takes_the_earliest_free_slot(published, mail_outbox):
    world = published
    editing.cancel_meeting(world.m_zoe_omar, user=world.organiser)  # frees table 2 at 10:00
    db.session.commit()
    mail_outbox.clear()
    editing.set_auto_place(world.event, True, user=world.organiser)
    request = make_meeting_request(world.omar, world.lena)
    meetings.accept_request(request, world.lena)
    placed = db.session.scalar(
        select(editing.ScheduledMeeting).where(
            editing.ScheduledMeeting.run_id == world.run.id,
            editing.ScheduledMeeting.request_id == request.id,
        )
    )
    assert placed is not None
    assert (placed.slot_id, placed.table.label) == (world.slots[0].id, "2")
    assert changes(world)[-1].action == "auto_place"
    assert changes(world)[-1].user_id == world.lena.user_id
    db.session.commit()
    scheduled = [mail for mail in mail_outbox if "is scheduled" in mail.subject]
    assert sorted(mail.to for mail in scheduled) == ["lena@example.org", "omar@example.org"]
    assert "10:00 (table 2)" in scheduled[0].text
    assert request not in editing.waiting_requests(world.event)


def test_auto_placement_leaves_it_waiting_when_nothing_fits(published):
    world = published
    world.event.auto_place_late_requests = True
    for slot in world.slots:
        db.session.add(SlotBlock(participant_id=world.lena.id, slot_id=slot.id))
    request = make_meeting_request(world.omar, world.lena)
    meetings.accept_request(request, world.lena)
    assert request in editing.waiting_requests(world.event)


def test_auto_placement_off_leaves_it_waiting(published):
    world = published
    request = make_meeting_request(world.omar, world.lena)
    meetings.accept_request(request, world.lena)
    assert request in editing.waiting_requests(world.event)


# --- a participant cancels a published meeting ----------------------------------------------


def test_participant_cancelling_frees_the_slot_and_tells_both_once(published, mail_outbox):
    world = published
    meetings.cancel_request(world.ana_juergen, world.ana, "Flight cancelled")
    meeting = world.m_ana_juergen
    assert meeting.state is MeetingState.CANCELLED
    assert meeting.sequence == 1
    [change] = changes(world)
    assert change.action == "cancel"
    assert change.user_id == world.ana.user_id
    # The slot is free: Jürgen and Lena can meet at 10:00 now.
    editing.add_meeting(
        world.run, world.juergen_lena, world.slots[0], None, locked=False, user=world.organiser
    )
    db.session.commit()
    cancelled = [mail for mail in mail_outbox if "cancelled" in mail.subject]
    assert sorted(mail.to for mail in cancelled) == ["ana@example.org", "juergen@example.org"]
    to_juergen = next(mail for mail in cancelled if mail.to == "juergen@example.org")
    assert "Ana Marković (Marković GmbH) cancelled your agreed meeting" in to_juergen.text
    assert "Your meeting at 10:00 (table 1) is cancelled and the slot is free." in to_juergen.text
    assert "Flight cancelled" in to_juergen.text


def test_cancelling_an_unpublished_meeting_keeps_the_usual_mail(world, mail_outbox):
    meetings.cancel_request(world.ana_juergen, world.ana)
    db.session.commit()
    assert [mail.to for mail in mail_outbox] == ["juergen@example.org"]
    assert world.m_ana_juergen.state is MeetingState.SCHEDULED  # drafts are not touched
