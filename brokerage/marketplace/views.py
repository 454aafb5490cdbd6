"""Marketplace pages: the searchable list, suggestions, and a participant's profile.

Access (see services.viewer_of): logged in, and an approved participant of the event or one
of its organisers; anonymous users go to the login page, anyone else gets a 403 that says
to register. Only listed participants (approved, consenting) appear, and the profile of
anyone else, or of another event's participant, is a 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from brokerage.access import get_event_or_404
from brokerage.events.models import Event
from brokerage.marketplace import services
from brokerage.marketplace.forms import QUERY_FIELDS, SORT_LABELS, MarketplaceSearchForm
from brokerage.marketplace.search import search_participants
from brokerage.marketplace.suggestions import suggest_for
from brokerage.meetings.models import RequestStatus
from brokerage.meetings.services import request_status_between
from brokerage.pagination import requested_page
from brokerage.registration.forms import KIND_LABELS
from brokerage.registration.models import OpportunityKind, Participant

bp = Blueprint("marketplace", __name__)


@bp.app_template_global()
def may_browse_marketplace(event: Event) -> bool:
    """For the event navigation: whether to show the Marketplace link."""
    return current_user.is_authenticated and services.may_browse(event, current_user)


@bp.app_template_global()
def meeting_request_url(event: Event, participant: Participant) -> str:
    # The meetings blueprint owns this page; link by path until its endpoint exists.
    if "meetings.new_request" in current_app.view_functions:
        return url_for("meetings.new_request", slug=event.slug, participant_id=participant.id)
    return f"/events/{event.slug}/requests/new/{participant.id}"


@bp.app_template_global()
def opportunity_kind_label(kind: OpportunityKind) -> str:
    # A global (not a context variable) so imported macros see it too.
    return KIND_LABELS[kind]


def _statuses(
    event: Event, viewer: Participant | None, participants: list[Participant]
) -> dict[int, RequestStatus]:
    """The viewer's request status with each shown participant (one query)."""
    if viewer is None:
        return {}
    return request_status_between(event, [participant.id for participant in participants], viewer)


def _event_and_viewer(slug: str) -> tuple[Event, Participant | None]:
    event = get_event_or_404(slug)
    try:
        viewer = services.viewer_of(event, current_user)
    except services.MarketplaceClosed as refusal:
        abort(403, str(refusal))
    return event, viewer


@bp.route("/events/<slug>/marketplace")
@login_required
def index(slug: str) -> str:
    event, viewer = _event_and_viewer(slug)
    form = MarketplaceSearchForm(
        request.args, event=event, country_codes=services.listed_countries(event)
    )
    form.validate()
    order = form.sort_order
    results = search_participants(
        event, form.query, form.to_filters(), order, requested_page(), form.page_size
    )
    form.sort.data = order.value  # show the order actually used
    # Only the search fields go back into links (an arbitrary key could clash with url_for).
    query_args = {name: request.args[name] for name in QUERY_FIELDS if request.args.get(name)}
    return render_template(
        "marketplace/index.html",
        event=event,
        viewer=viewer,
        form=form,
        results=results,
        statuses=_statuses(event, viewer, results.items),
        query_args=query_args,
        sort_labels=SORT_LABELS,
    )


@bp.route("/events/<slug>/marketplace/suggestions")
@login_required
def suggestions(slug: str) -> str:
    event, viewer = _event_and_viewer(slug)
    found = suggest_for(event, viewer) if viewer is not None else []
    return render_template(
        "marketplace/suggestions.html",
        event=event,
        viewer=viewer,
        suggestions=found,
        statuses=_statuses(event, viewer, [item.participant for item in found]),
    )


@bp.route("/events/<slug>/marketplace/<int:participant_id>")
@login_required
def profile(slug: str, participant_id: int) -> str:
    event, viewer = _event_and_viewer(slug)
    participant = services.listed_participant_or_none(event, participant_id)
    if participant is None:
        abort(404, "This participant is not listed in the marketplace of this event.")
    return render_template(
        "marketplace/profile.html",
        event=event,
        viewer=viewer,
        participant=participant,
        status=_statuses(event, viewer, [participant]).get(participant.id),
    )
