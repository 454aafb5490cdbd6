"""The participant list as CSV bytes, ready for Excel (UTF-8 with BOM)."""

from __future__ import annotations

import csv
import io

from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Participant
from brokerage.registration.services import ParticipantFilters, find_participants
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

# Cells starting with these are run as formulas by spreadsheet programs (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


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
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    statement = find_participants(event, filters or ParticipantFilters())
    for participant in db.session.scalars(statement):
        writer.writerow(participant_row(participant, event))
    # utf-8-sig writes the BOM that makes Excel read the file as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")
