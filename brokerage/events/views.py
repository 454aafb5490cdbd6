"""Event pages: the public list and event page, admin event set-up, organiser management.

Each view checks access, validates its form, calls one service, commits once and redirects;
on a refusal it rolls back, so nothing is half-saved, and shows the message at its field.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from brokerage.access import admin_required, get_event_or_404, is_organiser, organiser_required
from brokerage.auth.models import User
from brokerage.auth.services import find_user_by_email
from brokerage.events import services
from brokerage.events.defaults import COMMON_TIMEZONES
from brokerage.events.forms import (
    ConfirmForm,
    EventSettingsForm,
    GenerateTablesForm,
    NameForm,
    NewEventForm,
    OrganiserForm,
    ParticipantTypeForm,
    SessionForm,
    TableForm,
)
from brokerage.events.models import Event, MeetingSession, ParticipantType, Table, Topic
from brokerage.extensions import db
from brokerage.registration.models import Participant

bp = Blueprint("events", __name__)

Page = str | Response | tuple[str, int]


@bp.app_context_processor  # app-wide: other domains may extend events/_layout.html
def _event_helpers() -> dict[str, object]:
    return {"is_organiser": is_organiser, "common_timezones": COMMON_TIMEZONES}


def _refused(form: FlaskForm, error: services.EventSetupError) -> None:
    """Undo the request's changes and show the refusal at its field (or as a message)."""
    db.session.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        flash(str(error), "error")


