"""Suggestions: the listed participants a viewer would most likely want to meet, with why.

The score of another participant for the viewer adds two parts:

- topic overlap: the Jaccard index of the two topic sets (their own topics and those of
  their opportunities);
- text similarity: the best cosine similarity, in a TF-IDF space fitted on all the event's
  opportunities, between one side's request and the other side's offer (both directions),
  or between two partnerships sought.

The TF-IDF model of an event (scikit-learn's TfidfVectorizer) is built once and cached per
process, keyed by the event id and the search index's version (`search.index_version`),
which changes on every write to a participant; a viewer's page then costs a few cheap
queries and one small sparse product. scikit-learn is imported inside the builder: it is a
slow import the rest of the app does not need.

People the viewer already has a request with (pending, accepted or declined, in either
direction) are left out; so are the viewer and anyone not listed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from brokerage.events.models import Event, Topic
from brokerage.extensions import db
from brokerage.marketplace.search import index_version, listed_participants
from brokerage.meetings.models import MeetingRequest, RequestStatus
from brokerage.registration.models import (
    Opportunity,
    OpportunityKind,
    Organisation,
    Participant,
    opportunity_topics,
    participant_topics,
)

if TYPE_CHECKING:
    import numpy as np

TOPIC_WEIGHT = 0.4
TEXT_WEIGHT = 0.6
# Below this cosine similarity, two texts share too little to name as a reason.
MIN_TEXT_SIMILARITY = 0.08
DEFAULT_LIMIT = 20
CACHE_SIZE = 8
EXCLUDING_STATUSES = (RequestStatus.PENDING, RequestStatus.ACCEPTED, RequestStatus.DECLINED)

# Which kinds of opportunity answer which: (the viewer's kind, the other's kind).
ANSWERS = {
    (OpportunityKind.REQUEST, OpportunityKind.OFFER),
    (OpportunityKind.OFFER, OpportunityKind.REQUEST),
    (OpportunityKind.PARTNERSHIP, OpportunityKind.PARTNERSHIP),
}


@dataclass(frozen=True)
class OpportunityText:
    id: int
    participant_id: int
    kind: OpportunityKind
    title: str


@dataclass
class EventModel:
    """The cached, per-event part: TF-IDF rows of every listed participant's opportunities."""

    participant_ids: list[int]
    topics: dict[int, frozenset[int]]  # participant id -> topic ids
    opportunities: list[OpportunityText]  # one per matrix row
    matrix: Any  # scipy sparse, L2-normalised rows


@dataclass
class Suggestion:
    participant: Participant
    score: float
    shared_topics: list[str]
    matches: list[str]  # e.g. "their offer “X” matches your request “Y”"

    @property
    def reason(self) -> str:
        parts = []
        if self.shared_topics:
            parts.append("shared topics: " + ", ".join(self.shared_topics))
        parts.extend(self.matches)
        return "; ".join(parts)


_cache: OrderedDict[tuple[int, tuple[int, int]], EventModel] = OrderedDict()
_cache_lock = threading.Lock()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _build_model(event: Event) -> EventModel:
    from sklearn.feature_extraction.text import TfidfVectorizer  # slow import: kept local

    listed = listed_participants(event).with_only_columns(Participant.id)
    participant_ids = list(db.session.scalars(listed.order_by(Participant.id)))
    topics: dict[int, set[int]] = defaultdict(set)
    for participant_id, topic_id in db.session.execute(
        select(participant_topics.c.participant_id, participant_topics.c.topic_id).where(
            participant_topics.c.participant_id.in_(listed)
        )
    ):
        topics[participant_id].add(topic_id)
    for participant_id, topic_id in db.session.execute(
        select(Opportunity.participant_id, opportunity_topics.c.topic_id)
        .join(opportunity_topics, opportunity_topics.c.opportunity_id == Opportunity.id)
        .where(Opportunity.participant_id.in_(listed))
    ):
        topics[participant_id].add(topic_id)
    rows = db.session.execute(
        select(
            Opportunity.id,
            Opportunity.participant_id,
            Opportunity.kind,
            Opportunity.title,
            Opportunity.description,
        )
        .where(Opportunity.participant_id.in_(listed))
        .order_by(Opportunity.id)
    ).all()
    opportunities = [OpportunityText(row[0], row[1], row[2], row[3]) for row in rows]
    matrix = None
    if rows:
        vectorizer = TfidfVectorizer(
            strip_accents="unicode", stop_words="english", sublinear_tf=True, ngram_range=(1, 2)
        )
        try:
            # The title twice: it says what the opportunity is about more than the details.
            matrix = vectorizer.fit_transform(f"{row[3]} {row[3]} {row[4]}" for row in rows)
        except ValueError:  # nothing but stop words in the whole event
            matrix = None
    return EventModel(
        participant_ids=participant_ids,
        topics={key: frozenset(value) for key, value in topics.items()},
        opportunities=opportunities,
        matrix=matrix,
    )


