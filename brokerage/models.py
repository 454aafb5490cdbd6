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
from brokerage.scheduling.models import (
    MeetingState,
    RunMode,
    RunState,
    ScheduleChange,
    ScheduledMeeting,
    ScheduleRun,
    UnscheduledRequest,
)

__all__ = [
    "Event",
    "EventRole",
    "EventRoleKind",
    "MeetingRequest",
    "MeetingSession",
    "MeetingState",
    "Opportunity",
    "OpportunityKind",
    "Organisation",
    "OrganisationSize",
    "Participant",
    "ParticipantStatus",
    "ParticipantType",
    "RequestPriority",
    "RequestStatus",
    "RunMode",
    "RunState",
    "ScheduleChange",
    "ScheduleRun",
    "ScheduledMeeting",
    "SessionAbsence",
    "Slot",
    "SlotBlock",
    "Table",
    "Topic",
    "UnscheduledRequest",
    "User",
]
