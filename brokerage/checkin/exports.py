"""Check-in data as CSV or XLSX bytes: every approved participant, and anyone checked in.

Who has not come yet has an empty time. Times are in the event's zone. Every cell passes the
formula-injection guard of the participant export, in the spreadsheet too (openpyxl would
otherwise store a text starting with "=" as a formula).
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from brokerage.auth.models import User
from brokerage.checkin.models import CheckIn
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Organisation, Participant, ParticipantStatus
from brokerage.spreadsheets import csv_bytes, safe_cell, xlsx_bytes
from brokerage.templating import country_name

HEADER = [
    "First name",
    "Last name",
    "Organisation",
    "Country",
    "Type",
    "Registration",
    "Checked in at",
    "Checked in by",
    "Method",
]


def checkin_rows(event: Event) -> list[list[str]]:
    """Rows sorted by last and first name; two queries whatever the event's size."""
    query = (
        select(Participant, CheckIn)
        .outerjoin(CheckIn, CheckIn.participant_id == Participant.id)
        .options(joinedload(Participant.organisation).joinedload(Organisation.type))
        .where(
            Participant.event_id == event.id,
            or_(Participant.status == ParticipantStatus.APPROVED, CheckIn.id.is_not(None)),
        )
        .order_by(Participant.last_name, Participant.first_name, Participant.id)
    )
    pairs = db.session.execute(query).all()
    staff_ids = {check_in.checked_in_by_id for _, check_in in pairs if check_in is not None}
    staff_names = _staff_names({staff_id for staff_id in staff_ids if staff_id is not None})
    rows = []
    for participant, check_in in pairs:
        organisation = participant.organisation
        cells: list[object] = [
            participant.first_name,
            participant.last_name,
            organisation.name,
            country_name(organisation.country),
            organisation.type.name,
            participant.status.value,
        ]
        if check_in is None:
            cells += ["", "", ""]
        else:
            cells += [
                event.local(check_in.checked_in_at).strftime("%Y-%m-%d %H:%M"),
                staff_names.get(check_in.checked_in_by_id or 0, ""),
                check_in.method.value,
            ]
        rows.append([safe_cell(cell) for cell in cells])
    return rows


def _staff_names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    users = db.session.execute(
        select(User.id, User.display_name, User.email).where(User.id.in_(user_ids))
    ).all()
    return {user_id: name or email for user_id, name, email in users}


def checkin_csv(event: Event) -> bytes:
    return csv_bytes(HEADER, checkin_rows(event))


def checkin_xlsx(event: Event) -> bytes:
    return xlsx_bytes(
        HEADER,
        checkin_rows(event),
        sheet_title="Check-in",
        document_title=f"{event.title}: check-in",
        widths=(16, 20, 30, 16, 24, 12, 17, 24, 9),
    )