def event_model(event: Event) -> EventModel:
    """The event's model from the cache, rebuilt when the search index has changed."""
    key = (event.id, index_version(event))
    with _cache_lock:
        model = _cache.get(key)
        if model is not None:
            _cache.move_to_end(key)
            return model
    model = _build_model(event)
    with _cache_lock:
        for stale in [k for k in _cache if k[0] == event.id]:
            del _cache[stale]
        _cache[key] = model
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return model


def _already_asked(event: Event, viewer: Participant) -> set[int]:
    rows = db.session.execute(
        select(MeetingRequest.sender_id, MeetingRequest.recipient_id).where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.status.in_(EXCLUDING_STATUSES),
            or_(MeetingRequest.sender_id == viewer.id, MeetingRequest.recipient_id == viewer.id),
        )
    )
    return {recipient if sender == viewer.id else sender for sender, recipient in rows}


def _best_text_matches(
    model: EventModel, viewer: Participant
) -> dict[int, tuple[float, OpportunityText, OpportunityText]]:
    """Per other participant: (similarity, their opportunity, the viewer's opportunity)."""
    import numpy as np

    if model.matrix is None:
        return {}
    own_rows = [
        index for index, item in enumerate(model.opportunities) if item.participant_id == viewer.id
    ]
    if not own_rows:
        return {}
    # Rows are L2-normalised by the vectorizer, so the product is the cosine similarity.
    similarity = (model.matrix[own_rows] @ model.matrix.T).toarray()
    kinds = np.array([item.kind.value for item in model.opportunities])
    for position, index in enumerate(own_rows):
        own_kind = model.opportunities[index].kind
        answers = [other for mine, other in ANSWERS if mine is own_kind]
        similarity[position, ~np.isin(kinds, [kind.value for kind in answers])] = 0.0
    best_row: np.ndarray = similarity.argmax(axis=0)
    best: np.ndarray = similarity.max(axis=0)
    found: dict[int, tuple[float, OpportunityText, OpportunityText]] = {}
    for column in np.flatnonzero(best >= MIN_TEXT_SIMILARITY):
        theirs = model.opportunities[column]
        if theirs.participant_id == viewer.id:
            continue
        value = float(best[column])
        current = found.get(theirs.participant_id)
        if current is None or value > current[0]:
            mine = model.opportunities[own_rows[int(best_row[column])]]
            found[theirs.participant_id] = (value, theirs, mine)
    return found


def _describe(theirs: OpportunityText, mine: OpportunityText) -> str:
    if theirs.kind is OpportunityKind.PARTNERSHIP:
        return f"their partnership “{theirs.title}” fits your partnership “{mine.title}”"
    return (
        f"their {theirs.kind.value} “{theirs.title}” matches your {mine.kind.value} “{mine.title}”"
    )


def suggest_for(event: Event, viewer: Participant, limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
    """The participants most worth meeting for the viewer, best first, each with reasons."""
    model = event_model(event)
    excluded = _already_asked(event, viewer) | {viewer.id}
    own_topics = model.topics.get(viewer.id, frozenset())
    text_matches = _best_text_matches(model, viewer)

    scored: list[tuple[float, int, frozenset[int]]] = []
    for participant_id in model.participant_ids:
        if participant_id in excluded:
            continue
        their_topics = model.topics.get(participant_id, frozenset())
        shared = own_topics & their_topics
        union = own_topics | their_topics
        topic_score = len(shared) / len(union) if union else 0.0
        text_score = text_matches[participant_id][0] if participant_id in text_matches else 0.0
        score = TOPIC_WEIGHT * topic_score + TEXT_WEIGHT * text_score
        if score > 0:
            scored.append((score, participant_id, shared))
    scored.sort(key=lambda item: (-item[0], item[1]))
    top = scored[:limit]
    if not top:
        return []

    participants = {
        participant.id: participant
        for participant in db.session.scalars(
            select(Participant)
            .where(Participant.id.in_([participant_id for _, participant_id, _ in top]))
            .options(
                joinedload(Participant.organisation).joinedload(Organisation.type),
                selectinload(Participant.topics),
                selectinload(Participant.opportunities),
            )
        )
    }
    shared_ids = set().union(*(shared for _, _, shared in top))
    topic_names = (
        dict(db.session.execute(select(Topic.id, Topic.name).where(Topic.id.in_(shared_ids))).all())
        if shared_ids
        else {}
    )
    suggestions = []
    for score, participant_id, shared in top:
        match = text_matches.get(participant_id)
        suggestions.append(
            Suggestion(
                participant=participants[participant_id],
                score=score,
                shared_topics=sorted(topic_names[topic_id] for topic_id in shared),
                matches=[_describe(match[1], match[2])] if match else [],
            )
        )
    return suggestions
