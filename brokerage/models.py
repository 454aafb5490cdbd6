"""Every model, imported in one place so Alembic and create_all() see the whole schema."""

from brokerage.auth.models import User
from brokerage.availability.models import SessionAbsence, SlotBlock
from brokerage.events.models import (
    Event,
    EventRole,
    EventRoleKind,
    MeetingSession,
    ParticipantType,
    Slot,
    Table,
    Topic,
)
from brokerage.meetings.models import MeetingRequest, RequestPriority, RequestStatus
from brokerage.registration.models import (
    Opportunity,
    OpportunityKind,
    Organisation,
    OrganisationSize,
    Participant,
    ParticipantStatus,
)

__all__ = [
    "Event",
    "EventRole",
    "EventRoleKind",
    "MeetingRequest",
    "MeetingSession",
    "Opportunity",
    "OpportunityKind",
    "Organisation",
    "OrganisationSize",
    "Participant",
    "ParticipantStatus",
    "ParticipantType",
    "RequestPriority",
    "RequestStatus",
    "SessionAbsence",
    "Slot",
    "SlotBlock",
    "Table",
    "Topic",
    "User",
]
