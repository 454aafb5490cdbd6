"""Meeting requests: send, accept, decline, cancel, expire, remind; what the organiser sees.

Public entry points (plain values plus the acting participant or user in; they flush, never
commit; the view or CLI command that calls them commits once):

    accepted_request_count(participant) -> int
    request_status_between(event, participant_ids, viewer) -> dict[int, RequestStatus]
    participant_for(event, user) -> Participant | None
    send_request(sender, recipient, message="", priority=NORMAL, *, now=None) -> SendOutcome
    accept_request(request, acting, *, now=None) -> MeetingRequest
    decline_request(request, acting, reason="", *, now=None) -> MeetingRequest
    cancel_request(request, acting, reason="", *, now=None) -> MeetingRequest
    create_on_behalf(event, first, second, organiser, message="", priority=NORMAL) -> SendOutcome
    update_settings(participant, *, auto_accept, essential_emails_only) -> Participant
    expire_requests(*, now=None) -> int
    send_reminders(*, now=None) -> int
    find_requests(event, filters) -> Select;  participant_figures(event) -> list[...]

Refusals raise `RequestError` (its `status` is the HTTP code a view should answer with: 400
for a state conflict such as accepting twice, 403 for a rule or someone else's request) with
a message meant for the person.

Rules:
- One request per pair of participants, in either direction (a unique constraint on the
  ordered pair). When B requests A while A's request to B is pending, A's request becomes
  accepted and `mutual`.
- Only approved participants take part; nobody requests themselves, or someone who has not
  opted in to the marketplace.
- Until the booking deadline: after it nobody sends or accepts; declining and cancelling stay
  possible (they only free time), and `expire_requests` closes what is still pending.
- At most `event.max_requests_per_participant` outgoing requests that are pending or
  accepted (organiser-made meetings do not count); declined, cancelled and expired ones free
  their place.
- A declined request stays declined for its sender: they cannot ask again. The other side may
  still ask later, and a cancelled or expired pair may be requested again by either side; the
  same row is reused for that, so the pair stays unique.

Concurrency: every change of state is a conditional UPDATE ... WHERE status = <the status we
read>, and its row count tells whether we won. Two tabs accepting and declining at once end
in one state; the loser gets a clear 400 ("already declined"). Two people requesting each
other at the same moment hit the unique pair constraint; the loser's INSERT runs in a
SAVEPOINT, so its transaction survives, re-reads the winner's row and treats it as the
mutual case.

E-mail (see EMAILS below): accepted meetings, declines, expiry and cancellation of an
accepted meeting are essential and always sent; "request received", reminders and the
withdrawal of a pending request are non-essential and respect `essential_emails_only`.

Reminders: `send_reminders` mails each recipient one digest of the requests that have been
pending for at least REMINDER_INTERVAL and were not reminded within it. The interval is 23
hours, not 24, so an hourly cron job reminds once a day without drifting an hour later each
day; a request is thus reminded at most once per ~24 hours, and `reminded_at` records when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import Select, and_, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from brokerage.auth.models import User
from brokerage.db_types import utcnow
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.mail import queue_mail
from brokerage.meetings.models import MeetingRequest, RequestPriority, RequestStatus
from brokerage.registration.models import (
    Opportunity,
    Organisation,
    Participant,
    ParticipantStatus,
)
from brokerage.urls import link_context

MAX_MESSAGE_LENGTH = 1000
MAX_REASON_LENGTH = 1000
REMINDER_INTERVAL = timedelta(hours=23)
# Statuses that hold one of the sender's places under the event's limit.
ACTIVE_STATUSES = (RequestStatus.PENDING, RequestStatus.ACCEPTED)


class RequestError(ValueError):
    """A refusal with a message meant for the person; `status` is the HTTP answer."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


