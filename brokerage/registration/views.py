"""Registration pages: a participant's own registration, and the organiser's participant list.

Access:
- /events/<slug>/register, /registration, /registration/cancel: a logged-in user, acting on
  their own registration only (there is no id in these URLs).
- /events/<slug>/manage/participants...: organisers of this event and admins.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from brokerage.access import get_event_or_404, organiser_required
from brokerage.auth.forms import ResendVerificationForm
from brokerage.downloads import CSV, dated_filename, personal_download
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.pagination import requested_page
from brokerage.registration import services
from brokerage.registration.csv_export import participants_csv
from brokerage.registration.forms import (
    KIND_LABELS,
    SIZE_LABELS,
    ConfirmForm,
    ParticipantFilterForm,
    RegistrationForm,
)
from brokerage.registration.models import Organisation, Participant, ParticipantStatus

bp = Blueprint("registration", __name__)

PER_PAGE = 25


@bp.app_template_global()
def event_path(event: Event) -> str:
    # The event page belongs to the events blueprint; link by path so we do not depend on
    # its endpoint name.
    return f"/events/{event.slug}"


@bp.app_template_global()
def my_registration(event: Event) -> Participant | None:
    """For the event page: the current user's registration (any status), or None."""
    return services.registration_of(event, current_user)


@bp.app_context_processor
def _registration_helpers() -> dict:
    return {"kind_labels": KIND_LABELS, "size_labels": SIZE_LABELS}


def _form_action(form: RegistrationForm) -> str | None:
    """Handle the no-JavaScript "add/remove opportunity" buttons.

    Returns "edited" when one was pressed (the form is only re-rendered, nothing is saved),
    None for a real submission.
    """
    if "add_opportunity" in request.form:
        form.add_opportunity()
        return "edited"
    remove = request.form.get("remove_opportunity")
    if remove is not None:
        if remove.isdigit():
            form.remove_opportunity(int(remove))
        return "edited"
    return None


def _form_with_errors_for(form: RegistrationForm, error: services.RegistrationError) -> None:
    if isinstance(error, services.InvalidReference):
        abort(400, str(error))
    form.form_errors.append(str(error))


# --- participant ---------------------------------------------------------------------------


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@login_required
def register(slug: str) -> str | Response | tuple[str, int]:
    event = get_event_or_404(slug)
    existing = services.registration_of(event, current_user)
    if existing is not None and existing.status in services.ACTIVE_STATUSES:
        flash("You are already registered for this event.", "info")
        return redirect(url_for("registration.mine", slug=event.slug))
    try:
        services.check_may_register(event, current_user)
    except services.RegistrationError as error:
        return render_template(
            "registration/refused.html",
            event=event,
            message=str(error),
            unverified=not current_user.is_verified,
            participant=existing,
            resend_form=ResendVerificationForm(),
        ), 403 if request.method == "POST" else 200

    form = RegistrationForm(event=event)
    if request.method == "GET" and existing is not None:
        # Coming back after cancelling: start from the old answers; the terms are asked again.
        form.fill_from(services.RegistrationData.from_participant(existing))
        form.terms_accepted.data = False
    if request.method == "POST" and _form_action(form) is None and form.validate_on_submit():
        try:
            services.register(event, current_user, form.to_data())
        except services.RegistrationError as error:
            db.session.rollback()
            _form_with_errors_for(form, error)
        else:
            db.session.commit()
            flash("Thank you, you are registered. We sent you a confirmation e-mail.", "success")
            return redirect(url_for("registration.mine", slug=event.slug))
    return render_template("registration/register.html", event=event, form=form)


@bp.route("/events/<slug>/registration", methods=["GET", "POST"])
@login_required
def mine(slug: str) -> str | Response:
    event = get_event_or_404(slug)
    participant = services.registration_of(event, current_user)
    if participant is None:
        flash("You are not registered for this event yet.", "info")
        return redirect(url_for("registration.register", slug=event.slug))
    editable = participant.status in services.ACTIVE_STATUSES and services.can_edit(participant)
    form = RegistrationForm(event=event, editing=True)
    if request.method == "POST":
        if not editable:
            abort(403, "This registration can no longer be changed.")
        if _form_action(form) is None and form.validate_on_submit():
            try:
                services.update_registration(participant, form.to_data(), current_user)
            except services.RegistrationError as error:
                db.session.rollback()
                _form_with_errors_for(form, error)
            else:
                db.session.commit()
                flash("Your registration is saved.", "success")
                return redirect(url_for("registration.mine", slug=event.slug))
    else:
        form.fill_from(services.RegistrationData.from_participant(participant))
    return render_template(
        "registration/mine.html",
        event=event,
        participant=participant,
        form=form,
        editable=editable,
        deadline=services.edit_deadline(event),
        cancel_form=ConfirmForm(),
    )


