"""The marketplace's search form, read from the query string (a GET: no CSRF, shareable).

Choices come from the event, so a type or topic id of another event, an unknown country or
kind fails validation with a field error and is left out of the search.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from brokerage.events.models import Event
from brokerage.marketplace.search import MarketplaceFilters, SortOrder
from brokerage.registration.forms import KIND_LABELS
from brokerage.registration.models import OpportunityKind
from brokerage.templating import countries

PAGE_SIZES = (10, 20, 50)
DEFAULT_PAGE_SIZE = 20
SORT_LABELS = {
    SortOrder.RELEVANCE: "Relevance",
    SortOrder.NAME: "Name",
    SortOrder.ORGANISATION: "Organisation",
    SortOrder.NEWEST: "Newest first",
}
# The query-string names of the search, kept in every link (pages, sorting).
QUERY_FIELDS = ("q", "country", "type", "topic", "kind", "sort", "per_page")


def _choice(value: object, label: str) -> SelectChoice:
    return SelectChoice(str(value), label)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _optional_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


class MarketplaceSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(
        "Search",
        filters=[_strip],
        validators=[Optional(), Length(max=200, message="Please use at most 200 characters.")],
    )
    country = SelectField("Country", validators=[Optional()])
    type = SelectField("Organisation type", coerce=_optional_int, validators=[Optional()])
    topic = SelectField("Topic", coerce=_optional_int, validators=[Optional()])
    kind = SelectField(
        "Opportunity",
        choices=[_choice("", "Any opportunity")]
        + [_choice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[Optional()],
    )
    sort = SelectField(
        "Sort by",
        choices=[_choice(order.value, label) for order, label in SORT_LABELS.items()],
        validators=[Optional()],
    )
    per_page = SelectField(
        "Per page",
        coerce=_optional_int,
        choices=[_choice(size, str(size)) for size in PAGE_SIZES],
        validators=[Optional()],
    )

    def __init__(self, *args: Any, event: Event, country_codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = dict(countries())
        self.country.choices = [_choice("", "Any country")] + [
            _choice(code, names.get(code, code))
            for code in sorted(country_codes, key=lambda code: names.get(code, code))
        ]
        self.type.choices = [_choice("", "Any type")] + [
            _choice(participant_type.id, participant_type.name)
            for participant_type in event.participant_types
        ]
        self.topic.choices = [_choice("", "Any topic")] + [
            _choice(topic.id, topic.name) for topic in event.topics
        ]

    def _valid(self, name: str) -> Any:
        field = self[name]
        return None if field.errors or field.data in (None, "") else field.data

    @property
    def query(self) -> str:
        return self._valid("q") or ""

    def to_filters(self) -> MarketplaceFilters:
        """The valid filters; an invalid one (shown as a field error) is left out."""
        kind = self._valid("kind")
        return MarketplaceFilters(
            country=self._valid("country"),
            type_id=self._valid("type"),
            topic_id=self._valid("topic"),
            kind=OpportunityKind(kind) if kind else None,
        )

    @property
    def sort_order(self) -> SortOrder:
        """Relevance needs a query; without one, or when unknown, results go by name."""
        value = self._valid("sort")
        if value is None:
            return SortOrder.RELEVANCE if self.query else SortOrder.NAME
        order = SortOrder(value)
        if order is SortOrder.RELEVANCE and not self.query:
            return SortOrder.NAME
        return order

    @property
    def page_size(self) -> int:
        return self._valid("per_page") or DEFAULT_PAGE_SIZE
