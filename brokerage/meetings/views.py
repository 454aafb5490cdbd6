"""Meeting request pages: send, inbox and outbox, answer and cancel, settings; the organiser's list.

Access:
- /events/<slug>/requests..., /events/<slug>/settings: a logged-in user registered for the
  event, acting as that participant only. A request they are not part of is a 404 (its
  existence is not revealed); organisers of the event may view any request read-only.
- /events/<slug>/manage/requests...: organisers of this event and admins.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from brokerage.access import get_event_or_404, is_organiser, organiser_required
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.meetings import services
from brokerage.meetings.forms import (
    PRIORITY_LABELS,
    STATUS_LABELS,
    OnBehalfForm,
    RequestFilterForm,
    RequestForm,
    ResponseForm,
    SettingsForm,
)
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.pagination import requested_page
from brokerage.registration.models import Participant, ParticipantStatus

bp = Blueprint("meetings", __name__)

PER_PAGE = 25
Page = str | Response | tuple[str, int]


@bp.app_context_processor
def _meeting_helpers() -> dict:
    return {"request_status_labels": STATUS_LABELS, "priority_labels": PRIORITY_LABELS}


@bp.app_template_global()
def meeting_participant(event: Event) -> Participant | None:
    """For navigation: the current user's registration for the event, or None."""
    return services.participant_for(event, current_user)


def _me(event: Event) -> Participant:
    """The current user's registration for the event; 403 when they have none."""
    participant = services.participant_for(event, current_user)
    if participant is None:
        abort(403, "You are not registered for this event.")
    return participant


def _status_arg() -> RequestStatus | None:
    value = request.args.get("status", "")
    return RequestStatus(value) if value in RequestStatus._value2member_map_ else None


# --- sending -------------------------------------------------------------------------------


@bp.route("/events/<slug>/requests/new/<int:participant_id>", methods=["GET", "POST"])
@login_required
def new_request(slug: str, participant_id: int) -> Page:
    event = get_event_or_404(slug)
    me = _me(event)
    recipient = services.participant_of_event(event, participant_id)
    if recipient is None:
        abort(404)
    existing = (
        services.request_between(event, me.id, recipient.id) if recipient.id != me.id else None
    )
    refusal: services.RequestError | None = None
    try:
        services.check_may_send(me, recipient)
    except services.RequestError as error:
        refusal = error
    form = RequestForm()
    form.offer_opportunities(recipient.opportunities, me.opportunities)
    chosen = request.args.get("opportunity", "")  # from "Request a meeting about this"
    if request.method == "GET" and chosen and form.offers(chosen):
        form.opportunity.data = chosen
    if request.method == "POST":
        if refusal is not None:
            return _new_request_page(event, me, recipient, form, existing, refusal, refusal.status)
        if form.validate_on_submit():
            try:
                outcome = services.send_request(
                    me,
                    recipient,
                    form.message.data or "",
                    form.priority_value,
                    opportunity_id=form.opportunity_id,
                )
            except services.RequestError as error:
                db.session.rollback()
                return _new_request_page(event, me, recipient, form, existing, error, error.status)
            db.session.commit()
            flash(_sent_message(outcome), "success")
            if outcome.kind == "sent":
                return redirect(url_for("meetings.outbox", slug=event.slug))
            return redirect(_request_url(outcome.request))
    return _new_request_page(event, me, recipient, form, existing, refusal, 200)


def _new_request_page(
    event: Event,
    me: Participant,
    recipient: Participant,
    form: RequestForm,
    existing: MeetingRequest | None,
    refusal: services.RequestError | None,
    status: int,
) -> tuple[str, int]:
    limit = event.max_requests_per_participant
    return render_template(
        "meetings/new_request.html",
        event=event,
        me=me,
        recipient=recipient,
        form=form,
        existing=existing,
        refusal=refusal,
        limit=limit,
        used=services.outgoing_count(me) if limit is not None else None,
    ), status


