"""Shared set-up for the availability tests: an event with sessions on two days."""

from __future__ import annotations

from datetime import time, timedelta

from brokerage.events import services as events
from brokerage.events.models import Event
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.registration.models import Participant
from tests.factories import make_meeting_request


def add_sessions(event: Event) -> None:
    """Day 1: "Morning" 09:00–10:40 (4 slots of 20 + 5 minutes); day 2: "Afternoon"
    14:00–15:00 (2 slots)."""
    events.add_session(event, "Morning", event.start_date, time(9), time(10, 40))
    events.add_session(event, "Afternoon", event.start_date + timedelta(days=1), time(14), time(15))


def meeting_request(
    sender: Participant,
    recipient: Participant,
    status: RequestStatus = RequestStatus.ACCEPTED,
) -> MeetingRequest:
    """An accepted request unless told otherwise: availability counts accepted meetings."""
    return make_meeting_request(sender, recipient, status=status)
