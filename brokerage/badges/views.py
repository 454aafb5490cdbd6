"""Badge settings, preview and PDFs for organisers; a participant's own badge.

Access:
- /events/<slug>/manage/badges...: organisers of this event and admins (check-in staff and
  everyone else 403; anonymous users go to the login page).
- /events/<slug>/badge.pdf: the logged-in participant's own badge, once approved (403 while
  pending, rejected or cancelled; 404 for someone not registered for the event).
Printing is recorded by a POST; downloading a PDF never changes anything.
"""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from brokerage.access import get_event_or_404, organiser_required
from brokerage.badges import documents, services
from brokerage.badges.forms import BadgeSettingsForm, LogoForm, MarkPrintedForm, RemoveLogoForm
from brokerage.badges.services import BadgeError, BadgeSelection
from brokerage.downloads import PDF, personal_download
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.meetings.services import participant_for

bp = Blueprint("badges", __name__)

# The logo is at most 1 MB; the multipart envelope adds a little.
LOGO_REQUEST_LIMIT = services.LOGO_MAX_BYTES + 64 * 1024

Page = str | Response | tuple[str, int]


@bp.url_value_preprocessor
def _limit_logo_upload(endpoint: str | None, values: dict | None) -> None:
    # Runs before every before_request hook, so before anything (CSRF) reads the body.
    if endpoint == "badges.upload_logo":
        request.max_content_length = LOGO_REQUEST_LIMIT


def _manage_page(
    event: Event,
    *,
    settings_form: BadgeSettingsForm | None = None,
    logo_form: LogoForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    settings = services.settings_for(event)
    if settings_form is None:
        settings_form = BadgeSettingsForm(obj=settings)
    selection_error = None
    try:
        selection = services.parse_selection(request.args, event)
    except BadgeError as error:
        selection, selection_error, status = BadgeSelection(), str(error), 400
    count = services.count_selected(event, selection)
    mark_form = MarkPrintedForm(formdata=None, expected=count, not_printed="", type="", since="")
    for name, value in selection.query_args().items():
        mark_form[name].data = value
    return render_template(
        "badges/manage.html",
        event=event,
        settings=settings,
        settings_form=settings_form,
        logo_form=logo_form or LogoForm(formdata=None),
        remove_form=RemoveLogoForm(formdata=None),
        mark_form=mark_form,
        selection=selection,
        selection_error=selection_error,
        count=count,
    ), status


def _back_to_manage(event: Event, selection: BadgeSelection | None = None) -> Response:
    args = selection.query_args() if selection is not None else {}
    return redirect(url_for("badges.manage", slug=event.slug, **args))


@bp.route("/events/<slug>/manage/badges", methods=["GET", "POST"])
@organiser_required
def manage(event: Event) -> Page:
    form = BadgeSettingsForm()
    if request.method == "POST":
        if form.validate_on_submit():
            services.update_settings(
                event,
                show_organisation=form.show_organisation.data,
                show_country=form.show_country.data,
                show_job_title=form.show_job_title.data,
                show_participant_type=form.show_participant_type.data,
                show_logo=form.show_logo.data,
            )
            db.session.commit()
            flash("Badge settings saved.", "success")
            return _back_to_manage(event)
        return _manage_page(event, settings_form=form, status=400)
    return _manage_page(event)


@bp.post("/events/<slug>/manage/badges/logo")
@organiser_required
def upload_logo(event: Event) -> Page:
    form = LogoForm()
    if form.validate_on_submit():
        data = form.logo.data.read(services.LOGO_MAX_BYTES + 1)
        try:
            services.set_logo(event, data)
        except BadgeError as error:
            db.session.rollback()
            form.logo.errors = [*form.logo.errors, str(error)]
        else:
            db.session.commit()
            flash("Logo saved.", "success")
            return _back_to_manage(event)
    return _manage_page(event, logo_form=form, status=400)


@bp.post("/events/<slug>/manage/badges/logo/remove")
@organiser_required
def remove_logo(event: Event) -> Response:
    if RemoveLogoForm().validate_on_submit():
        services.remove_logo(event)
        db.session.commit()
        flash("Logo removed.", "success")
    return _back_to_manage(event)


@bp.get("/events/<slug>/manage/badges/logo")
@organiser_required
def logo(event: Event) -> Response:
    settings = services.settings_for(event)
    if not settings.logo or not settings.logo_mime:
        abort(404)
    response = send_file(io.BytesIO(settings.logo), mimetype=settings.logo_mime)
    # The SVG was checked on upload; opened on its own it still may not run anything.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/events/<slug>/manage/badges/preview")
@organiser_required
def preview(event: Event) -> Response:
    """One made-up person's badge, as HTML at its printed size, for the settings page."""
    settings = services.settings_for(event)
    html = documents.badges_html(
        event, [documents.sample_badge(event, settings)], settings, "a6", screen=True
    )
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
    )
    return response


@bp.get("/events/<slug>/manage/badges.pdf")
@organiser_required
def print_pdf(event: Event) -> Response:
    try:
        selection = services.parse_selection(request.args, event)
    except BadgeError as error:
        abort(400, str(error))
    participants = services.selected_participants(event, selection)
    if not participants:
        flash(
            "No approved participant matches these filters: there is nothing to print.", "warning"
        )
        return _back_to_manage(event, selection)
    settings = services.settings_for(event)
    pdf = documents.badges_pdf(
        event, documents.badges_for(event, participants, settings), settings, selection.layout
    )
    return personal_download(pdf, PDF, f"badges-{event.slug}-{selection.layout}.pdf")


@bp.post("/events/<slug>/manage/badges/printed")
@organiser_required
def mark_printed(event: Event) -> Response:
    form = MarkPrintedForm()
    if not form.validate_on_submit():
        flash("The form expired or was incomplete; nothing was marked.", "error")
        return _back_to_manage(event)
    try:
        selection = services.parse_selection(
            {
                "layout": form.layout.data or "",
                "type": form.type.data or "",
                "not_printed": form.not_printed.data or "",
                "since": form.since.data or "",
            },
            event,
        )
    except BadgeError as error:
        abort(400, str(error))
    participant_ids = services.selected_ids(event, selection)
    if len(participant_ids) != form.expected.data:
        flash(
            f"The selection changed since the page was shown: it now holds "
            f"{len(participant_ids)} badges. Nothing was marked; check and print again.",
            "warning",
        )
        return _back_to_manage(event, selection)
    marked = services.mark_printed(event, participant_ids)
    db.session.commit()
    flash(f"{marked} badges marked as printed.", "success")
    return _back_to_manage(event, selection)


@bp.get("/events/<slug>/badge.pdf")
@login_required
def my_badge(slug: str) -> Response:
    event = get_event_or_404(slug)
    participant = participant_for(event, current_user)
    if participant is None:
        abort(404)
    if not participant.is_approved:
        abort(403, "Your badge is ready once your registration is approved.")
    settings = services.settings_for(event)
    pdf = documents.badges_pdf(
        event, documents.badges_for(event, [participant], settings), settings, "a6"
    )
    return personal_download(pdf, PDF, f"badge-{event.slug}.pdf")
