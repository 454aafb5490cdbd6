"""The organiser's print-outs and exports: all agendas, table sheets, CSV/XLSX, reprints.

Access: organisers of the event and admins (others 403, anonymous users go to the login
page), under /events/<slug>/manage/prints. Every document shows the PUBLISHED schedule only;
before anything is published they refuse with a message on the print-outs page. Downloads
that record what was printed are POSTs (they change state) and answer with the file.
"""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as BaseResponse

from brokerage.access import organiser_required
from brokerage.agendas.documents import agendas_pdf
from brokerage.agendas.exports import schedule_counts, schedule_csv, schedule_rows, schedule_xlsx
from brokerage.agendas.reprint import email_agendas, record_printed, reprint_status
from brokerage.agendas.table_sheets import schedule_days, table_sheets, table_sheets_pdf
from brokerage.downloads import CSV, PDF, XLSX, dated_filename, personal_download
from brokerage.events.models import Event
from brokerage.extensions import db

bp = Blueprint("agenda_prints", __name__)

NOT_PUBLISHED = "There is no published schedule yet: publish a run first, then print."
NO_PARTICIPANTS = "There are no approved participants, so there are no agendas to print."
NO_TABLES = "The event has no tables or booths yet, so there are no table sheets to print."
NOTHING_CHANGED = "No agenda has changed since the last print."
RACED = "Someone else printed or e-mailed agendas at the same moment: please try again."
# Each e-mail carries its own PDF (about 0.2 s to render), so one request sends a bounded
# batch; the rest stay "changed" and the next press sends them.
EMAIL_BATCH = 50


def _commit() -> bool:
    """Commit the print records; False when a concurrent request recorded the same agendas."""
    try:
        db.session.commit()
    except IntegrityError:  # two first prints of one agenda: PrintedAgenda is one per person
        db.session.rollback()
        flash(RACED, "error")
        return False
    return True


def _refuse_unpublished(event: Event) -> BaseResponse:
    flash(NOT_PUBLISHED, "error")
    return redirect(url_for(".index", slug=event.slug))


@bp.get("/events/<slug>/manage/prints")
@organiser_required
def index(event: Event) -> str:
    published = event.published_run_id is not None
    return render_template(
        "agendas/manage/prints.html",
        event=event,
        published=published,
        counts=schedule_counts(event),
        days=schedule_days(event),
        changed_count=len(reprint_status(event).changed) if published else 0,
    )


@bp.get("/events/<slug>/manage/prints/schedule.csv")
@organiser_required
def schedule_csv_download(event: Event) -> BaseResponse:
    if event.published_run_id is None:
        return _refuse_unpublished(event)
    data = schedule_csv(schedule_rows(event))
    return personal_download(data, CSV, dated_filename(event, "schedule", "csv"))


@bp.get("/events/<slug>/manage/prints/schedule.xlsx")
@organiser_required
def schedule_xlsx_download(event: Event) -> BaseResponse:
    if event.published_run_id is None:
        return _refuse_unpublished(event)
    data = schedule_xlsx(schedule_rows(event), event)
    return personal_download(data, XLSX, dated_filename(event, "schedule", "xlsx"))


@bp.get("/events/<slug>/manage/prints/table-sheets.pdf")
@organiser_required
def table_sheets_download(event: Event) -> BaseResponse:
    """Every table's sheet, for every day or for one (?day=YYYY-MM-DD; another day: 404)."""
    day = _day_or_404(event, request.args.get("day"))
    if event.published_run_id is None:
        return _refuse_unpublished(event)
    sheets = table_sheets(event, day)
    if not sheets:
        flash(NO_TABLES, "error")
        return redirect(url_for(".index", slug=event.slug))
    data = table_sheets_pdf(event, sheets)
    name = f"table-sheets-{day.isoformat()}" if day else "table-sheets"
    return personal_download(data, PDF, dated_filename(event, name, "pdf"))


def _day_or_404(event: Event, text: str | None) -> date | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(404)
    if day not in schedule_days(event):
        abort(404)
    return day


@bp.post("/events/<slug>/manage/prints/agendas.pdf")
@organiser_required
def all_agendas(event: Event) -> BaseResponse:
    """Every approved participant's agenda in one PDF; all recorded as printed."""
    if event.published_run_id is None:
        return _refuse_unpublished(event)
    status = reprint_status(event)
    if not status.statuses:
        flash(NO_PARTICIPANTS, "error")
        return redirect(url_for(".index", slug=event.slug))
    data = agendas_pdf(status.agendas)
    record_printed(status.statuses)
    if not _commit():
        return redirect(url_for(".index", slug=event.slug))
    return personal_download(data, PDF, dated_filename(event, "agendas", "pdf"))


@bp.get("/events/<slug>/manage/prints/reprint")
@organiser_required
def reprint(event: Event) -> str:
    published = event.published_run_id is not None
    status = reprint_status(event) if published else None
    return render_template(
        "agendas/manage/reprint.html",
        event=event,
        published=published,
        status=status,
        changed=status.changed if status else [],
        email_batch=EMAIL_BATCH,
    )


@bp.post("/events/<slug>/manage/prints/reprint/changed.pdf")
@organiser_required
def changed_agendas(event: Event) -> BaseResponse:
    """The agendas that changed since they were last printed, in one PDF; recorded."""
    if event.published_run_id is None:
        return _refuse_unpublished(event)
    changed = reprint_status(event).changed
    if not changed:
        flash(NOTHING_CHANGED, "info")
        return redirect(url_for(".reprint", slug=event.slug))
    data = agendas_pdf([status.agenda for status in changed])
    record_printed(changed)
    if not _commit():
        return redirect(url_for(".reprint", slug=event.slug))
    return personal_download(data, PDF, dated_filename(event, "agendas-changed", "pdf"))


@bp.post("/events/<slug>/manage/prints/reprint/email")
@organiser_required
def email_changed(event: Event) -> BaseResponse:
    """E-mail each participant whose agenda changed their new agenda as a PDF; recorded."""
    if event.published_run_id is None:
        return _refuse_unpublished(event)
    changed = reprint_status(event).changed
    if not changed:
        flash(NOTHING_CHANGED, "info")
        return redirect(url_for(".reprint", slug=event.slug))
    sent = email_agendas(event, changed[:EMAIL_BATCH])
    if not _commit():  # the rollback drops the queued e-mails too
        return redirect(url_for(".reprint", slug=event.slug))
    left = len(changed) - sent
    flash(
        f"Updated agenda{'' if sent == 1 else 's'} e-mailed to {sent} "
        f"participant{'' if sent == 1 else 's'}."
        + (f" {left} more to send: press the button again." if left else ""),
        "success",
    )
    return redirect(url_for(".reprint", slug=event.slug))
