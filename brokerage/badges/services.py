"""Badge settings, the uploaded logo, which badges to print, and the record of printing.

    settings_for(event) -> BadgeSettings          the saved row, or the defaults (not saved)
    update_settings(event, **shown) -> BadgeSettings
    set_logo(event, data) -> BadgeSettings        checked by content: PNG or safe SVG, <= 1 MB
    remove_logo(event) -> BadgeSettings
    parse_selection(args, event) -> BadgeSelection   query parameters -> filters, or BadgeError
    selected_participants(event, selection) -> list[Participant]   constant queries
    count_selected(event, selection) -> int;  selected_ids(event, selection) -> list[int]
    mark_printed(event, participant_ids, now=None) -> int

Refusals raise `BadgeError` with a message meant for the organiser. Services flush only.
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from brokerage.badges.models import BadgeSettings, PrintedBadge
from brokerage.db_types import utcnow
from brokerage.events.models import Event
from brokerage.extensions import db
from brokerage.registration.models import Organisation, Participant, ParticipantStatus

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 4000 * 4000  # far above what a badge needs; refuses decompression bombs
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PNG_MIME = "image/png"
SVG_MIME = "image/svg+xml"
LAYOUTS = ("a6", "a4")

SVG_NS = "http://www.w3.org/2000/svg"
# Static drawing elements only: no script, foreignObject, animation (which can rewrite links),
# links, iframes or external use.
SVG_ELEMENTS = frozenset(
    [
        "svg",
        "g",
        "defs",
        "symbol",
        "use",
        "title",
        "desc",
        "metadata",
        "style",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "textPath",
        "image",
        "clipPath",
        "mask",
        "pattern",
        "linearGradient",
        "radialGradient",
        "stop",
        "filter",
        "feBlend",
        "feColorMatrix",
        "feComponentTransfer",
        "feComposite",
        "feFlood",
        "feGaussianBlur",
        "feMerge",
        "feMergeNode",
        "feOffset",
        "feFuncR",
        "feFuncG",
        "feFuncB",
        "feFuncA",
        "marker",
        "switch",
    ]
)
# Other namespaces that drawing programs write (ignored by renderers) are tolerated; these
# are not: they carry active content.
FORBIDDEN_NAMESPACES = frozenset(
    {"http://www.w3.org/1999/xhtml", "http://www.w3.org/1998/Math/MathML"}
)
SAFE_HREF = re.compile(r"^(#[\w.:-]*|data:image/(png|jpeg);base64,[A-Za-z0-9+/=\s]*)$")
# url(...) in styles and presentation attributes may point inside the document only.
EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
ACTIVE_TEXT = re.compile(r"javascript:|@import|expression\(", re.IGNORECASE)


class BadgeError(ValueError):
    """A refusal meant for the organiser (bad logo, bad filter)."""


# --- settings ---------------------------------------------------------------------------


def settings_for(event: Event) -> BadgeSettings:
    """The event's badge settings; without a saved row, the defaults (not added to the session)."""
    settings = db.session.scalar(select(BadgeSettings).where(BadgeSettings.event_id == event.id))
    if settings is not None:
        return settings
    return BadgeSettings(
        event_id=event.id,
        show_organisation=True,
        show_country=True,
        show_job_title=True,
        show_participant_type=True,
        show_logo=True,
    )


def _saved_settings(event: Event) -> BadgeSettings:
    settings = settings_for(event)
    if settings.id is None:
        db.session.add(settings)
    return settings


def update_settings(
    event: Event,
    *,
    show_organisation: bool,
    show_country: bool,
    show_job_title: bool,
    show_participant_type: bool,
    show_logo: bool,
) -> BadgeSettings:
    settings = _saved_settings(event)
    settings.show_organisation = show_organisation
    settings.show_country = show_country
    settings.show_job_title = show_job_title
    settings.show_participant_type = show_participant_type
    settings.show_logo = show_logo
    settings.updated_at = utcnow()
    db.session.flush()
    return settings


# --- the logo ---------------------------------------------------------------------------


def check_logo(data: bytes) -> str:
    """The logo's MIME type, judged by its content alone; raises BadgeError if unfit."""
    if not data:
        raise BadgeError("The file is empty.")
    if len(data) > LOGO_MAX_BYTES:
        raise BadgeError(f"The logo is larger than {LOGO_MAX_BYTES // 1024} KB.")
    if data.startswith(PNG_MAGIC):
        _check_png(data)
        return PNG_MIME
    _check_svg(data)
    return SVG_MIME


def _check_png(data: bytes) -> None:
    import warnings

    from PIL import Image, UnidentifiedImageError

    too_many_pixels = BadgeError("The logo has too many pixels; 2000 × 2000 is plenty.")
    try:
        # Pillow warns, then refuses, on huge sizes declared in a tiny file: both are refusals.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != "PNG":
                    raise BadgeError("The file is not a valid PNG image.")
                width, height = image.size
                if width * height > LOGO_MAX_PIXELS:
                    raise too_many_pixels
                image.load()  # decodes every pixel: a truncated or damaged file fails here
    except BadgeError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise too_many_pixels from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise BadgeError("The file is not a valid PNG image.") from error


