"""Random sequences of edits on a small valid schedule never leave a schedule the checker
rejects: every edit is either applied and valid, or refused and nothing changed."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from brokerage.availability.models import SlotBlock
from brokerage.extensions import db
from brokerage.meetings.models import RequestStatus
from brokerage.scheduling import editing
from brokerage.scheduling.models import MeetingState, ScheduledMeeting
from brokerage.scheduling.services import build_problem
from brokerage.scheduling.solver import checker
from brokerage.scheduling.solver.problem import Assignment
from tests.factories import make_meeting_request
from tests.scheduling_edits.helpers import build_world

EDIT = st.tuples(
    st.sampled_from(["move", "swap", "cancel", "add"]),
    st.integers(0, 10),  # which meeting / request
    st.integers(0, 10),  # which other meeting / slot
    st.integers(0, 2),  # which table (2: any free one)
    st.booleans(),  # lock
)


def _state(run_id: int) -> list[tuple]:
    return sorted(
        db.session.execute(
            select(
                ScheduledMeeting.request_id,
                ScheduledMeeting.slot_id,
                ScheduledMeeting.table_id,
                ScheduledMeeting.state,
                ScheduledMeeting.locked,
            ).where(ScheduledMeeting.run_id == run_id)
        ).all()
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=st.lists(EDIT, min_size=1, max_size=8), max_meetings=st.sampled_from([None, 2]))
def test_random_edits_keep_the_schedule_valid(app_ctx, edits, max_meetings):
    world = build_world()
    try:
        world.event.max_meetings_per_participant = max_meetings
        db.session.add(SlotBlock(participant_id=world.lena.id, slot_id=world.slots[1].id))
        extra = [
            world.juergen_lena,
            make_meeting_request(world.omar, world.lena, status=RequestStatus.ACCEPTED),
            make_meeting_request(world.ana, world.omar, status=RequestStatus.ACCEPTED),
        ]
        db.session.flush()
        for kind, first, second, table_index, lock in edits:
            rows = list(
                db.session.scalars(
                    select(ScheduledMeeting)
                    .where(ScheduledMeeting.run_id == world.run.id)
                    .order_by(ScheduledMeeting.id)
                )
            )
            live = [row for row in rows if row.state is MeetingState.SCHEDULED]
            slot = world.slots[second % len(world.slots)]
            table = world.tables[table_index] if table_index < 2 else None
            before = _state(world.run.id)
            try:
                if kind == "move" and live:
                    editing.move_meeting(
                        live[first % len(live)], slot, table, locked=lock, user=world.organiser
                    )
                elif kind == "swap" and len(live) > 1:
                    editing.swap_meetings(
                        live[first % len(live)], live[second % len(live)], user=world.organiser
                    )
                elif kind == "cancel" and live:
                    editing.cancel_meeting(live[first % len(live)], user=world.organiser)
                elif kind == "add":
                    candidates = [
                        world.ana_juergen,
                        world.zoe_omar,
                        world.ana_zoe,
                        *extra,
                    ]
                    editing.add_meeting(
                        world.run,
                        candidates[first % len(candidates)],
                        slot,
                        table,
                        locked=lock,
                        user=world.organiser,
                    )
            except editing.EditError as error:
                refusal = str(error)
                db.session.expire_all()
                assert refusal  # a refusal says why
                assert _state(world.run.id) == before  # and changed nothing
            problem = build_problem(world.event).problem
            assignments = [
                Assignment(
                    str(row.request_id), str(row.slot_id), row.table.label if row.table else ""
                )
                for row in db.session.scalars(
                    select(ScheduledMeeting).where(
                        ScheduledMeeting.run_id == world.run.id,
                        ScheduledMeeting.state == MeetingState.SCHEDULED,
                    )
                )
            ]
            assert checker.check(problem, assignments) == []
    finally:
        db.session.rollback()
