"""The participant's agenda: web page, PDF, iCalendar download and subscribable feed.

Access:
- /events/<slug>/agenda, .pdf, .ics and the feed-regeneration POST: approved participants of
  the event, for their own agenda only (others 403; anonymous users go to the login page).
- /calendar/<token>.ics: no login; the token is the credential (unknown or revoked: 404).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from brokerage.access import get_event_or_404
from brokerage.agendas import feeds
from brokerage.agendas.documents import agenda_pdf
from brokerage.agendas.ics import agenda_ics
from brokerage.agendas.services import agenda_for, waiting_for
from brokerage.attendance.services import feedback_by_request
from brokerage.downloads import PDF, personal_download
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.meetings.services import participant_for
from brokerage.registration.models import Participant

bp = Blueprint("agendas", __name__)

ICS_TYPE = "text/calendar; charset=utf-8"


class RegenerateFeedForm(FlaskForm):
    """Only the CSRF token: the button revokes the old feed URL."""


def _own_participant(event: Event) -> Participant:
    participant = participant_for(event, current_user)
    if participant is None or not participant.is_approved:
        abort(403, "Only approved participants of this event have an agenda.")
    return participant


def _download_name(event: Event, participant: Participant, extension: str) -> str:
    return f"agenda-{event.slug}-{participant.id}.{extension}"


@bp.get("/events/<slug>/agenda")
@login_required
def agenda(slug: str) -> str:
    event = get_event_or_404(slug)
    participant = _own_participant(event)
    feed, created = feeds.ensure_feed(participant)
    if created:
        db.session.commit()
    return render_template(
        "agendas/agenda.html",
        event=event,
        participant=participant,
        agenda=agenda_for(event, participant),
        waiting=waiting_for(event, participant),
        feed_url=url_for(".feed", token=feeds.feed_token(feed), _external=True),
        regenerate_form=RegenerateFeedForm(),
        feedback_by_request=feedback_by_request(participant),
        now=datetime.now(UTC),
    )


@bp.post("/events/<slug>/agenda/feed")
@login_required
def regenerate_feed(slug: str) -> Response:
    event = get_event_or_404(slug)
    participant = _own_participant(event)
    form = RegenerateFeedForm()
    if form.validate_on_submit():
        feeds.regenerate_feed(participant)
        db.session.commit()
        flash("Your calendar feed has a new link. The old link no longer works.", "success")
    else:
        flash("The form expired: please try again.", "warning")
    return redirect(url_for(".agenda", slug=event.slug, _anchor="calendar"))


@bp.get("/events/<slug>/agenda.pdf")
@login_required
def agenda_pdf_download(slug: str) -> Response:
    event = get_event_or_404(slug)
    participant = _own_participant(event)
    document = agenda_pdf(agenda_for(event, participant))
    return personal_download(document, PDF, _download_name(event, participant, "pdf"), inline=True)


@bp.get("/events/<slug>/agenda.ics")
@login_required
def agenda_ics_download(slug: str) -> Response:
    event = get_event_or_404(slug)
    participant = _own_participant(event)
    return personal_download(
        agenda_ics(agenda_for(event, participant, with_timeline=False)),
        ICS_TYPE,
        _download_name(event, participant, "ics"),
    )


@bp.get("/calendar/<token>.ics")
def feed(token: str) -> Response:
    calendar_feed = feeds.feed_for_token(token)
    if calendar_feed is None or not calendar_feed.participant.is_approved:
        abort(404)
    participant = calendar_feed.participant
    body = agenda_ics(agenda_for(participant.event, participant, with_timeline=False))
    if feeds.record_fetch(calendar_feed):
        db.session.commit()
    return Response(
        body,
        mimetype=ICS_TYPE,
        headers={"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"},
    )
