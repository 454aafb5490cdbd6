"""Check-in at the door: staff roles, check-in by badge token or by name, undo, name search.

A scan never raises: it returns a `DeskResult` whose outcome the desk shows (checked in,
already checked in, unknown, not approved, other event). Refusals a person can act on raise
`CheckInError` with a message meant for them. Services flush; the view commits once.

Two desks scanning the same badge at once: the unique `checkins.participant_id` lets one
insert win; the other's insert fails inside a savepoint and it reports "already checked in".
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from brokerage.auth.models import User
from brokerage.checkin.models import CheckIn, CheckInMethod
from brokerage.checkin.tokens import InvalidBadgeToken, OtherEventToken, read_badge_token
from brokerage.db_types import utcnow
from brokerage.events.models import Event, EventRole, EventRoleKind
from brokerage.events.services import grant_role, revoke_role, role_holders
from brokerage.extensions import db
from brokerage.registration.models import Organisation, Participant, ParticipantStatus

SEARCH_LIMIT = 15
LATEST_LIMIT = 8
TOKEN_MAX_LENGTH = 200  # real tokens are ~40 characters; anything longer is not one


class CheckInError(Exception):
    """A refusal with a message meant for the organiser or staff member."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Outcome(StrEnum):
    CHECKED_IN = "checked_in"
    ALREADY = "already"
    UNKNOWN = "unknown"
    NOT_APPROVED = "not_approved"
    OTHER_EVENT = "other_event"


@dataclass(frozen=True)
class DeskResult:
    outcome: Outcome
    participant: Participant | None = None
    check_in: CheckIn | None = None  # the new one, or the earlier one when ALREADY

    @property
    def succeeded(self) -> bool:
        return self.outcome is Outcome.CHECKED_IN


# --- staff ----------------------------------------------------------------------------------


def checkin_staff(event: Event) -> list[User]:
    return role_holders(event, EventRoleKind.CHECKIN_STAFF)


def grant_checkin_staff(event: Event, user: User) -> EventRole:
    """Idempotent: granting the role twice leaves one role."""
    return grant_role(event, user, EventRoleKind.CHECKIN_STAFF)


def revoke_checkin_staff(event: Event, user: User) -> None:
    if not revoke_role(event, user, EventRoleKind.CHECKIN_STAFF):
        raise CheckInError(f"{user.email} is not check-in staff of this event.")


# --- checking in ----------------------------------------------------------------------------


def participant_of_event(event: Event, participant_id: int) -> Participant | None:
    return db.session.scalar(
        select(Participant)
        .options(joinedload(Participant.organisation).joinedload(Organisation.type))
        .where(Participant.id == participant_id, Participant.event_id == event.id)
    )


def check_in_of(participant: Participant) -> CheckIn | None:
    return db.session.scalar(
        select(CheckIn)
        .options(joinedload(CheckIn.checked_in_by))
        .where(CheckIn.participant_id == participant.id)
    )


def check_in_by_token(event: Event, token: str, staff: User) -> DeskResult:
    """What the scanner typed: a badge token of this event, or an answer saying why not."""
    token = token.strip()
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return DeskResult(Outcome.UNKNOWN)
    try:
        participant_id = read_badge_token(token, event.id)
    except OtherEventToken:
        return DeskResult(Outcome.OTHER_EVENT)
    except InvalidBadgeToken:
        return DeskResult(Outcome.UNKNOWN)
    return check_in_participant(event, participant_id, staff, CheckInMethod.BADGE)


def check_in_participant(
    event: Event,
    participant_id: int,
    staff: User,
    method: CheckInMethod = CheckInMethod.SEARCH,
) -> DeskResult:
    participant = participant_of_event(event, participant_id)
    if participant is None:
        return DeskResult(Outcome.UNKNOWN)
    earlier = check_in_of(participant)
    if earlier is not None:
        return DeskResult(Outcome.ALREADY, participant, earlier)
    if participant.status is not ParticipantStatus.APPROVED:
        return DeskResult(Outcome.NOT_APPROVED, participant)
    check_in = CheckIn(
        event_id=event.id,
        participant_id=participant.id,
        checked_in_at=utcnow(),
        checked_in_by_id=staff.id,
        method=method,
    )
    try:
        with db.session.begin_nested():
            db.session.add(check_in)
    except IntegrityError:
        # Another desk checked them in between our look and our insert.
        earlier = check_in_of(participant)
        return DeskResult(Outcome.ALREADY, participant, earlier)
    return DeskResult(Outcome.CHECKED_IN, participant, check_in)


def undo_check_in(event: Event, participant: Participant) -> None:
    """Forget the participant's check-in, e.g. a wrong person picked from the search."""
    if participant.event_id != event.id:
        raise CheckInError("This participant is not registered for this event.")
    check_in = check_in_of(participant)
    if check_in is None:
        raise CheckInError(f"{participant.full_name} is not checked in.")
    db.session.delete(check_in)
    db.session.flush()


