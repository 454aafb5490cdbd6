"""Badges as one HTML document and one PDF: A6 one per page, or A4 sheets of four.

    badges_for(event, participants, settings) -> list[Badge]    plain values, no queries
    sample_badge(event, settings) -> Badge                        for the preview
    badges_html(event, badges, settings, layout, screen=False) -> str
    badges_pdf(event, badges, settings, layout) -> bytes

Text sizes are chosen here, from the text's measured width in DejaVu Sans (Pillow reads the
font's metrics), so a long name gets a smaller size or a second line and never runs off the
badge; the template also lets words break anywhere as a last resort.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from flask import render_template

from brokerage.badges.models import BadgeSettings
from brokerage.badges.qr import participant_qr
from brokerage.events.models import Event, ParticipantType
from brokerage.pdf import render_joined_pdf
from brokerage.registration.models import Participant
from brokerage.templating import country_name

MM_TO_PT = 72 / 25.4
BADGE_WIDTH_MM = 105
BADGE_HEIGHT_MM = 148
SAFE_MARGIN_MM = 7  # office printers leave 4-5 mm blank at the paper's edge
CONTENT_WIDTH_MM = BADGE_WIDTH_MM - 2 * SAFE_MARGIN_MM
DETAILS_WIDTH_MM = CONTENT_WIDTH_MM - 34  # beside the 30 mm QR code and its gap
BAND_TEXT_WIDTH_MM = CONTENT_WIDTH_MM - 8
HEADER_TITLE_WIDTH_MM = CONTENT_WIDTH_MM - 38  # beside the logo
DEFAULT_COLOUR = "#6c757d"
# Badges per WeasyPrint render: bounds memory, and parts render on every core (a multiple of
# four, so every A4 sheet but the last is full).
BADGES_PER_RENDER = 200
FALLBACK_EM_WIDTH = 0.62  # average advance of DejaVu Sans, if its file cannot be read

# (lines allowed, largest size, smallest size) in points, tried in order; the last smallest
# size is used whatever the length, and the template breaks words anywhere if still needed.
FIRST_NAME_STEPS = ((1, 34.0, 18.0), (2, 18.0, 13.0), (3, 13.0, 10.0))
LAST_NAME_STEPS = ((1, 28.0, 16.0), (2, 16.0, 12.0), (3, 12.0, 9.0))
ORGANISATION_STEPS = ((1, 13.0, 11.0), (2, 11.0, 9.0), (3, 9.0, 7.0))
SMALL_TEXT_STEPS = ((1, 10.0, 8.5), (2, 8.5, 7.0))
BAND_STEPS = ((1, 16.0, 10.0), (2, 10.0, 7.5))
TITLE_STEPS = ((1, 11.0, 9.0), (2, 9.0, 7.5), (3, 7.5, 6.0))


@dataclass(frozen=True)
class FittedText:
    text: str
    size_pt: float
    lines: int  # as estimated from the font's metrics

    def height_mm(self, line_height: float) -> float:
        return self.lines * self.size_pt * line_height / MM_TO_PT


@dataclass(frozen=True)
class BadgeLine:
    """One text of a badge with its CSS class."""

    css_class: str
    text: FittedText


@dataclass(frozen=True)
class Badge:
    """What one badge prints, with sizes and vertical offsets already worked out.

    Offsets centre each block in its area; computing them here keeps the document to plain
    blocks, which WeasyPrint lays out many times faster than flex boxes or tables.
    """

    participant_id: int
    first_name: FittedText
    last_name: FittedText
    name_top_mm: float
    details: list[BadgeLine]
    details_top_mm: float
    type_name: FittedText | None
    band_top_mm: float
    band_colour: str
    band_text_colour: str
    token: str
    qr_data_url: str


# --- measuring text ---------------------------------------------------------------------


@cache
def _font(bold: bool):  # -> PIL.ImageFont.FreeTypeFont | None
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        # Pillow also looks in the system's font folders for a bare file name.
        return ImageFont.truetype(name, 100)
    except OSError:
        return None


@cache
def _width_per_point(word: str, bold: bool) -> float:
    """Width of the word at 1 pt, in points."""
    font = _font(bold)
    if font is None:
        return len(word) * FALLBACK_EM_WIDTH * (1.08 if bold else 1.0)
    return font.getlength(word) / 100


def _line_count(text: str, size_pt: float, width_pt: float, bold: bool) -> int | None:
    """Lines the text takes when wrapped at spaces; None if a word alone is too wide."""
    space = _width_per_point(" ", bold) * size_pt
    lines, used = 1, 0.0
    for word in text.split():
        word_width = _width_per_point(word, bold) * size_pt
        if word_width > width_pt:
            return None
        needed = word_width if not used else used + space + word_width
        if needed <= width_pt:
            used = needed
        else:
            lines += 1
            used = word_width
    return lines


def fit_text(
    text: str, width_mm: float, steps: Sequence[tuple[int, float, float]], *, bold: bool
) -> FittedText:
    """The largest size in the steps at which the text fits its lines, breaking no word.

    Past the last step the smallest size is used, and the template breaks words anywhere.
    """
    text = " ".join(text.split())
    # 4% slack: kerning and the renderer's rounding differ slightly from the font metrics.
    width_pt = width_mm * MM_TO_PT * 0.96
    size = steps[-1][2]
    for lines, largest, smallest in steps:
        candidate = largest
        while candidate >= smallest - 1e-9:
            needed = _line_count(text, candidate, width_pt, bold)
            if needed is not None and needed <= lines:
                return FittedText(text, round(candidate, 1), needed)
            candidate -= 0.5
    # Words broken anywhere: about as many lines as the text is wide.
    total = sum(_width_per_point(word, bold) * size for word in text.split())
    return FittedText(text, size, max(1, math.ceil(total / width_pt)))


# --- colours ----------------------------------------------------------------------------


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.03928 else ((srgb + 0.055) / 1.055) ** 2.4


def _luminance(colour: str) -> float:
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def safe_colour(colour: str | None) -> str:
    """The type's colour if it is a #rrggbb value (it goes into a style attribute)."""
    if colour and len(colour) == 7 and colour[0] == "#":
        try:
            int(colour[1:], 16)
        except ValueError:
            return DEFAULT_COLOUR
        return colour.lower()
    return DEFAULT_COLOUR


