"""The participant list as CSV bytes, ready for Excel (UTF-8 with BOM)."""

from __future__ import annotations

from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Participant
from brokerage.registration.services import ParticipantFilters, find_participants
from brokerage.spreadsheets import csv_bytes, safe_cell
from brokerage.templating import country_name

HEADER = [
    "ID",
    "Status",
    "First name",
    "Last name",
    "E-mail",
    "Job title",
    "Phone",
    "Organisation",
    "Type",
    "Country code",
    "Country",
    "City or region",
    "Website",
    "Size",
    "Topics",
    "Opportunities",
    "Marketplace consent",
    "Registered at",
]


def participant_row(participant: Participant, event: Event) -> list[str]:
    organisation = participant.organisation
    opportunities = "; ".join(
        f"{opportunity.kind.value}: {opportunity.title}"
        for opportunity in participant.opportunities
    )
    cells: list[object] = [
        participant.id,
        participant.status.value,
        participant.first_name,
        participant.last_name,
        participant.user.email,
        participant.job_title,
        participant.phone,
        organisation.name,
        organisation.type.name,
        organisation.country,
        country_name(organisation.country),
        organisation.city,
        organisation.website,
        organisation.size.value if organisation.size else "",
        "; ".join(topic.name for topic in participant.topics),
        opportunities,
        "yes" if participant.marketplace_consent else "no",
        event.local(participant.created_at).strftime("%Y-%m-%d %H:%M"),
    ]
    return [safe_cell(cell) for cell in cells]


def participants_csv(event: Event, filters: ParticipantFilters | None = None) -> bytes:
    """Every participant matching the filters, one row each, with a header row."""
    statement = find_participants(event, filters or ParticipantFilters())
    participants = db.session.scalars(statement)
    return csv_bytes(HEADER, (participant_row(participant, event) for participant in participants))