def result_again(event: Event, outcome: str, participant_id: int | None) -> DeskResult | None:
    """Rebuild a result after the redirect that follows a scan (None if it makes no sense)."""
    try:
        kind = Outcome(outcome)
    except ValueError:
        return None
    if participant_id is None:
        return DeskResult(kind) if kind in (Outcome.UNKNOWN, Outcome.OTHER_EVENT) else None
    participant = participant_of_event(event, participant_id)
    if participant is None:
        return DeskResult(Outcome.UNKNOWN)
    return DeskResult(kind, participant, check_in_of(participant))


def staff_name(check_in: CheckIn | None) -> str:
    user = check_in.checked_in_by if check_in is not None else None
    if user is None:
        return "a former staff member"
    return user.display_name or user.email


def headline(result: DeskResult, event: Event, now: datetime | None = None) -> str:
    """The one line the desk shows in large type, above the person's name."""
    participant = result.participant
    if result.outcome is Outcome.CHECKED_IN:
        return "Checked in"
    if result.outcome is Outcome.ALREADY:
        check_in = result.check_in
        if check_in is None:
            return "Already checked in"
        moment = event.local(check_in.checked_in_at)
        today = event.local(now or utcnow()).date()
        when = (
            f"{moment:%H:%M}" if moment.date() == today else f"{moment:%H:%M} on {moment:%a %d %b}"
        )
        return f"Already checked in at {when} by {staff_name(check_in)}"
    if result.outcome is Outcome.NOT_APPROVED:
        status = participant.status.value if participant is not None else "unknown"
        return f"Not approved (registration {status})"
    if result.outcome is Outcome.OTHER_EVENT:
        return "Other event: this badge belongs to another event"
    return "Unknown badge: not a badge of this event"


# --- the desk's lists -----------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    participant: Participant
    check_in: CheckIn | None


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def folded(text: str) -> str:
    """Lower case without accents, so "jose" finds "José" and "MULLER" finds "Müller"."""
    # Casefold between two passes: either step can undo the other's normal form ("𝑨", "İ").
    return _strip_accents(_strip_accents(text).casefold())


def search_participants(event: Event, query: str, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
    """Participants of any status whose name or organisation holds every word of the query.

    Two queries whatever the event's size: the names of all participants (filtered here,
    because accent folding differs by database), then the few hits with their check-ins.
    """
    words = folded(query).split()[:8]
    if not words:
        return []
    rows = db.session.execute(
        select(
            Participant.id,
            Participant.first_name,
            Participant.last_name,
            Organisation.name,
            Participant.status,
        )
        .join(Organisation, Participant.organisation_id == Organisation.id)
        .where(Participant.event_id == event.id)
    ).all()
    matches = []
    for participant_id, first, last, organisation, status in rows:
        haystack = folded(f"{first} {last} {organisation}")
        if all(word in haystack for word in words):
            not_approved = status is not ParticipantStatus.APPROVED  # approved ones first
            matches.append((not_approved, folded(last), folded(first), participant_id))
    matches.sort()
    ids = [match[-1] for match in matches[:limit]]
    if not ids:
        return []
    participants = {
        participant.id: participant
        for participant in db.session.scalars(
            select(Participant)
            .options(joinedload(Participant.organisation).joinedload(Organisation.type))
            .where(Participant.id.in_(ids))
        )
    }
    check_ins = {
        check_in.participant_id: check_in
        for check_in in db.session.scalars(
            select(CheckIn)
            .options(joinedload(CheckIn.checked_in_by))
            .where(CheckIn.participant_id.in_(ids))
        )
    }
    return [SearchHit(participants[pid], check_ins.get(pid)) for pid in ids]


def latest_check_ins(event: Event, limit: int = LATEST_LIMIT) -> list[CheckIn]:
    return list(
        db.session.scalars(
            select(CheckIn)
            .options(
                joinedload(CheckIn.participant)
                .joinedload(Participant.organisation)
                .joinedload(Organisation.type),
                joinedload(CheckIn.checked_in_by),
            )
            .where(CheckIn.event_id == event.id)
            .order_by(CheckIn.checked_in_at.desc(), CheckIn.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class DeskCounts:
    checked_in: int  # approved participants with a check-in
    approved: int

    @property
    def waiting(self) -> int:
        return self.approved - self.checked_in


def desk_counts(event: Event) -> DeskCounts:
    approved = db.session.scalar(
        select(func.count(Participant.id)).where(
            Participant.event_id == event.id, Participant.status == ParticipantStatus.APPROVED
        )
    )
    checked_in = db.session.scalar(
        select(func.count(CheckIn.id))
        .join(Participant, CheckIn.participant_id == Participant.id)
        .where(CheckIn.event_id == event.id, Participant.status == ParticipantStatus.APPROVED)
    )
    return DeskCounts(checked_in=checked_in or 0, approved=approved or 0)