def text_colour_on(background: str) -> str:
    """Black or white, whichever contrasts more with the background (WCAG ratio)."""
    luminance = _luminance(background)
    on_black = (luminance + 0.05) / 0.05
    on_white = 1.05 / (luminance + 0.05)
    return "#000000" if on_black >= on_white else "#ffffff"


# --- badges -----------------------------------------------------------------------------


NAME_AREA_MM = 44
DETAILS_AREA_MM = 30
BAND_HEIGHT_MM = 16
NAME_LINE_HEIGHT = 1.1
DETAILS_LINE_HEIGHT = 1.2
DETAILS_GAP_MM = 1.2
NAME_GAP_MM = 1.0


def _centred(area_mm: float, content_mm: float) -> float:
    """The top padding that centres the content; in half millimetres (one CSS class each)."""
    return round(max(0.0, (area_mm - content_mm) / 2) * 2) / 2


def _badge(
    event: Event,
    settings: BadgeSettings,
    participant_id: int,
    first_name: str,
    last_name: str,
    job_title: str,
    organisation: str,
    country_code: str,
    type_: ParticipantType | None,
) -> Badge:
    token, qr_data_url = participant_qr(event.id, participant_id)
    colour = safe_colour(type_.colour if type_ is not None else None)
    first = fit_text(first_name, CONTENT_WIDTH_MM, FIRST_NAME_STEPS, bold=True)
    last = fit_text(last_name, CONTENT_WIDTH_MM, LAST_NAME_STEPS, bold=True)
    name_height = first.height_mm(NAME_LINE_HEIGHT) + last.height_mm(NAME_LINE_HEIGHT) + NAME_GAP_MM
    details = []
    if settings.show_job_title and job_title.strip():
        text = fit_text(job_title, DETAILS_WIDTH_MM, SMALL_TEXT_STEPS, bold=False)
        details.append(BadgeLine("job-title", text))
    if settings.show_organisation and organisation.strip():
        text = fit_text(organisation, DETAILS_WIDTH_MM, ORGANISATION_STEPS, bold=True)
        details.append(BadgeLine("organisation", text))
    if settings.show_country and country_code:
        text = fit_text(country_name(country_code), DETAILS_WIDTH_MM, SMALL_TEXT_STEPS, bold=False)
        details.append(BadgeLine("country", text))
    details_height = sum(line.text.height_mm(DETAILS_LINE_HEIGHT) for line in details) + (
        DETAILS_GAP_MM * max(0, len(details) - 1)
    )
    type_name = None
    if settings.show_participant_type and type_ is not None and type_.name.strip():
        type_name = fit_text(type_.name, BAND_TEXT_WIDTH_MM, BAND_STEPS, bold=True)
    return Badge(
        participant_id=participant_id,
        first_name=first,
        last_name=last,
        name_top_mm=_centred(NAME_AREA_MM, name_height),
        details=details,
        details_top_mm=_centred(DETAILS_AREA_MM, details_height),
        type_name=type_name,
        band_top_mm=_centred(
            BAND_HEIGHT_MM, type_name.height_mm(NAME_LINE_HEIGHT) if type_name else 0
        ),
        band_colour=colour,
        band_text_colour=text_colour_on(colour),
        token=token,
        qr_data_url=qr_data_url,
    )


def badges_for(
    event: Event, participants: Sequence[Participant], settings: BadgeSettings
) -> list[Badge]:
    """Badges of participants loaded with their organisation and its type (no queries)."""
    return [
        _badge(
            event,
            settings,
            participant.id,
            participant.first_name,
            participant.last_name,
            participant.job_title,
            participant.organisation.name,
            participant.organisation.country,
            participant.organisation.type,
        )
        for participant in participants
    ]


