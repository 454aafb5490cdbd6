"""Full-text search over the marketplace, behind one function: `search_participants`.

The search index is one table, `participant_search`, with a row per participant (any
status; the query keeps to listed participants) holding four texts: the name, the
organisation, a description (job title, city, organisation description, topics) and the
opportunities (titles and descriptions). It is not a model because its shape differs by
backend:

- SQLite: an FTS5 virtual table whose rowid is the participant id, ranked by bm25();
- PostgreSQL: a plain table with a stored generated tsvector column (weights A-D per text)
  under a GIN index, ranked by ts_rank().

`create_all()` builds it through the DDL listeners at the bottom of this module; the same
statements (`search_table_ddl(dialect)`) go into the migration. The services that change a
participant call `reindex_participant()`; bulk loaders call `reindex_event()`.

User queries never reach the search syntax as typed: they are split into words, each word
is quoted, and the last one matches as a prefix, so "' OR 1=1 --" is simply three words.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import (
    DDL,
    Connection,
    Select,
    bindparam,
    column,
    delete,
    event,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.expression import ColumnClause, Subquery, TableClause

from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import (
    Opportunity,
    OpportunityKind,
    Organisation,
    Participant,
    ParticipantStatus,
    opportunity_topics,
    participant_topics,
)

SEARCH_TABLE = "participant_search"
# FTS5 keeps its data in shadow tables named after the virtual table; a migration filter
# (alembic include_object) should skip all of these.
SQLITE_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")
# Column weights: a match in the name counts most, then the organisation, the
# opportunities, and the free description last.
SQLITE_WEIGHTS = (10.0, 5.0, 1.0, 2.0)  # name, organisation, description, opportunities
MAX_TERMS = 12
MAX_TERM_LENGTH = 60
_WORD = re.compile(r"[^\W_]+")
_TEXT_COLUMNS = ("name", "organisation", "description", "opportunities")


def search_table_ddl(dialect_name: str) -> list[str]:
    """The statements that create the search table on this backend (also for the migration)."""
    if dialect_name == "sqlite":
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5("
            "name, organisation, description, opportunities, "
            "event_id UNINDEXED, indexed_at UNINDEXED, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        ]
    if dialect_name == "postgresql":
        return [
            f"CREATE TABLE IF NOT EXISTS {SEARCH_TABLE} ("
            "participant_id INTEGER PRIMARY KEY "
            "REFERENCES participants (id) ON DELETE CASCADE, "
            "event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE, "
            "name TEXT NOT NULL DEFAULT '', "
            "organisation TEXT NOT NULL DEFAULT '', "
            "description TEXT NOT NULL DEFAULT '', "
            "opportunities TEXT NOT NULL DEFAULT '', "
            "indexed_at BIGINT NOT NULL DEFAULT 0, "
            "document TSVECTOR GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple', name), 'A') || "
            "setweight(to_tsvector('simple', organisation), 'B') || "
            "setweight(to_tsvector('simple', opportunities), 'C') || "
            "setweight(to_tsvector('simple', description), 'D')) STORED)",
            f"CREATE INDEX IF NOT EXISTS ix_{SEARCH_TABLE}_document "
            f"ON {SEARCH_TABLE} USING GIN (document)",
            f"CREATE INDEX IF NOT EXISTS ix_{SEARCH_TABLE}_event_id ON {SEARCH_TABLE} (event_id)",
        ]
    raise NotImplementedError(f"no full-text search for the {dialect_name} backend")


def is_search_table(name: str) -> bool:
    """Whether a table belongs to the search index (for alembic's include_object)."""
    return name == SEARCH_TABLE or any(
        name == SEARCH_TABLE + suffix for suffix in SQLITE_SHADOW_SUFFIXES
    )


def include_in_migrations(
    object_: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's include_object: the search index has its own DDL, so migrations skip it."""
    table_name = name if type_ == "table" else getattr(getattr(object_, "table", None), "name", "")
    return not is_search_table(table_name or "")


def _create_search_table(target: object, connection: Connection, **kw: object) -> None:
    for statement in search_table_ddl(connection.dialect.name):
        connection.execute(DDL(statement))


def _drop_search_table(target: object, connection: Connection, **kw: object) -> None:
    # Before the models' tables: on PostgreSQL it references participants and events.
    connection.execute(DDL(f"DROP TABLE IF EXISTS {SEARCH_TABLE}"))


event.listen(db.metadata, "after_create", _create_search_table)
event.listen(db.metadata, "before_drop", _drop_search_table)


# --- keeping the index up to date ----------------------------------------------------------


def _documents(participants: Iterable[Participant]) -> list[dict[str, object]]:
    stamp = time.time_ns()  # a version for caches built on the index (see suggestions)
    rows = []
    for participant in participants:
        organisation = participant.organisation
        topics = {topic.name for topic in participant.topics}
        for opportunity in participant.opportunities:
            topics.update(topic.name for topic in opportunity.topics)
        description = " ".join(
            part
            for part in (
                participant.job_title,
                organisation.city,
                organisation.description,
                " ".join(sorted(topics)),
            )
            if part
        )
        opportunities = " ".join(
            f"{opportunity.title} {opportunity.description}"
            for opportunity in participant.opportunities
        )
        rows.append(
            {
                "participant_id": participant.id,
                "event_id": participant.event_id,
                "name": participant.full_name,
                "organisation": organisation.name,
                "description": description,
                "opportunities": opportunities,
                "indexed_at": stamp,
            }
        )
    return rows


def search_table() -> TableClause:
    """The search table as a SQL expression; its key column is `participant_id` on both
    backends (FTS5's rowid under that label on SQLite)."""
    key = "rowid" if db.session.get_bind().dialect.name == "sqlite" else "participant_id"
    return table(
        SEARCH_TABLE,
        column(key),
        *(column(name) for name in _TEXT_COLUMNS),
        column("event_id"),
        column("indexed_at"),
    )


def _key(search: TableClause) -> ColumnClause:
    return search.c.get("rowid", search.c.get("participant_id"))


def _insert(search: TableClause, rows: list[dict[str, object]]) -> None:
    if rows:
        key = _key(search).name
        db.session.execute(
            insert(search), [{key: row.pop("participant_id"), **row} for row in rows]
        )


def reindex_participant(participant: Participant) -> None:
    """Write the participant's search row again; call after any change to them (flushes)."""
    db.session.flush()
    search = search_table()
    db.session.execute(delete(search).where(_key(search) == participant.id))
    _insert(search, _documents([participant]))


def reindex_event(event_: Event) -> int:
    """Rebuild the search rows of every participant of the event; returns how many."""
    db.session.flush()
    participants = db.session.scalars(
        select(Participant)
        .where(Participant.event_id == event_.id)
        .options(
            joinedload(Participant.organisation),
            selectinload(Participant.topics),
            selectinload(Participant.opportunities).selectinload(Opportunity.topics),
        )
    ).all()
    search = search_table()
    db.session.execute(
        delete(search).where(
            or_(
                search.c.event_id == event_.id,
                _key(search).in_(select(Participant.id).where(Participant.event_id == event_.id)),
            )
        )
    )
    _insert(search, _documents(participants))
    return len(participants)


def index_version(event_: Event) -> tuple[int, int]:
    """(rows, newest write) of the event's search rows: changes whenever a row is rewritten."""
    search = search_table()
    count, newest = db.session.execute(
        select(func.count(), func.coalesce(func.max(search.c.indexed_at), 0)).where(
            search.c.event_id == event_.id
        )
    ).one()
    return int(count), int(newest)


# --- queries -------------------------------------------------------------------------------


class SortOrder(StrEnum):
    RELEVANCE = "relevance"
    NAME = "name"
    ORGANISATION = "organisation"
    NEWEST = "newest"


@dataclass
class MarketplaceFilters:
    country: str | None = None
    type_id: int | None = None
    topic_id: int | None = None
    kind: OpportunityKind | None = None


@dataclass
class SearchPage:
    """One page of results, shaped like Flask-SQLAlchemy's Pagination for the templates."""

    items: list[Participant]
    total: int
    page: int
    per_page: int
    query: str = ""
    terms: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self, edge: int = 2, around: int = 2) -> Iterable[int | None]:
        """Page numbers to show, with None where a gap is elided."""
        last = 0
        for number in range(1, self.pages + 1):
            if number <= edge or number > self.pages - edge or abs(number - self.page) <= around:
                if last and number - last > 1:
                    yield None
                yield number
                last = number


def query_terms(query: str) -> list[str]:
    """The words of a user's query, lower-cased, bounded in number and length."""
    words = _WORD.findall(query.lower())
    return [word[:MAX_TERM_LENGTH] for word in words[:MAX_TERMS]]


def fts5_match(terms: Sequence[str]) -> str:
    """An FTS5 MATCH expression: every word quoted (so no syntax), the last one a prefix."""
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    quoted[-1] += "*"
    return " ".join(quoted)


def tsquery_text(terms: Sequence[str]) -> str:
    """A to_tsquery() text: words joined by AND, the last one a prefix.

    The words hold letters and digits only, so they cannot form tsquery operators; each is
    quoted anyway.
    """
    quoted = ["'" + term.replace("'", "''") + "'" for term in terms]
    quoted[-1] += ":*"
    return " & ".join(quoted)


def listed_participants(event_: Event) -> Select[tuple[Participant]]:
    """Participants shown in the marketplace: approved, and they agreed to be listed."""
    return select(Participant).where(
        Participant.event_id == event_.id,
        Participant.status == ParticipantStatus.APPROVED,
        Participant.marketplace_consent.is_(True),
    )


def _ranked_matches(event_: Event, terms: list[str]) -> Subquery:
    """(participant_id, rank) of the event's rows matching every term; lower rank is better."""
    search = search_table()
    if db.session.get_bind().dialect.name == "sqlite":
        matches = (
            select(
                _key(search).label("participant_id"),
                func.bm25(literal_column(SEARCH_TABLE), *SQLITE_WEIGHTS).label("rank"),
            )
            .select_from(search)
            .where(
                literal_column(SEARCH_TABLE).op("MATCH")(bindparam("match", fts5_match(terms))),
                search.c.event_id == event_.id,
            )
        )
    else:
        tsquery = func.to_tsquery("simple", bindparam("match", tsquery_text(terms)))
        document = literal_column("document")
        matches = (
            select(
                _key(search).label("participant_id"),
                (-func.ts_rank(document, tsquery)).label("rank"),
            )
            .select_from(search)
            .where(document.op("@@")(tsquery), search.c.event_id == event_.id)
        )
    return matches.subquery("matches")


def search_participants(
    event_: Event,
    query: str,
    filters: MarketplaceFilters,
    sort: SortOrder,
    page: int,
    per_page: int,
) -> SearchPage:
    """A page of listed participants matching the query and filters.

    Costs the same number of SQL statements whatever the page size: a count, the page, and
    one per eager-loaded collection (organisation and type are joined).
    """
    terms = query_terms(query)
    statement = listed_participants(event_).join(Participant.organisation)
    if filters.country:
        statement = statement.where(Organisation.country == filters.country)
    if filters.type_id is not None:
        statement = statement.where(Organisation.type_id == filters.type_id)
    if filters.topic_id is not None:
        # Topics of the participant or of any of their opportunities.
        own_topic = exists().where(
            participant_topics.c.participant_id == Participant.id,
            participant_topics.c.topic_id == filters.topic_id,
        )
        opportunity_topic = exists().where(
            Opportunity.participant_id == Participant.id,
            opportunity_topics.c.opportunity_id == Opportunity.id,
            opportunity_topics.c.topic_id == filters.topic_id,
        )
        statement = statement.where(or_(own_topic, opportunity_topic))
    if filters.kind is not None:
        statement = statement.where(
            exists().where(
                Opportunity.participant_id == Participant.id, Opportunity.kind == filters.kind
            )
        )

    order = []
    counted = statement
    if terms:
        matches = _ranked_matches(event_, terms)
        # Counted with IN: SQLite runs the full-text match once. Joined (below) it would be
        # run again for every participant row, a hundred times slower on a large event.
        counted = statement.where(Participant.id.in_(select(matches.c.participant_id)))
        statement = statement.join(matches, matches.c.participant_id == Participant.id)
        if sort is SortOrder.RELEVANCE:
            order.append(matches.c.rank)
    if sort is SortOrder.ORGANISATION:
        order.append(func.lower(Organisation.name))
    elif sort is SortOrder.NEWEST:
        order.append(Participant.created_at.desc())
    order += [func.lower(Participant.last_name), func.lower(Participant.first_name)]
    order.append(Participant.id)  # a stable order, so pages never overlap

    total = (
        db.session.scalar(counted.with_only_columns(func.count(Participant.id)).order_by(None)) or 0
    )
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    items = db.session.scalars(
        statement.order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .options(
            joinedload(Participant.organisation).joinedload(Organisation.type),
            selectinload(Participant.topics),
            selectinload(Participant.opportunities),
        )
    ).all()
    return SearchPage(
        items=list(items), total=total, page=page, per_page=per_page, query=query, terms=terms
    )