def _local(name: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag or attribute name."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _check_svg(data: bytes) -> None:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    refusal = "The logo must be a PNG or SVG image."
    text_start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if text_start != b"<":
        raise BadgeError(refusal)
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise BadgeError("SVG logos may not declare a DOCTYPE or entities.") from error
    except (ParseError, ValueError) as error:
        raise BadgeError(refusal) from error
    if _local(root.tag) != (SVG_NS, "svg"):
        raise BadgeError(refusal)
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments and processing instructions
            continue
        namespace, local = _local(element.tag)
        if namespace in FORBIDDEN_NAMESPACES or (namespace == SVG_NS and local not in SVG_ELEMENTS):
            raise BadgeError(f"SVG logos may not contain <{local}> elements.")
        if local == "style" and element.text and _unsafe_style(element.text):
            raise BadgeError("SVG logos may not load anything from outside the file.")
        for name, value in element.attrib.items():
            _, attribute = _local(name)
            if attribute.lower().startswith("on"):
                raise BadgeError("SVG logos may not contain event handlers (on… attributes).")
            if attribute == "href" and not SAFE_HREF.match(value.strip()):
                raise BadgeError(
                    "SVG logos may link only inside the file or embed PNG or JPEG images."
                )
            if _unsafe_style(value):
                raise BadgeError("SVG logos may not load anything from outside the file.")


def _unsafe_style(text: str) -> bool:
    return bool(EXTERNAL_URL.search(text) or ACTIVE_TEXT.search(text))


def set_logo(event: Event, data: bytes) -> BadgeSettings:
    mime = check_logo(data)
    settings = _saved_settings(event)
    settings.logo = data
    settings.logo_mime = mime
    settings.logo_updated_at = utcnow()
    db.session.flush()
    return settings


def remove_logo(event: Event) -> BadgeSettings:
    settings = _saved_settings(event)
    settings.logo = None
    settings.logo_mime = None
    settings.logo_updated_at = utcnow()
    db.session.flush()
    return settings


# --- which badges to print ----------------------------------------------------------------


@dataclass(frozen=True)
class BadgeSelection:
    """Filters over the event's approved participants; the defaults select all of them."""

    layout: str = "a6"
    type_id: int | None = None
    not_printed: bool = False
    since: date | None = None

    def query_args(self) -> dict[str, str]:
        """The filters as query parameters (links, the print form's hidden fields)."""
        args = {"layout": self.layout}
        if self.type_id is not None:
            args["type"] = str(self.type_id)
        if self.not_printed:
            args["not_printed"] = "1"
        if self.since is not None:
            args["since"] = self.since.isoformat()
        return args


def parse_selection(args: Mapping[str, str], event: Event) -> BadgeSelection:
    """Query parameters to a selection; a BadgeError names the first bad value."""
    layout = args.get("layout", "") or "a6"
    if layout not in LAYOUTS:
        raise BadgeError("The layout must be a6 or a4.")
    type_id = None
    raw_type = args.get("type", "")
    if raw_type:
        if not raw_type.isascii() or not raw_type.isdigit() or len(raw_type) > 12:
            raise BadgeError("Unknown participant type.")
        type_id = int(raw_type)
        if type_id not in {type_.id for type_ in event.participant_types}:
            raise BadgeError("Unknown participant type.")
    raw_not_printed = args.get("not_printed", "")
    if raw_not_printed not in ("", "0", "1", "y", "on"):
        raise BadgeError("not_printed must be 1 or 0.")
    since = None
    raw_since = args.get("since", "")
    if raw_since:
        try:
            since = date.fromisoformat(raw_since)
        except ValueError as error:
            raise BadgeError("The date must look like 2026-05-31.") from error
    return BadgeSelection(
        layout=layout,
        type_id=type_id,
        not_printed=raw_not_printed in ("1", "y", "on"),
        since=since,
    )


def _selection_query(event: Event, selection: BadgeSelection):
    query = select(Participant).where(
        Participant.event_id == event.id, Participant.status == ParticipantStatus.APPROVED
    )
    if selection.type_id is not None:
        query = query.join(Participant.organisation).where(
            Organisation.type_id == selection.type_id
        )
    if selection.not_printed:
        query = query.where(~exists().where(PrintedBadge.participant_id == Participant.id))
    if selection.since is not None:
        local_midnight = datetime.combine(selection.since, time(0), tzinfo=event.zone)
        query = query.where(Participant.created_at >= local_midnight.astimezone(UTC))
    return query


def count_selected(event: Event, selection: BadgeSelection) -> int:
    subquery = _selection_query(event, selection).with_only_columns(Participant.id).subquery()
    return db.session.scalar(select(func.count()).select_from(subquery)) or 0


def selected_participants(event: Event, selection: BadgeSelection) -> list[Participant]:
    """The selected participants with organisation and type, in one query, by name."""
    query = _selection_query(event, selection).options(
        joinedload(Participant.organisation).joinedload(Organisation.type)
    )
    query = query.order_by(
        func.lower(Participant.last_name), func.lower(Participant.first_name), Participant.id
    )
    return list(db.session.scalars(query).unique())


def selected_ids(event: Event, selection: BadgeSelection) -> list[int]:
    return list(
        db.session.scalars(_selection_query(event, selection).with_only_columns(Participant.id))
    )


def mark_printed(
    event: Event, participant_ids: Collection[int], now: datetime | None = None
) -> int:
    """Record that these participants' badges were printed now; returns how many."""
    now = now or utcnow()
    wanted = set(
        db.session.scalars(
            select(Participant.id).where(
                Participant.event_id == event.id, Participant.id.in_(list(participant_ids))
            )
        )
    )
    existing = {
        row.participant_id: row
        for row in db.session.scalars(
            select(PrintedBadge).where(PrintedBadge.participant_id.in_(list(wanted)))
        )
    }
    for participant_id in wanted:
        row = existing.get(participant_id)
        if row is None:
            db.session.add(PrintedBadge(participant_id=participant_id, printed_at=now))
        else:
            row.printed_at = now
    db.session.flush()
    return len(wanted)