def _delete(
    event: Event, delete: Callable[[], None], done_message: str, back_endpoint: str
) -> Response:
    """The shared body of the delete views: confirm, delete, commit once, go back."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        delete()
    except services.EventSetupError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(done_message, "success")
    return redirect(url_for(back_endpoint, slug=event.slug))


def _owned(model: type, event: Event, item_id: int):  # returns an instance of `model`
    """A row of `model` that belongs to `event`, or 404 (ids of other events are forged)."""
    item = db.session.get(model, item_id)
    if item is None or item.event_id != event.id:
        abort(404)
    return item


# --- public -----------------------------------------------------------------------------


@bp.route("/")
def index() -> str:
    events = db.session.scalars(select(Event).order_by(Event.start_date.desc())).all()
    return render_template("events/index.html", events=events)


@bp.route("/events/<slug>")
def show(slug: str) -> str:
    event = get_event_or_404(slug)
    return render_template("events/show.html", event=event)


# --- admin ------------------------------------------------------------------------------


@bp.route("/admin/events")
@admin_required
def admin_events() -> str:
    events = db.session.scalars(select(Event).order_by(Event.start_date.desc())).all()
    organisers = {event.id: services.organisers(event) for event in events}
    return render_template("events/admin_events.html", events=events, organisers=organisers)


@bp.route("/admin/events/new", methods=["GET", "POST"])
@admin_required
def create_event() -> Page:
    form = NewEventForm()
    if form.validate_on_submit():
        organiser = None
        if form.organiser_email.data:
            organiser = find_user_by_email(form.organiser_email.data)
            if organiser is None:
                form.organiser_email.errors.append("No account uses this e-mail address.")
        if not form.organiser_email.errors:
            try:
                event = services.create_event(
                    title=form.title.data,
                    slug=form.slug.data,
                    timezone=form.timezone.data,
                    start_date=form.start_date.data,
                    end_date=form.end_date.data,
                    created_by=current_user,
                )
                if organiser is not None:
                    services.name_organiser(event, organiser)
            except services.EventSetupError as error:
                _refused(form, error)
            else:
                db.session.commit()
                flash(f"Event “{event.title}” created. Complete its settings.", "success")
                return redirect(url_for("events.manage_settings", slug=event.slug))
    return render_template("events/admin_new_event.html", form=form)


@bp.route("/admin/events/<slug>/organisers", methods=["GET", "POST"])
@admin_required
def admin_organisers(slug: str) -> Page:
    event = get_event_or_404(slug)
    form = OrganiserForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is None:
            form.email.errors.append("No account uses this e-mail address. Ask them to sign up.")
        else:
            services.name_organiser(event, user)
            db.session.commit()
            flash(f"{user.email} is an organiser of {event.title}.", "success")
            return redirect(url_for("events.admin_organisers", slug=event.slug))
    return render_template(
        "events/admin_organisers.html",
        event=event,
        form=form,
        organisers=services.organisers(event),
        remove_form=ConfirmForm(),
    )


@bp.route("/admin/events/<slug>/organisers/<int:user_id>/remove", methods=["POST"])
@admin_required
def admin_remove_organiser(slug: str, user_id: int) -> Response:
    event = get_event_or_404(slug)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.remove_organiser(event, user)
    except services.EventSetupError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash(f"{user.email} is no longer an organiser of {event.title}.", "success")
    return redirect(url_for("events.admin_organisers", slug=event.slug))


# --- organisers: dashboard and settings -------------------------------------------------


@bp.route("/events/<slug>/manage")
@organiser_required
def manage(event: Event) -> str:
    return render_template(
        "events/manage/dashboard.html", event=event, figures=services.event_figures(event)
    )


def _settings_form(event: Event) -> EventSettingsForm:
    form = EventSettingsForm(obj=event)
    if not form.is_submitted():
        # Stored in UTC, edited as the event's local wall-clock time.
        for name in ("registration_opens_at", "registration_closes_at", "booking_deadline"):
            value = getattr(event, name)
            getattr(form, name).data = (
                event.local(value).replace(tzinfo=None) if value is not None else None
            )
    return form


@bp.route("/events/<slug>/manage/settings", methods=["GET", "POST"])
@organiser_required
def manage_settings(event: Event) -> Page:
    form = _settings_form(event)
    if form.validate_on_submit():
        try:
            services.update_event(
                event,
                title=form.title.data,
                slug=form.slug.data,
                description=form.description.data or "",
                venue=form.venue.data or "",
                timezone=form.timezone.data,
                start_date=form.start_date.data,
                end_date=form.end_date.data,
                registration_opens_at=form.registration_opens_at.data,
                registration_closes_at=form.registration_closes_at.data,
                booking_deadline=form.booking_deadline.data,
                meeting_minutes=form.meeting_minutes.data,
                changeover_minutes=form.changeover_minutes.data,
                max_meetings_per_participant=form.max_meetings_per_participant.data,
                max_requests_per_participant=form.max_requests_per_participant.data,
                request_expiry_days=form.request_expiry_days.data,
                requires_approval=form.requires_approval.data,
                capacity=form.capacity.data,
            )
        except services.EventSetupError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash("Event settings saved.", "success")
            return redirect(url_for("events.manage_settings", slug=event.slug))
    return render_template("events/manage/settings.html", event=event, form=form)


# --- sessions and slots -----------------------------------------------------------------


@bp.route("/events/<slug>/manage/sessions", methods=["GET", "POST"])
@organiser_required
def manage_sessions(event: Event) -> Page:
    form = SessionForm()
    if form.validate_on_submit():
        try:
            session = services.add_session(
                event, form.name.data, form.day.data, form.start_time.data, form.end_time.data
            )
        except services.EventSetupError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(f"Session “{session.name}” added with {len(session.slots)} slots.", "success")
            return redirect(url_for("events.manage_sessions", slug=event.slug))
    elif not form.is_submitted():
        form.day.data = event.start_date
    return render_template(
        "events/manage/sessions.html",
        event=event,
        form=form,
        figures=services.event_figures(event),
    )


@bp.route("/events/<slug>/manage/sessions/<int:session_id>", methods=["GET", "POST"])
@organiser_required
def edit_session(event: Event, session_id: int) -> Page:
    session: MeetingSession = _owned(MeetingSession, event, session_id)
    form = SessionForm()
    if form.validate_on_submit():
        try:
            services.update_session(
                session, form.name.data, form.day.data, form.start_time.data, form.end_time.data
            )
        except services.EventSetupError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(f"Session “{session.name}” saved; its slots were updated.", "success")
            return redirect(url_for("events.manage_sessions", slug=event.slug))
    elif not form.is_submitted():
        start, end = event.local(session.starts_at), event.local(session.ends_at)
        form.name.data = session.name
        form.day.data = start.date()
        form.start_time.data = start.time()
        form.end_time.data = end.time()
    return render_template(
        "events/manage/session_edit.html",
        event=event,
        session=session,
        form=form,
    )


@bp.route("/events/<slug>/manage/sessions/<int:session_id>/delete", methods=["POST"])
@organiser_required
def delete_session(event: Event, session_id: int) -> Response:
    session: MeetingSession = _owned(MeetingSession, event, session_id)
    return _delete(
        event,
        lambda: services.delete_session(session),
        f"Session “{session.name}” and its slots were deleted.",
        "events.manage_sessions",
    )


# --- tables and booths ------------------------------------------------------------------


def _tables_page(event: Event, generate_form: GenerateTablesForm) -> str:
    return render_template(
        "events/manage/tables.html",
        event=event,
        form=generate_form,
        figures=services.event_figures(event),
    )


@bp.route("/events/<slug>/manage/tables", methods=["GET", "POST"])
@organiser_required
def manage_tables(event: Event) -> Page:
    form = GenerateTablesForm()
    if form.validate_on_submit():
        try:
            tables = services.generate_tables(event, form.count.data, form.prefix.data or "")
        except services.EventSetupError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(
                f"Added {len(tables)} tables ({tables[0].label} to {tables[-1].label}).",
                "success",
            )
            return redirect(url_for("events.manage_tables", slug=event.slug))
    return _tables_page(event, form)


def _participant_choices(event: Event) -> list[tuple[int, str]]:
    participants = db.session.scalars(
        select(Participant)
        .where(Participant.event_id == event.id)
        .order_by(Participant.last_name, Participant.first_name)
    )
    return [(0, "No booth: a shared table")] + [
        (participant.id, f"{participant.full_name} ({participant.organisation.name})")
        for participant in participants
    ]


@bp.route("/events/<slug>/manage/tables/<int:table_id>", methods=["GET", "POST"])
@organiser_required
def edit_table(event: Event, table_id: int) -> Page:
    table: Table = _owned(Table, event, table_id)
    form = TableForm(data={"label": table.label, "booth_owner": table.booth_owner_id or 0})
    form.booth_owner.choices = _participant_choices(event)
    if form.validate_on_submit():
        owner = (
            db.session.get(Participant, form.booth_owner.data) if form.booth_owner.data else None
        )
        try:
            services.rename_table(table, form.label.data)
            services.set_booth(table, owner)
        except services.EventSetupError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(f"Table {table.label} saved.", "success")
            return redirect(url_for("events.manage_tables", slug=event.slug))
    return render_template(
        "events/manage/table_edit.html",
        event=event,
        table=table,
        form=form,
    )


@bp.route("/events/<slug>/manage/tables/<int:table_id>/delete", methods=["POST"])
@organiser_required
def delete_table(event: Event, table_id: int) -> Response:
    table: Table = _owned(Table, event, table_id)
    return _delete(
        event,
        lambda: services.delete_table(table),
        f"Table {table.label} deleted.",
        "events.manage_tables",
    )


# --- topics and participant types -------------------------------------------------------


@bp.route("/events/<slug>/manage/topics", methods=["GET", "POST"])
@organiser_required
def manage_topics(event: Event) -> Page:
    form = NameForm()
    if form.validate_on_submit():
        try:
            topic = services.add_topic(event, form.name.data)
        except services.EventSetupError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(f"Topic “{topic.name}” added.", "success")
            return redirect(url_for("events.manage_topics", slug=event.slug))
    return render_template(
        "events/manage/topics.html",
        event=event,
        form=form,
        uses={topic.id: services.topic_uses(topic) for topic in event.topics},
    )


@bp.route("/events/<slug>/manage/types", methods=["GET", "POST"])
@organiser_required
def manage_participant_types(event: Event) -> Page:
    form = ParticipantTypeForm()
    if form.validate_on_submit():
        try:
            type_ = services.add_participant_type(event, form.name.data, form.colour.data)
        except services.EventSetupError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(f"Participant type “{type_.name}” added.", "success")
            return redirect(url_for("events.manage_participant_types", slug=event.slug))
    return render_template(
        "events/manage/participant_types.html",
        event=event,
        form=form,
        uses={type_.id: services.participant_type_uses(type_) for type_ in event.participant_types},
    )


@bp.route("/events/<slug>/manage/topics/<int:topic_id>", methods=["GET", "POST"])
@organiser_required
def edit_topic(event: Event, topic_id: int) -> Page:
    topic: Topic = _owned(Topic, event, topic_id)
    form = NameForm(data={"name": topic.name})
    if form.validate_on_submit():
        try:
            services.rename_topic(topic, form.name.data)
        except services.EventSetupError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(f"Topic renamed to “{topic.name}”.", "success")
            return redirect(url_for("events.manage_topics", slug=event.slug))
    return render_template(
        "events/manage/item_edit.html",
        event=event,
        form=form,
        kind="topic",
        item=topic,
        uses=services.topic_uses(topic),
        delete_url=url_for("events.delete_topic", slug=event.slug, topic_id=topic.id),
    )


@bp.route("/events/<slug>/manage/topics/<int:topic_id>/delete", methods=["POST"])
@organiser_required
def delete_topic(event: Event, topic_id: int) -> Response:
    topic: Topic = _owned(Topic, event, topic_id)
    return _delete(
        event,
        lambda: services.delete_topic(topic),
        f"Topic “{topic.name}” deleted.",
        "events.manage_topics",
    )


@bp.route("/events/<slug>/manage/types/<int:type_id>", methods=["GET", "POST"])
@organiser_required
def edit_participant_type(event: Event, type_id: int) -> Page:
    type_: ParticipantType = _owned(ParticipantType, event, type_id)
    form = ParticipantTypeForm(data={"name": type_.name, "colour": type_.colour})
    if form.validate_on_submit():
        try:
            services.update_participant_type(type_, form.name.data, form.colour.data)
        except services.EventSetupError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(f"Participant type “{type_.name}” saved.", "success")
            return redirect(url_for("events.manage_participant_types", slug=event.slug))
    return render_template(
        "events/manage/item_edit.html",
        event=event,
        form=form,
        kind="participant type",
        item=type_,
        uses=services.participant_type_uses(type_),
        delete_url=url_for("events.delete_participant_type", slug=event.slug, type_id=type_.id),
    )


@bp.route("/events/<slug>/manage/types/<int:type_id>/delete", methods=["POST"])
@organiser_required
def delete_participant_type(event: Event, type_id: int) -> Response:
    type_: ParticipantType = _owned(ParticipantType, event, type_id)
    return _delete(
        event,
        lambda: services.delete_participant_type(type_),
        f"Participant type “{type_.name}” deleted.",
        "events.manage_participant_types",
    )