class RequestConflict(RequestError):
    """The request is not in a state that allows this (e.g. accepted twice): a 400."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 400)


@dataclass(frozen=True)
class SendOutcome:
    request: MeetingRequest
    # "sent": a new pending request; "mutual": it answered the other side's pending request;
    # "auto_accepted": the recipient accepts every request; "created": made by an organiser.
    kind: str


# --- Read-only helpers for other domains ---------------------------------------------------


def accepted_request_count(participant: Participant) -> int:
    """How many accepted meeting requests involve `participant`, in either direction.

    For marketplace cards and the participant's own pages ("5 meetings accepted").
    """
    return (
        db.session.scalar(
            select(func.count(MeetingRequest.id)).where(
                MeetingRequest.event_id == participant.event_id,
                MeetingRequest.status == RequestStatus.ACCEPTED,
                or_(
                    MeetingRequest.sender_id == participant.id,
                    MeetingRequest.recipient_id == participant.id,
                ),
            )
        )
        or 0
    )


def request_status_between(
    event: Event, participant_ids: list[int], viewer: Participant | User | None
) -> dict[int, RequestStatus]:
    """The status of the request between `viewer` and each of `participant_ids`.

    `viewer` is the viewing participant (or a user, whose registration for `event` is looked
    up; None or an unregistered user gives {}). The answer maps each participant id that has
    a request with the viewer, in either direction, to that request's status; ids without
    one are absent. One query, however many ids: for marketplace cards ("requested",
    "accepted") and for suggestions to leave out people already asked.
    """
    if isinstance(viewer, User):
        viewer = participant_for(event, viewer) if viewer.is_authenticated else None
    if viewer is None or viewer.event_id != event.id or not participant_ids:
        return {}
    other = case(
        (MeetingRequest.sender_id == viewer.id, MeetingRequest.recipient_id),
        else_=MeetingRequest.sender_id,
    )
    wanted = set(participant_ids)
    rows = db.session.execute(
        select(other, MeetingRequest.status).where(
            MeetingRequest.event_id == event.id,
            or_(
                and_(
                    MeetingRequest.sender_id == viewer.id,
                    MeetingRequest.recipient_id.in_(wanted),
                ),
                and_(
                    MeetingRequest.recipient_id == viewer.id,
                    MeetingRequest.sender_id.in_(wanted),
                ),
            ),
        )
    ).all()
    return {participant_id: status for participant_id, status in rows}  # noqa: C416


def participant_for(event: Event, user: User) -> Participant | None:
    """The user's registration for the event (any status), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Participant).where(Participant.event_id == event.id, Participant.user_id == user.id)
    )


def participant_of_event(event: Event, participant_id: int) -> Participant | None:
    return db.session.scalar(
        select(Participant).where(
            Participant.event_id == event.id, Participant.id == participant_id
        )
    )


def request_of_event(event: Event, request_id: int) -> MeetingRequest | None:
    return db.session.scalar(
        select(MeetingRequest).where(
            MeetingRequest.event_id == event.id, MeetingRequest.id == request_id
        )
    )


def request_between(event: Event, first_id: int, second_id: int) -> MeetingRequest | None:
    low, high = sorted((first_id, second_id))
    return db.session.scalar(
        select(MeetingRequest).where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.pair_low_id == low,
            MeetingRequest.pair_high_id == high,
        )
    )


def outgoing_count(participant: Participant) -> int:
    """Requests the participant sent that hold a place under the event's limit."""
    return (
        db.session.scalar(
            select(func.count(MeetingRequest.id)).where(
                MeetingRequest.sender_id == participant.id,
                MeetingRequest.status.in_(ACTIVE_STATUSES),
                MeetingRequest.created_by_organiser_id.is_(None),
            )
        )
        or 0
    )


def booking_closed(event: Event, now: datetime | None = None) -> bool:
    return event.booking_deadline is not None and (now or utcnow()) >= event.booking_deadline


# --- Rules ---------------------------------------------------------------------------------


def check_may_send(
    sender: Participant, recipient: Participant, *, now: datetime | None = None
) -> None:
    """Raise RequestError when `sender` may not request a meeting with `recipient` now.

    The pair's existing request is not looked at here (send_request settles that).
    """
    event = sender.event
    if recipient.event_id != sender.event_id:
        raise RequestError("This participant is not registered for this event.", 404)
    if not sender.is_approved:
        raise RequestError(
            "You can request meetings once the organisers have approved your registration."
        )
    if recipient.id == sender.id:
        raise RequestError("You cannot request a meeting with yourself.")
    if recipient.status is ParticipantStatus.CANCELLED:
        raise RequestError(f"{recipient.full_name} has cancelled their registration.")
    if not recipient.is_approved:
        raise RequestError(f"{recipient.full_name} is not an approved participant of this event.")
    if not recipient.marketplace_consent:
        raise RequestError(f"{recipient.full_name} does not take meeting requests.")
    if booking_closed(event, now):
        raise RequestError("The deadline for meeting requests has passed.")