def _sent_message(outcome: services.SendOutcome) -> str:
    name = outcome.request.recipient.full_name
    if outcome.kind == "mutual":
        return (
            f"{outcome.request.sender.full_name} had already asked to meet you, so your "
            "meeting is agreed."
        )
    if outcome.kind == "auto_accepted":
        return f"{name} accepts every request: your meeting is agreed."
    return f"Your meeting request was sent to {name}."


# --- inbox and outbox ----------------------------------------------------------------------


@bp.route("/events/<slug>/requests")
@login_required
def inbox(slug: str) -> str:
    return _box(slug, incoming=True)


@bp.route("/events/<slug>/requests/sent")
@login_required
def outbox(slug: str) -> str:
    return _box(slug, incoming=False)


def _box(slug: str, *, incoming: bool) -> str:
    event = get_event_or_404(slug)
    me = _me(event)
    status = _status_arg()
    page = db.paginate(
        services.requests_of(me, incoming=incoming, status=status),
        page=requested_page(),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "meetings/box.html",
        event=event,
        me=me,
        incoming=incoming,
        status=status,
        page=page,
        counts=services.box_counts(me, incoming=incoming),
        accepted_total=services.accepted_request_count(me),
        response_form=ResponseForm(),
        booking_closed=services.booking_closed(event),
    )


# --- one request, and the actions on it ----------------------------------------------------


def _request_url(meeting_request: MeetingRequest) -> str:
    return url_for(
        "meetings.show_request", slug=meeting_request.event.slug, request_id=meeting_request.id
    )


def _visible_request(event: Event, request_id: int) -> tuple[MeetingRequest, Participant | None]:
    """The request and the viewer's participant; 404 unless they are part of it (or organise)."""
    meeting_request = services.request_of_event(event, request_id)
    me = services.participant_for(event, current_user)
    if meeting_request is None:
        abort(404)
    if me is not None and meeting_request.involves(me.id):
        return meeting_request, me
    if is_organiser(event):
        return meeting_request, None
    abort(404)


@bp.route("/events/<slug>/requests/<int:request_id>")
@login_required
def show_request(slug: str, request_id: int) -> Page:
    event = get_event_or_404(slug)
    meeting_request, me = _visible_request(event, request_id)
    return _request_page(event, meeting_request, me, ResponseForm(), None, 200)


def _request_page(
    event: Event,
    meeting_request: MeetingRequest,
    me: Participant | None,
    form: ResponseForm,
    error: str | None,
    status: int,
) -> tuple[str, int]:
    return render_template(
        "meetings/show_request.html",
        event=event,
        meeting_request=meeting_request,
        me=me,
        form=form,
        error=error,
        booking_closed=services.booking_closed(event),
    ), status


def _act(slug: str, request_id: int, action: str) -> Page:
    event = get_event_or_404(slug)
    me = _me(event)
    meeting_request = services.request_of_event(event, request_id)
    if meeting_request is None or not meeting_request.involves(me.id):
        abort(404)
    form = ResponseForm()
    if not form.validate_on_submit():
        if form.errors.keys() - {"reason"}:
            abort(400)  # the CSRF token is missing or wrong
        return _request_page(event, meeting_request, me, form, None, 400)
    try:
        if action == "accept":
            services.accept_request(meeting_request, me)
        elif action == "decline":
            services.decline_request(meeting_request, me, form.reason.data or "")
        else:
            services.cancel_request(meeting_request, me, form.reason.data or "")
    except services.RequestError as error:
        db.session.rollback()
        meeting_request = services.request_of_event(event, request_id)
        assert meeting_request is not None
        return _request_page(event, meeting_request, me, ResponseForm(), str(error), error.status)
    db.session.commit()
    other = meeting_request.other_side(me.id)
    name = db.session.get(Participant, other).full_name  # type: ignore[union-attr]
    flash(
        {
            "accept": f"You accepted the meeting with {name}.",
            "decline": f"You declined the request from {name}.",
            "cancel": f"The meeting request with {name} is cancelled.",
        }[action],
        "success",
    )
    return redirect(_back(event, meeting_request))


