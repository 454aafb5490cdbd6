"""Every model, imported in one place so Alembic and create_all() see the whole schema."""

from brokerage.agendas.models import CalendarFeed, PrintedAgenda
from brokerage.attendance.models import MeetingFeedback, MeetingOutcome
from brokerage.auth.models import User
from brokerage.availability.models import SessionAbsence, SlotBlock
from brokerage.badges.models import BadgeSettings, PrintedBadge
from brokerage.checkin.models import CheckIn, CheckInMethod
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
    "BadgeSettings",
    "CalendarFeed",
    "CheckIn",
    "CheckInMethod",
    "Event",
    "EventRole",
    "EventRoleKind",
    "MeetingFeedback",
    "MeetingOutcome",
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
    "PrintedAgenda",
    "PrintedBadge",
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