def sample_badge(
    event: Event, settings: BadgeSettings, type_: ParticipantType | None = None
) -> Badge:
    """A made-up person's badge, for the organiser's preview (its QR code matches nobody)."""
    if type_ is None and event.participant_types:
        type_ = event.participant_types[0]
    return _badge(
        event,
        settings,
        0,
        "Alexandra",
        "Papadopoulou-Lindqvist",
        "Head of Technology Transfer",
        "Example Research Institute for Applied Materials",
        "GR",
        type_,
    )


LOGO_BOX_MM = (34.0, 18.0)


def logo_data_url(settings: BadgeSettings) -> str | None:
    """The logo as a base64 data: URL, if there is one and the badges show it."""
    if not settings.show_logo or not settings.logo or not settings.logo_mime:
        return None
    encoded = base64.b64encode(settings.logo).decode("ascii")
    return f"data:{settings.logo_mime};base64,{encoded}"


def _logo_ratio(settings: BadgeSettings) -> float | None:
    """Width / height of the logo, if its file says."""
    if not settings.logo:
        return None
    try:
        if settings.logo_mime == "image/png":
            from PIL import Image

            with Image.open(io.BytesIO(settings.logo)) as image:
                width, height = image.size
        else:
            from defusedxml.ElementTree import fromstring

            root = fromstring(settings.logo, forbid_dtd=True)
            view_box = root.get("viewBox", "").replace(",", " ").split()
            if len(view_box) == 4:
                width, height = float(view_box[2]), float(view_box[3])
            else:
                width = float(root.get("width", "").removesuffix("px"))
                height = float(root.get("height", "").removesuffix("px"))
    except (OSError, ValueError, SyntaxError):
        return None
    return width / height if width > 0 and height > 0 else None


def logo_size_css(settings: BadgeSettings) -> str:
    """A CSS background-size that fits the logo in its box, keeping its proportions."""
    box_width, box_height = LOGO_BOX_MM
    ratio = _logo_ratio(settings)
    if ratio is None:
        return f"{box_width}mm {box_height}mm"  # an SVG keeps its proportions inside anyway
    if ratio >= box_width / box_height:
        return f"{box_width}mm {box_width / ratio:.2f}mm"
    return f"{box_height * ratio:.2f}mm {box_height}mm"


def size_class(size_pt: float) -> str:
    return f"s{round(size_pt * 10)}"


def offset_class(offset_mm: float) -> str:
    return f"o{round(offset_mm * 10)}"


def band_class(colour: str) -> str:
    return f"b{colour.removeprefix('#')}"


def _style_rules(badges: Sequence[Badge]) -> list[str]:
    """CSS rules for the sizes, offsets and colours the badges use.

    Classes instead of style attributes: WeasyPrint parses every style attribute anew, and
    with a thousand badges that is a good part of the time.
    """
    sizes = {badge.first_name.size_pt for badge in badges}
    sizes |= {badge.last_name.size_pt for badge in badges}
    sizes |= {line.text.size_pt for badge in badges for line in badge.details}
    sizes |= {badge.type_name.size_pt for badge in badges if badge.type_name}
    offsets = {badge.name_top_mm for badge in badges} | {badge.details_top_mm for badge in badges}
    offsets |= {badge.band_top_mm for badge in badges}
    colours = {badge.band_colour for badge in badges if badge.type_name}
    rules = [f".{size_class(size)} {{ font-size: {size:g}pt; }}" for size in sorted(sizes)]
    rules += [
        f".{offset_class(offset)} {{ padding-top: {offset:g}mm; }}" for offset in sorted(offsets)
    ]
    rules += [
        f".{band_class(colour)} {{ background-color: {colour}; color: {text_colour_on(colour)}; }}"
        for colour in sorted(colours)
    ]
    return rules


def badges_html(
    event: Event,
    badges: Sequence[Badge],
    settings: BadgeSettings,
    layout: str,
    *,
    screen: bool = False,
) -> str:
    title = fit_text(event.title, HEADER_TITLE_WIDTH_MM, TITLE_STEPS, bold=True)
    return render_template(
        "badges/pdf/badges.html",
        event=event,
        badges=badges,
        settings=settings,
        layout=layout,
        screen=screen,
        event_title=title,
        logo_url=logo_data_url(settings),
        logo_size=logo_size_css(settings),
        style_rules=_style_rules(badges),
        size_class=size_class,
        offset_class=offset_class,
        band_class=band_class,
    )


def badges_pdf(
    event: Event, badges: Sequence[Badge], settings: BadgeSettings, layout: str
) -> bytes:
    """All the badges in one PDF; a big print run is rendered in parts over the CPU cores."""
    parts = [
        badges_html(event, badges[start : start + BADGES_PER_RENDER], settings, layout)
        for start in range(0, len(badges), BADGES_PER_RENDER)
    ] or [badges_html(event, badges, settings, layout)]
    return render_joined_pdf(parts, title=f"Badges · {event.title}")