def _back(event: Event, meeting_request: MeetingRequest) -> str:
    # Back to the list the action came from, but only to our own pages.
    target = request.form.get("next", "")
    prefix = f"/events/{event.slug}/requests"
    if target.startswith(prefix) and "//" not in target and "\\" not in target:
        return target
    return _request_url(meeting_request)


@bp.route("/events/<slug>/requests/<int:request_id>/accept", methods=["POST"])
@login_required
def accept(slug: str, request_id: int) -> Page:
    return _act(slug, request_id, "accept")


@bp.route("/events/<slug>/requests/<int:request_id>/decline", methods=["POST"])
@login_required
def decline(slug: str, request_id: int) -> Page:
    return _act(slug, request_id, "decline")


@bp.route("/events/<slug>/requests/<int:request_id>/cancel", methods=["POST"])
@login_required
def cancel(slug: str, request_id: int) -> Page:
    return _act(slug, request_id, "cancel")


# --- settings ------------------------------------------------------------------------------


@bp.route("/events/<slug>/settings", methods=["GET", "POST"])
@login_required
def settings(slug: str) -> Page:
    event = get_event_or_404(slug)
    me = _me(event)
    form = SettingsForm(obj=me)
    if form.validate_on_submit():
        services.update_settings(
            me,
            auto_accept=form.auto_accept_requests.data,
            essential_emails_only=form.essential_emails_only.data,
        )
        db.session.commit()
        flash("Your meeting settings are saved.", "success")
        return redirect(url_for("meetings.settings", slug=event.slug))
    return render_template("meetings/settings.html", event=event, me=me, form=form)


# --- organiser -----------------------------------------------------------------------------


def _people(event: Event) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Participant.id, Participant.first_name, Participant.last_name)
        .where(Participant.event_id == event.id, Participant.status == ParticipantStatus.APPROVED)
        .order_by(Participant.last_name, Participant.first_name, Participant.id)
    ).all()
    return [(row.id, f"{row.first_name} {row.last_name}") for row in rows]


@bp.route("/events/<slug>/manage/requests")
@organiser_required
def manage_requests(event: Event) -> str:
    people = _people(event)
    form = RequestFilterForm(request.args, people=people)
    form.validate()
    view = "participants" if request.args.get("view") == "participants" else "requests"
    page = None
    figures = None
    if view == "requests":
        page = db.paginate(
            services.find_requests(event, form.to_filters()),
            page=requested_page(),
            per_page=PER_PAGE,
            max_per_page=PER_PAGE,
            error_out=False,
            count=True,
        )
    else:
        figures = services.participant_figures(event)
    counts = services.status_counts(event)
    answered = counts[RequestStatus.ACCEPTED] + counts[RequestStatus.DECLINED]
    query_args = {
        name: request.args[name]
        for name in ("q", "status", "priority", "mutual", "participant")
        if request.args.get(name)
    }
    return render_template(
        "meetings/manage_requests.html",
        event=event,
        form=form,
        view=view,
        page=page,
        figures=figures,
        counts=counts,
        total=sum(counts.values()),
        acceptance_rate=counts[RequestStatus.ACCEPTED] / answered if answered else None,
        query_args=query_args,
    )


@bp.route("/events/<slug>/manage/requests/new", methods=["GET", "POST"])
@organiser_required
def manage_new_request(event: Event) -> Page:
    form = OnBehalfForm(people=_people(event))
    if form.validate_on_submit():
        first = services.participant_of_event(event, form.first.data)
        second = services.participant_of_event(event, form.second.data)
        if first is None or second is None:
            abort(400)  # the choices come from the event; anything else is forged
        try:
            services.create_on_behalf(
                event, first, second, current_user, form.message.data or "", form.priority_value
            )
        except services.RequestError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(
                f"The meeting of {first.full_name} and {second.full_name} is arranged; we told "
                "them both by e-mail.",
                "success",
            )
            return redirect(url_for("meetings.manage_requests", slug=event.slug))
    return render_template("meetings/manage_new_request.html", event=event, form=form)
