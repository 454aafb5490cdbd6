"""A small event whose optimal schedule is known, shared by the scheduling app tests.

Three slots (09:00, 09:25, 09:50 Brussels time) in one session, two shared tables and one
booth owned by Alice. Accepted requests Alice–Bob (mutual), Alice–Carol (must-meet) and
Bob–Carol (arranged by an organiser); Carol blocks the first slot; at most two meetings each.
The only optimal schedule: Alice–Bob first, then Alice–Carol and Bob–Carol in slots 2 and 3,
all three meetings, weight 2 + 3 + 3 = 8. Requests that must be left out: declined, pending,
cancelled, expired, and accepted ones with a pending or cancelled participant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from brokerage.auth.models import User
from brokerage.availability.models import SlotBlock
from brokerage.events.models import Event, Slot, Table
from brokerage.events.services import add_session, generate_tables
from brokerage.extensions import db
from brokerage.meetings.models import MeetingRequest, RequestPriority, RequestStatus
from brokerage.registration.models import Participant, ParticipantStatus
from tests.factories import make_event, make_meeting_request, make_participant, make_user


@dataclass
class World:
    event: Event
    organiser: User
    alice: Participant
    bob: Participant
    carol: Participant
    dave: Participant
    slots: list[Slot]
    tables: list[Table]  # shared tables, then Alice's booth
    ab: MeetingRequest
    ac: MeetingRequest
    bc: MeetingRequest
    left_out: list[MeetingRequest]


def make_world(slug: str = "known") -> World:
    organiser = make_user(f"organiser-{slug}@example.org")
    event = make_event(
        slug,
        organiser=organiser,
        start_date=date(2030, 5, 14),
        end_date=date(2030, 5, 14),
        max_meetings_per_participant=2,
    )
    add_session(event, "Morning", date(2030, 5, 14), time(9, 0), time(10, 15))
    tables = generate_tables(event, 3, "T")
    alice = make_participant(event, first_name="Alice", last_name="Archer")
    bob = make_participant(event, first_name="Bob", last_name="Baker")
    carol = make_participant(event, first_name="Carol", last_name="Cooper")
    dave = make_participant(event, first_name="Dave", last_name="Dyer")
    pending = make_participant(event, status=ParticipantStatus.PENDING)
    cancelled = make_participant(event, status=ParticipantStatus.CANCELLED)
    tables[2].booth_owner_id = alice.id
    slots = sorted(event.sessions[0].slots, key=lambda slot: slot.starts_at)
    db.session.add(SlotBlock(participant_id=carol.id, slot_id=slots[0].id))
    accepted = RequestStatus.ACCEPTED
    ab = make_meeting_request(alice, bob, status=accepted, mutual=True)
    ac = make_meeting_request(carol, alice, status=accepted, priority=RequestPriority.MUST_MEET)
    bc = make_meeting_request(bob, carol, status=accepted, created_by_organiser_id=organiser.id)
    left_out = [
        make_meeting_request(carol, dave, status=RequestStatus.DECLINED),
        make_meeting_request(alice, dave, status=RequestStatus.PENDING),
        make_meeting_request(bob, dave, status=RequestStatus.CANCELLED),
        make_meeting_request(dave, pending, status=RequestStatus.EXPIRED),
        make_meeting_request(alice, pending, status=accepted),
        make_meeting_request(bob, cancelled, status=accepted),
    ]
    db.session.flush()
    return World(event, organiser, alice, bob, carol, dave, slots, tables, ab, ac, bc, left_out)