def check_within_limit(sender: Participant) -> None:
    limit = sender.event.max_requests_per_participant
    if limit is not None and outgoing_count(sender) >= limit:
        raise RequestError(
            f"You have reached this event's limit of {limit} meeting requests. A request that "
            "is declined, cancelled or expired frees a place."
        )


def _lock(participant: Participant) -> None:
    """Serialise one participant's sends, so two tabs cannot both take the last place.

    FOR NO KEY UPDATE, not FOR UPDATE: the other side's INSERT takes a KEY SHARE lock on this
    row for its foreign key, and FOR UPDATE would deadlock two people requesting each other.
    SQLite has one writer at a time anyway.
    """
    db.session.execute(
        select(Participant.id)
        .where(Participant.id == participant.id)
        .with_for_update(key_share=True)
    )


# --- Sending -------------------------------------------------------------------------------


def send_request(
    sender: Participant,
    recipient: Participant,
    message: str = "",
    priority: RequestPriority = RequestPriority.NORMAL,
    *,
    now: datetime | None = None,
    opportunity_id: int | None = None,
) -> SendOutcome:
    """Request a meeting; answers the other side's pending request when there is one.

    `opportunity_id`: the sender's or the recipient's opportunity the meeting is about.
    """
    now = now or utcnow()
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise RequestError(f"Keep the message to {MAX_MESSAGE_LENGTH:,} characters.", 400)
    check_may_send(sender, recipient, now=now)
    if opportunity_id is not None:
        _check_opportunity(opportunity_id, sender, recipient)
    _lock(sender)
    existing = request_between(sender.event, sender.id, recipient.id)
    if existing is None:
        check_within_limit(sender)
        request = _new_request(sender, recipient, message, priority, now)
        if request is not None:
            request.opportunity_id = opportunity_id
            return _after_new(request, now)
        # The other side inserted the pair first (a race): carry on with their row.
        existing = request_between(sender.event, sender.id, recipient.id)
        assert existing is not None  # the unique constraint said it exists
    outcome = _send_to_existing(existing, sender, recipient, message, priority, now)
    # The sender's own (re-sent) request takes their choice; the other side's keeps theirs.
    if opportunity_id is not None and (
        outcome.request.sender_id == sender.id or outcome.request.opportunity_id is None
    ):
        outcome.request.opportunity_id = opportunity_id
    return outcome


def _check_opportunity(opportunity_id: int, sender: Participant, recipient: Participant) -> None:
    owner_id = db.session.scalar(
        select(Opportunity.participant_id).where(Opportunity.id == opportunity_id)
    )
    if owner_id not in (sender.id, recipient.id):
        raise RequestError("Choose one of your opportunities or one of theirs.", 400)


