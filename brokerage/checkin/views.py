"""Check-in at the door for staff; live figures, exports and staff roles for organisers.

Access:
- /events/<slug>/checkin...: check-in staff of this event, its organisers, and admins
  (others 403, anonymous users go to the login page). Staff see nothing else of the
  management pages.
- /events/<slug>/manage/checkin...: organisers of this event and admins.

A scan is a POST (CSRF) that redirects back to the desk, which shows the result once: a
reload never checks anyone in again. `?token=` on the desk only pre-fills the field.
"""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from brokerage.access import (
    checkin_staff_required,
    event_roles,
    is_checkin_staff,
    organiser_required,
)
from brokerage.auth.models import User
from brokerage.auth.services import find_user_by_email
from brokerage.checkin import charts, exports, services
from brokerage.checkin.figures import checkin_figures
from brokerage.checkin.forms import ConfirmForm, ScanForm, StaffForm
from brokerage.checkin.models import CheckInMethod
from brokerage.checkin.services import TOKEN_MAX_LENGTH, DeskResult
from brokerage.downloads import CSV, XLSX, dated_filename, personal_download
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Participant

bp = Blueprint("checkin", __name__)

Page = str | Response | tuple[str, int]
_RESULT_KEY = "checkin_result"


@bp.app_context_processor  # app-wide: events/_layout.html shows the desk link to staff
def _checkin_helpers() -> dict[str, object]:
    return {"is_checkin_staff": is_checkin_staff, "event_roles": event_roles}


# --- the desk -------------------------------------------------------------------------------


def _remember(event: Event, result: DeskResult) -> None:
    """Keep the result for the page after the redirect (shown once)."""
    participant_id = result.participant.id if result.participant is not None else None
    session[_RESULT_KEY] = {
        "event": event.id,
        "outcome": result.outcome.value,
        "participant": participant_id,
    }


def _recall(event: Event) -> DeskResult | None:
    stored = session.pop(_RESULT_KEY, None)
    if not isinstance(stored, dict) or stored.get("event") != event.id:
        return None
    participant_id = stored.get("participant")
    if participant_id is not None and not isinstance(participant_id, int):
        return None
    return services.result_again(event, str(stored.get("outcome")), participant_id)


@bp.route("/events/<slug>/checkin", methods=["GET", "POST"])
@checkin_staff_required
def desk(event: Event) -> Page:
    form = ScanForm()
    if form.validate_on_submit():
        result = services.check_in_by_token(event, form.token.data, current_user)
        # Read what the redirect needs before the commit expires the rows (a scan is hot).
        _remember(event, result)
        back = url_for("checkin.desk", slug=event.slug)
        db.session.commit()
        return redirect(back)
    if form.is_submitted():
        form.token.data = ""  # the next scan starts in an empty field
    else:
        form.token.data = request.args.get("token", "")[:TOKEN_MAX_LENGTH]
    query = request.args.get("q", "").strip()[:100]
    return render_template(
        "checkin/desk.html",
        event=event,
        form=form,
        result=_recall(event),
        headline=services.headline,
        query=query,
        hits=services.search_participants(event, query) if query else [],
        latest=services.latest_check_ins(event),
        counts=services.desk_counts(event),
        staff_name=services.staff_name,
    )


def _participant_or_404(event: Event, participant_id: int) -> Participant:
    participant = services.participant_of_event(event, participant_id)
    if participant is None:
        abort(404)
    return participant


@bp.post("/events/<slug>/checkin/participants/<int:participant_id>")
@checkin_staff_required
def check_in_participant(event: Event, participant_id: int) -> Response:
    """The "Check in" button next to a name search hit."""
    participant = _participant_or_404(event, participant_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    result = services.check_in_participant(
        event, participant.id, current_user, CheckInMethod.SEARCH
    )
    _remember(event, result)
    db.session.commit()
    return redirect(url_for("checkin.desk", slug=event.slug))


@bp.route("/events/<slug>/checkin/participants/<int:participant_id>/undo", methods=["GET", "POST"])
@checkin_staff_required
def undo(event: Event, participant_id: int) -> Page:
    participant = _participant_or_404(event, participant_id)
    check_in = services.check_in_of(participant)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.undo_check_in(event, participant)
        except services.CheckInError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("checkin.desk", slug=event.slug))
        db.session.commit()
        flash(f"The check-in of {participant.full_name} is undone.", "success")
        return redirect(url_for("checkin.desk", slug=event.slug))
    if check_in is None:
        flash(f"{participant.full_name} is not checked in.", "info")
        return redirect(url_for("checkin.desk", slug=event.slug))
    return render_template(
        "checkin/undo.html",
        event=event,
        participant=participant,
        check_in=check_in,
        form=form,
        staff_name=services.staff_name,
    )


# --- organisers: figures, exports, staff ------------------------------------------------------


@bp.get("/events/<slug>/manage/checkin")
@organiser_required
def overview(event: Event) -> str:
    figures = checkin_figures(event)
    day_charts = [
        charts.timeline_chart(
            day, chart_id=f"checkins-{day.day:%Y%m%d}", bucket_minutes=figures.bucket_minutes
        )
        for day in figures.days
    ]
    return render_template(
        "checkin/overview.html",
        event=event,
        figures=figures,
        day_charts=day_charts,
        latest=services.latest_check_ins(event),
        staff_count=len(services.checkin_staff(event)),
        now=datetime.now(event.zone),
        staff_name=services.staff_name,
    )


@bp.get("/events/<slug>/manage/checkin.csv")
@organiser_required
def export_csv(event: Event) -> Response:
    return personal_download(
        exports.checkin_csv(event), CSV, dated_filename(event, "checkin", "csv")
    )


@bp.get("/events/<slug>/manage/checkin.xlsx")
@organiser_required
def export_xlsx(event: Event) -> Response:
    return personal_download(
        exports.checkin_xlsx(event), XLSX, dated_filename(event, "checkin", "xlsx")
    )


@bp.route("/events/<slug>/manage/checkin/staff", methods=["GET", "POST"])
@organiser_required
def staff(event: Event) -> Page:
    form = StaffForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is None:
            form.email.errors.append("No account uses this e-mail address. Ask them to sign up.")
        else:
            services.grant_checkin_staff(event, user)
            db.session.commit()
            flash(f"{user.email} can now check people in at {event.title}.", "success")
            return redirect(url_for("checkin.staff", slug=event.slug))
    return render_template(
        "checkin/staff.html",
        event=event,
        form=form,
        staff=services.checkin_staff(event),
    )


@bp.post("/events/<slug>/manage/checkin/staff/<int:user_id>/remove")
@organiser_required
def remove_staff(event: Event, user_id: int) -> Response:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.revoke_checkin_staff(event, user)
    except services.CheckInError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash(f"{user.email} is no longer check-in staff of {event.title}.", "success")
    return redirect(url_for("checkin.staff", slug=event.slug))