@bp.route("/events/<slug>/registration/cancel", methods=["GET", "POST"])
@login_required
def cancel(slug: str) -> str | Response:
    event = get_event_or_404(slug)
    participant = services.registration_of(event, current_user)
    if participant is None or participant.status not in services.ACTIVE_STATUSES:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.cancel_registration(participant, current_user)
        except services.RegistrationError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("registration.mine", slug=event.slug))
        db.session.commit()
        flash(
            "Your registration is cancelled. You can register again while registration is open.",
            "info",
        )
        return redirect(url_for("registration.mine", slug=event.slug))
    return render_template("registration/cancel.html", event=event, form=form)


# --- organiser -----------------------------------------------------------------------------


def _filter_form(event: Event) -> ParticipantFilterForm:
    country_codes = db.session.scalars(
        select(Organisation.country)
        .join(Participant, Participant.organisation_id == Organisation.id)
        .where(Participant.event_id == event.id)
        .distinct()
    ).all()
    form = ParticipantFilterForm(request.args, event=event, country_codes=list(country_codes))
    form.validate()
    return form


@bp.route("/events/<slug>/manage/participants")
@organiser_required
def manage_list(event: Event) -> str:
    form = _filter_form(event)
    statement = services.find_participants(event, form.to_filters())
    page = db.paginate(
        statement,
        page=requested_page(),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
        error_out=False,
        count=True,
    )
    counts = {
        status: db.session.scalar(
            select(db.func.count(Participant.id)).where(
                Participant.event_id == event.id, Participant.status == status
            )
        )
        for status in ParticipantStatus
    }
    # Only the filter fields go back into links (an arbitrary key could clash with url_for).
    query_args = {
        name: request.args[name]
        for name in ("q", "status", "type_id", "country", "topic_id")
        if request.args.get(name)
    }
    return render_template(
        "registration/manage_list.html",
        event=event,
        form=form,
        page=page,
        counts=counts,
        query_args=query_args,
    )


@bp.route("/events/<slug>/manage/participants.csv")
@organiser_required
def manage_csv(event: Event) -> Response:
    form = _filter_form(event)
    data = participants_csv(event, form.to_filters())
    return personal_download(data, CSV, dated_filename(event, "participants", "csv"))


def _participant_or_404(event: Event, participant_id: int) -> Participant:
    participant = services.participant_of_event_or_none(event, participant_id)
    if participant is None:
        abort(404)
    return participant


@bp.route(
    "/events/<slug>/manage/participants/<int:participant_id>/<any(approve, reject):decision>",
    methods=["POST"],
)
@organiser_required
def manage_decide(event: Event, participant_id: int, decision: str) -> Response:
    participant = _participant_or_404(event, participant_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.decide(participant, decision == "approve", current_user)
    except services.RegistrationError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        verb = "approved" if decision == "approve" else "rejected"
        flash(f"{participant.full_name} is {verb}; we sent them an e-mail.", "success")
    return redirect(_back_to_list(event))


def _back_to_list(event: Event) -> str:
    # Keep the organiser's search and page after a decision, but only same-site paths.
    target = request.form.get("next", "")
    prefix = url_for("registration.manage_list", slug=event.slug)
    if target.startswith(prefix) and "//" not in target:
        return target
    return prefix


@bp.route("/events/<slug>/manage/participants/<int:participant_id>/edit", methods=["GET", "POST"])
@organiser_required
def manage_edit(event: Event, participant_id: int) -> str | Response:
    participant = _participant_or_404(event, participant_id)
    form = RegistrationForm(event=event, editing=True)
    if request.method == "POST":
        if _form_action(form) is None and form.validate_on_submit():
            try:
                services.update_registration(participant, form.to_data(), current_user)
            except services.RegistrationError as error:
                db.session.rollback()
                _form_with_errors_for(form, error)
            else:
                db.session.commit()
                flash(f"The registration of {participant.full_name} is saved.", "success")
                return redirect(url_for("registration.manage_list", slug=event.slug))
    else:
        form.fill_from(services.RegistrationData.from_participant(participant))
    return render_template(
        "registration/manage_edit.html", event=event, participant=participant, form=form
    )