def _new_request(
    sender: Participant,
    recipient: Participant,
    message: str,
    priority: RequestPriority,
    now: datetime,
    *,
    status: RequestStatus = RequestStatus.PENDING,
    organiser: User | None = None,
) -> MeetingRequest | None:
    """Insert the pair's request in a SAVEPOINT; None when the pair already exists."""
    low, high = sorted((sender.id, recipient.id))
    request = MeetingRequest(
        event_id=sender.event_id,
        sender_id=sender.id,
        recipient_id=recipient.id,
        pair_low_id=low,
        pair_high_id=high,
        status=status,
        priority=priority,
        message=message,
        created_at=now,
        updated_at=now,
        responded_at=now if status is RequestStatus.ACCEPTED else None,
        created_by_organiser_id=organiser.id if organiser is not None else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except IntegrityError:
        # begin_nested() rolled back to the savepoint; the outer transaction lives on.
        return None
    return request


def _after_new(request: MeetingRequest, now: datetime) -> SendOutcome:
    recipient = request.recipient
    if recipient.auto_accept_requests:
        _transition(request, RequestStatus.PENDING, status=RequestStatus.ACCEPTED, responded_at=now)
        _mail_received(request, auto_accepted=True)
        _mail_accepted(request)
        _on_accepted(request, recipient.user)
        return SendOutcome(request, "auto_accepted")
    _mail_received(request)
    return SendOutcome(request, "sent")


def _send_to_existing(
    existing: MeetingRequest,
    sender: Participant,
    recipient: Participant,
    message: str,
    priority: RequestPriority,
    now: datetime,
) -> SendOutcome:
    name = recipient.full_name
    status = existing.status
    if status is RequestStatus.PENDING:
        if existing.sender_id == sender.id:
            raise RequestConflict(f"You already requested a meeting with {name}; it is pending.")
        # They asked us first: our request is their acceptance, and both want it.
        values: dict = {
            "status": RequestStatus.ACCEPTED,
            "mutual": True,
            "responded_at": now,
        }
        if priority is RequestPriority.MUST_MEET:
            values["priority"] = RequestPriority.MUST_MEET
        _transition(existing, RequestStatus.PENDING, **values)
        _mail_accepted(existing, reply=message)
        _on_accepted(existing, sender.user)
        return SendOutcome(existing, "mutual")
    if status is RequestStatus.ACCEPTED:
        raise RequestConflict(f"You already have an accepted meeting with {name}.")
    if status is RequestStatus.DECLINED and existing.sender_id == sender.id:
        raise RequestError(f"{name} declined your meeting request.")
    # Declined by us earlier, or cancelled or expired: the pair starts again with this request.
    check_within_limit(sender)
    _transition(
        existing,
        status,
        sender_id=sender.id,
        recipient_id=recipient.id,
        status=RequestStatus.PENDING,
        priority=priority,
        message=message,
        mutual=False,
        response_reason="",
        created_at=now,
        responded_at=None,
        reminded_at=None,
        cancelled_by_id=None,
        created_by_organiser_id=None,
    )
    return _after_new(existing, now)


def _transition(request: MeetingRequest, expected: RequestStatus, **values: object) -> None:
    """Change the request only if it still has the status we read; refuse otherwise.

    The conditional UPDATE is what makes two simultaneous actions end in exactly one state:
    on PostgreSQL the second UPDATE waits for the first to commit and then matches no row.
    """
    values.setdefault("updated_at", utcnow())
    result = db.session.execute(
        update(MeetingRequest)
        .where(MeetingRequest.id == request.id, MeetingRequest.status == expected)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(request)
        raise RequestConflict(_already(request))
    db.session.refresh(request)


def _already(request: MeetingRequest) -> str:
    return {
        RequestStatus.PENDING: "This request is still pending.",
        RequestStatus.ACCEPTED: "This request is already accepted.",
        RequestStatus.DECLINED: "This request has already been declined.",
        RequestStatus.CANCELLED: "This request has already been cancelled.",
        RequestStatus.EXPIRED: "This request has expired.",
    }[request.status]


# --- Answering and cancelling --------------------------------------------------------------


def accept_request(
    request: MeetingRequest, acting: Participant, *, now: datetime | None = None
) -> MeetingRequest:
    now = now or utcnow()
    if acting.id != request.recipient_id:
        raise RequestError("Only the person a request was sent to can accept it.")
    if request.status is not RequestStatus.PENDING:
        raise RequestConflict(_already(request))
    if booking_closed(request.event, now):
        raise RequestError("The deadline for meeting requests has passed.")
    if not request.sender.is_approved:
        raise RequestError(f"{request.sender.full_name} no longer takes part in this event.")
    _transition(request, RequestStatus.PENDING, status=RequestStatus.ACCEPTED, responded_at=now)
    _mail_accepted(request)
    _on_accepted(request, acting.user)
    return request


def decline_request(
    request: MeetingRequest, acting: Participant, reason: str = "", *, now: datetime | None = None
) -> MeetingRequest:
    now = now or utcnow()
    reason = _checked_reason(reason)
    if acting.id != request.recipient_id:
        raise RequestError("Only the person a request was sent to can decline it.")
    if request.status is not RequestStatus.PENDING:
        raise RequestConflict(_already(request))
    _transition(
        request,
        RequestStatus.PENDING,
        status=RequestStatus.DECLINED,
        response_reason=reason,
        responded_at=now,
    )
    _mail(request.sender, "request_declined", essential=True, request=request)
    return request


def cancel_request(
    request: MeetingRequest, acting: Participant, reason: str = "", *, now: datetime | None = None
) -> MeetingRequest:
    """The sender withdraws a pending request, or either side cancels an accepted meeting."""
    now = now or utcnow()
    reason = _checked_reason(reason)
    if not request.involves(acting.id):
        raise RequestError("You can only cancel your own meeting requests.")
    previous = request.status
    if previous is RequestStatus.PENDING and acting.id != request.sender_id:
        raise RequestError("You can decline this request; only its sender can cancel it.")
    if previous not in ACTIVE_STATUSES:
        raise RequestConflict(_already(request))
    _transition(
        request,
        previous,
        status=RequestStatus.CANCELLED,
        cancelled_by_id=acting.id,
        response_reason=reason,
        responded_at=now,
    )
    if previous is RequestStatus.ACCEPTED:
        from brokerage.scheduling.editing import release_cancelled_request

        # A published meeting: its slot frees up, and both sides get one mail saying so
        # (instead of the one below).
        if release_cancelled_request(request, acting, reason) is not None:
            return request
    other = request.recipient if acting.id == request.sender_id else request.sender
    # Losing an agreed meeting matters; a withdrawn request the other side never answered
    # does not.
    _mail(
        other,
        "request_cancelled",
        essential=previous is RequestStatus.ACCEPTED,
        request=request,
        was_accepted=previous is RequestStatus.ACCEPTED,
        cancelled_by=acting,
    )
    return request


def _on_accepted(request: MeetingRequest, acting_user: User | None) -> None:
    """Hook: after publication, place a newly accepted request at once when the organisers
    turned automatic placement on (it stays "waiting for a slot" otherwise)."""
    from brokerage.scheduling.editing import place_late_request  # scheduling imports meetings

    place_late_request(request, user=acting_user)


def _checked_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise RequestError(f"Keep the reason to {MAX_REASON_LENGTH:,} characters.", 400)
    return reason


# --- The organiser -------------------------------------------------------------------------


def create_on_behalf(
    event: Event,
    first: Participant,
    second: Participant,
    organiser: User,
    message: str = "",
    priority: RequestPriority = RequestPriority.NORMAL,
    *,
    now: datetime | None = None,
) -> SendOutcome:
    """An accepted meeting between two participants, arranged by an organiser (e.g. a VIP).

    The organiser overrides the deadline, the limit and marketplace consent, but both must be
    approved participants of the event. A pending request of the pair is accepted; a
    declined, cancelled or expired one is reopened as accepted.
    """
    now = now or utcnow()
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise RequestError(f"Keep the message to {MAX_MESSAGE_LENGTH:,} characters.", 400)
    for participant in (first, second):
        if participant.event_id != event.id:
            raise RequestError("Both people must be participants of this event.", 400)
        if not participant.is_approved:
            raise RequestError(f"{participant.full_name} is not an approved participant.")
    if first.id == second.id:
        raise RequestError("Choose two different participants.")
    request = request_between(event, first.id, second.id)
    if request is None:
        request = _new_request(
            first,
            second,
            message,
            priority,
            now,
            status=RequestStatus.ACCEPTED,
            organiser=organiser,
        )
        if request is None:
            request = request_between(event, first.id, second.id)
            assert request is not None
        else:
            _mail_arranged(request)
            _on_accepted(request, organiser)
            return SendOutcome(request, "created")
    if request.status is RequestStatus.ACCEPTED:
        raise RequestConflict(
            f"{first.full_name} and {second.full_name} already have an accepted meeting."
        )
    values: dict = {
        "status": RequestStatus.ACCEPTED,
        "responded_at": now,
        "created_by_organiser_id": organiser.id,
        "cancelled_by_id": None,
        "response_reason": "",
    }
    if request.status is not RequestStatus.PENDING:
        # Reopened: it is now the organiser's request from `first` to `second`.
        values.update(
            sender_id=first.id,
            recipient_id=second.id,
            message=message,
            priority=priority,
            mutual=False,
            created_at=now,
        )
    elif priority is RequestPriority.MUST_MEET:
        values["priority"] = priority
    _transition(request, request.status, **values)
    _mail_arranged(request)
    _on_accepted(request, organiser)
    return SendOutcome(request, "created")


# --- Settings ------------------------------------------------------------------------------


def update_settings(
    participant: Participant, *, auto_accept: bool, essential_emails_only: bool
) -> Participant:
    """Save the participant's request settings. Auto-accept applies to requests from now on."""
    participant.auto_accept_requests = bool(auto_accept)
    participant.essential_emails_only = bool(essential_emails_only)
    db.session.flush()
    return participant


# --- Expiry and reminders (cron) -----------------------------------------------------------


def expire_requests(*, now: datetime | None = None) -> int:
    """Expire pending requests past their event's expiry period or booking deadline.

    Tells each sender. Idempotent: a request expires once (a conditional UPDATE), so two
    overlapping runs never mail twice. Returns how many requests expired.
    """
    now = now or utcnow()
    candidates = db.session.scalars(
        select(MeetingRequest)
        .join(Event, Event.id == MeetingRequest.event_id)
        .where(MeetingRequest.status == RequestStatus.PENDING)
        .where(
            or_(
                and_(Event.booking_deadline.is_not(None), Event.booking_deadline <= now),
                Event.request_expiry_days.is_not(None),
            )
        )
        .options(selectinload(MeetingRequest.sender), selectinload(MeetingRequest.recipient))
        .order_by(MeetingRequest.id)
    ).all()
    expired = 0
    with link_context():
        for request in candidates:
            if not _is_due_to_expire(request, now):
                continue
            try:
                _transition(
                    request, RequestStatus.PENDING, status=RequestStatus.EXPIRED, responded_at=now
                )
            except RequestConflict:
                continue  # answered meanwhile, or another run expired it
            _mail(request.sender, "request_expired", essential=True, request=request)
            expired += 1
    return expired


def _is_due_to_expire(request: MeetingRequest, now: datetime) -> bool:
    event = request.event
    if booking_closed(event, now):
        return True
    days = event.request_expiry_days
    return days is not None and request.created_at + timedelta(days=days) <= now


def send_reminders(*, now: datetime | None = None) -> int:
    """Mail each recipient one reminder of the requests waiting for their answer.

    A request is included when it has waited REMINDER_INTERVAL since it was sent and since
    its last reminder; recipients who want essential e-mails only are skipped. Returns how
    many reminders (e-mails) were queued.
    """
    now = now or utcnow()
    cutoff = now - REMINDER_INTERVAL
    candidates = db.session.scalars(
        select(MeetingRequest)
        .join(Participant, Participant.id == MeetingRequest.recipient_id)
        .join(Event, Event.id == MeetingRequest.event_id)
        .where(
            MeetingRequest.status == RequestStatus.PENDING,
            MeetingRequest.created_at <= cutoff,
            or_(MeetingRequest.reminded_at.is_(None), MeetingRequest.reminded_at <= cutoff),
            Participant.essential_emails_only.is_(False),
            Participant.status == ParticipantStatus.APPROVED,
            or_(Event.booking_deadline.is_(None), Event.booking_deadline > now),
        )
        .options(selectinload(MeetingRequest.sender))
        .order_by(MeetingRequest.recipient_id, MeetingRequest.created_at)
    ).all()
    by_recipient: dict[int, list[MeetingRequest]] = {}
    for request in candidates:
        # Claim the request for this run: a concurrent run's UPDATE then matches nothing.
        claimed = db.session.execute(
            update(MeetingRequest)
            .where(
                MeetingRequest.id == request.id,
                MeetingRequest.status == RequestStatus.PENDING,
                or_(MeetingRequest.reminded_at.is_(None), MeetingRequest.reminded_at <= cutoff),
            )
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            by_recipient.setdefault(request.recipient_id, []).append(request)
    with link_context():
        for requests in by_recipient.values():
            recipient = requests[0].recipient
            _mail(
                recipient,
                "request_reminder",
                essential=False,
                requests=requests,
                subject=f"{len(requests)} meeting request{'s' if len(requests) != 1 else ''} "
                "waiting for your answer",
            )
    db.session.expire_all()  # reminded_at changed behind the ORM's back
    return len(by_recipient)


# --- Lists and figures ---------------------------------------------------------------------


@dataclass
class RequestFilters:
    status: RequestStatus | None = None
    priority: RequestPriority | None = None
    participant_id: int | None = None  # as sender or recipient
    mutual: bool | None = None
    q: str = ""  # name or organisation of either side


def find_requests(event: Event, filters: RequestFilters) -> Select[tuple[MeetingRequest]]:
    """The event's requests matching the filters, newest first."""
    statement = (
        select(MeetingRequest)
        .where(MeetingRequest.event_id == event.id)
        .options(
            selectinload(MeetingRequest.sender).selectinload(Participant.organisation),
            selectinload(MeetingRequest.recipient).selectinload(Participant.organisation),
        )
        .order_by(MeetingRequest.created_at.desc(), MeetingRequest.id.desc())
    )
    if filters.status is not None:
        statement = statement.where(MeetingRequest.status == filters.status)
    if filters.priority is not None:
        statement = statement.where(MeetingRequest.priority == filters.priority)
    if filters.mutual is not None:
        statement = statement.where(MeetingRequest.mutual.is_(filters.mutual))
    if filters.participant_id is not None:
        statement = statement.where(
            or_(
                MeetingRequest.sender_id == filters.participant_id,
                MeetingRequest.recipient_id == filters.participant_id,
            )
        )
    if filters.q:
        pattern = f"%{_escape_like(filters.q.lower())}%"
        matching = (
            select(Participant.id)
            .join(Organisation, Organisation.id == Participant.organisation_id)
            .where(
                Participant.event_id == event.id,
                or_(
                    func.lower(Participant.first_name + " " + Participant.last_name).like(
                        pattern, escape="\\"
                    ),
                    func.lower(Organisation.name).like(pattern, escape="\\"),
                ),
            )
        )
        statement = statement.where(
            or_(MeetingRequest.sender_id.in_(matching), MeetingRequest.recipient_id.in_(matching))
        )
    return statement


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def status_counts(event: Event) -> dict[RequestStatus, int]:
    rows = db.session.execute(
        select(MeetingRequest.status, func.count(MeetingRequest.id))
        .where(MeetingRequest.event_id == event.id)
        .group_by(MeetingRequest.status)
    ).all()
    counts = dict.fromkeys(RequestStatus, 0)
    counts.update(dict(rows))
    return counts


@dataclass(frozen=True)
class ParticipantFigures:
    participant: Participant
    sent: int
    received: int
    accepted: int  # accepted requests in either direction
    declined: int  # of the requests they sent
    pending: int  # sent and received, waiting for an answer
    # Accepted share of the requests they sent that were answered (None: no answer yet).
    acceptance_rate: float | None


def participant_figures(event: Event) -> list[ParticipantFigures]:
    """Per approved participant: sent, received, accepted, declined, pending, acceptance rate.

    The acceptance rate is the share of the participant's sent requests that were accepted,
    out of those answered (accepted or declined); it is None before any answer.
    """
    rows = db.session.execute(
        select(
            MeetingRequest.sender_id,
            MeetingRequest.recipient_id,
            MeetingRequest.status,
        ).where(MeetingRequest.event_id == event.id)
    ).all()
    counts: dict[int, dict[str, int]] = {}

    def bump(participant_id: int, key: str) -> None:
        counts.setdefault(participant_id, {}).setdefault(key, 0)
        counts[participant_id][key] += 1

    for sender_id, recipient_id, status in rows:
        bump(sender_id, "sent")
        bump(recipient_id, "received")
        if status is RequestStatus.ACCEPTED:
            bump(sender_id, "accepted")
            bump(recipient_id, "accepted")
            bump(sender_id, "sent_accepted")
        elif status is RequestStatus.DECLINED:
            bump(sender_id, "declined")
        elif status is RequestStatus.PENDING:
            bump(sender_id, "pending")
            bump(recipient_id, "pending")
    participants = db.session.scalars(
        select(Participant)
        .where(Participant.event_id == event.id, Participant.status == ParticipantStatus.APPROVED)
        .options(selectinload(Participant.organisation))
        .order_by(Participant.last_name, Participant.first_name, Participant.id)
    ).all()
    figures = []
    for participant in participants:
        mine = counts.get(participant.id, {})
        answered = mine.get("sent_accepted", 0) + mine.get("declined", 0)
        figures.append(
            ParticipantFigures(
                participant=participant,
                sent=mine.get("sent", 0),
                received=mine.get("received", 0),
                accepted=mine.get("accepted", 0),
                declined=mine.get("declined", 0),
                pending=mine.get("pending", 0),
                acceptance_rate=mine.get("sent_accepted", 0) / answered if answered else None,
            )
        )
    return figures


def requests_of(
    participant: Participant, *, incoming: bool, status: RequestStatus | None
) -> Select[tuple[MeetingRequest]]:
    """The participant's inbox (incoming) or outbox, optionally of one status, newest first."""
    column = MeetingRequest.recipient_id if incoming else MeetingRequest.sender_id
    statement = (
        select(MeetingRequest)
        .where(column == participant.id)
        .options(
            selectinload(MeetingRequest.sender).selectinload(Participant.organisation),
            selectinload(MeetingRequest.recipient).selectinload(Participant.organisation),
        )
        .order_by(MeetingRequest.created_at.desc(), MeetingRequest.id.desc())
    )
    if status is not None:
        statement = statement.where(MeetingRequest.status == status)
    return statement


def box_counts(participant: Participant, *, incoming: bool) -> dict[RequestStatus, int]:
    column = MeetingRequest.recipient_id if incoming else MeetingRequest.sender_id
    rows = db.session.execute(
        select(MeetingRequest.status, func.count(MeetingRequest.id))
        .where(column == participant.id)
        .group_by(MeetingRequest.status)
    ).all()
    counts = dict.fromkeys(RequestStatus, 0)
    counts.update(dict(rows))
    return counts


# --- E-mail --------------------------------------------------------------------------------

EMAILS = {
    # template: (subject, essential)
    "request_received": ("{sender} would like to meet you", False),
    "request_accepted": ("Meeting agreed with {other}", True),
    "request_declined": ("{recipient} declined your meeting request", True),
    "request_cancelled": ("Meeting with {other} cancelled", None),  # essential if accepted
    "request_expired": ("Your meeting request to {recipient} expired", True),
    "request_reminder": ("Meeting requests waiting for your answer", False),
}


def _request_link(request: MeetingRequest) -> str:
    return url_for(
        "meetings.show_request", slug=request.event.slug, request_id=request.id, _external=True
    )


def _mail(
    to: Participant,
    template: str,
    *,
    essential: bool,
    subject: str | None = None,
    request: MeetingRequest | None = None,
    **context: object,
) -> None:
    if not essential and to.essential_emails_only:
        return
    if subject is None:
        assert request is not None
        subject = EMAILS[template][0].format(
            sender=request.sender.full_name,
            recipient=request.recipient.full_name,
            other=(request.recipient if to.id == request.sender_id else request.sender).full_name,
        )
    event = to.event
    with link_context():
        queue_mail(
            to.user.email,
            f"{subject} · {event.title}",
            template,
            participant=to,
            event=event,
            request=request,
            link=_request_link(request) if request is not None else None,
            inbox_link=url_for("meetings.inbox", slug=event.slug, _external=True),
            settings_link=url_for("meetings.settings", slug=event.slug, _external=True),
            essential=essential,
            **context,
        )


def _mail_received(request: MeetingRequest, *, auto_accepted: bool = False) -> None:
    _mail(
        request.recipient,
        "request_received",
        essential=False,
        request=request,
        auto_accepted=auto_accepted,
    )


def _mail_accepted(request: MeetingRequest, *, reply: str = "") -> None:
    """The sender is the one waiting for news; the recipient acted and sees it on the page."""
    _mail(request.sender, "request_accepted", essential=True, request=request, reply=reply)


def _mail_arranged(request: MeetingRequest) -> None:
    for participant in (request.sender, request.recipient):
        _mail(participant, "request_accepted", essential=True, request=request, arranged=True)
