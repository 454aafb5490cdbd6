"""Reprints after hand edits: which agendas changed since they were last given out.

Each participant's agenda gets a fingerprint, a SHA-256 of what the printed agenda says: the
participant, and per meeting its times, place, partner and whether it is cancelled. Calendar
sequence numbers and meeting ids are left out on purpose, so moving a meeting and moving it
back, or publishing a new run with the same outcome, counts as unchanged. `PrintedAgenda`
keeps the fingerprint of the version last printed (or e-mailed); an agenda has changed when
its fingerprint differs, or when it was never printed and has meetings.

Everything here costs a constant number of queries: the agendas (`agendas_for`), one for the
printed fingerprints, one for the participants' e-mail addresses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from sqlalchemy import insert, select, update

from brokerage.agendas.documents import agenda_pdf
from brokerage.agendas.models import PrintedAgenda
from brokerage.agendas.services import Agenda, agendas_for
from brokerage.auth.models import User
from brokerage.db_types import utcnow
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.mail import Attachment, queue_mail
from brokerage.registration.models import Participant
from brokerage.urls import link_context


def agenda_fingerprint(agenda: Agenda) -> str:
    """SHA-256 (hex) of the agenda's printed content: same content, same fingerprint."""
    participant = agenda.participant
    content = {
        "participant": [participant.id, participant.full_name, participant.organisation.name],
        "meetings": sorted(
            [
                meeting.request_id,
                meeting.starts_at.isoformat(),
                meeting.ends_at.isoformat(),
                meeting.place,
                meeting.partner_id,
                meeting.partner_name,
                meeting.partner_organisation,
                meeting.cancelled,
            ]
            for meeting in agenda.meetings
        ),
    }
    encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


@dataclass(frozen=True)
class PrintStatus:
    """One participant's agenda now, and what they were last given."""

    agenda: Agenda
    fingerprint: str
    printed: PrintedAgenda | None

    @property
    def participant(self) -> Participant:
        return self.agenda.participant

    @property
    def changed(self) -> bool:
        if self.printed is None:
            return bool(self.agenda.meetings)
        return self.printed.fingerprint != self.fingerprint


@dataclass(frozen=True)
class Reprint:
    published: bool
    statuses: list[PrintStatus]  # every approved participant, by name

    @property
    def changed(self) -> list[PrintStatus]:
        return [status for status in self.statuses if status.changed]

    @property
    def agendas(self) -> list[Agenda]:
        return [status.agenda for status in self.statuses]

    @property
    def last_printed_at(self) -> datetime | None:
        return max(
            (status.printed.printed_at for status in self.statuses if status.printed),
            default=None,
        )


def reprint_status(event: Event) -> Reprint:
    """Every approved participant's agenda with its fingerprint and last print."""
    agendas = agendas_for(event)
    printed = _printed_by_participant([agenda.participant.id for agenda in agendas])
    return Reprint(
        published=event.published_run_id is not None,
        statuses=[
            PrintStatus(agenda, agenda_fingerprint(agenda), printed.get(agenda.participant.id))
            for agenda in agendas
        ],
    )


def _printed_by_participant(participant_ids: Sequence[int]) -> dict[int, PrintedAgenda]:
    if not participant_ids:
        return {}
    rows = db.session.scalars(
        select(PrintedAgenda).where(PrintedAgenda.participant_id.in_(participant_ids))
    )
    return {row.participant_id: row for row in rows}


def record_printed(statuses: Sequence[PrintStatus], *, emailed: bool = False) -> None:
    """Remember that these agendas were given out as they are now (printed, or e-mailed).

    Two bulk statements whatever the count: one insert for first prints, one update (by
    primary key) for the rest.
    """
    now = utcnow()
    new_rows = []
    updates = []
    for status in statuses:
        if status.printed is None:
            new_rows.append(
                {
                    "participant_id": status.participant.id,
                    "fingerprint": status.fingerprint,
                    "printed_at": now,
                    "emailed_at": now if emailed else None,
                }
            )
            continue
        values: dict[str, object] = {"id": status.printed.id, "fingerprint": status.fingerprint}
        values["emailed_at" if emailed else "printed_at"] = now
        updates.append(values)
    if new_rows:
        db.session.execute(insert(PrintedAgenda), new_rows)
    if updates:
        db.session.execute(update(PrintedAgenda), updates)
        # A bulk update bypasses the loaded rows: reload them when next read.
        for status in statuses:
            if status.printed is not None:
                db.session.expire(status.printed)
    db.session.flush()


def email_agendas(event: Event, statuses: Sequence[PrintStatus]) -> int:
    """Queue one e-mail per participant with their current agenda as a PDF; record it.

    The messages go out after the commit. Returns how many were queued.
    """
    if not statuses:
        return 0
    emails = dict(
        db.session.execute(
            select(Participant.id, User.email)
            .join(Participant.user)
            .where(Participant.id.in_([status.participant.id for status in statuses]))
        )
        .tuples()
        .all()
    )
    with link_context():
        link = url_for("agendas.agenda", slug=event.slug, _external=True)
    for status in statuses:
        participant = status.participant
        queue_mail(
            emails[participant.id],
            f"Your updated agenda · {event.title}",
            "agenda_updated",
            attachments=[
                Attachment(
                    filename=f"agenda-{event.slug}.pdf",
                    content_type="application/pdf",
                    data=agenda_pdf(status.agenda),
                )
            ],
            participant=participant,
            event=event,
            agenda=status.agenda,
            link=link,
        )
    record_printed(statuses, emailed=True)
    return len(statuses)
