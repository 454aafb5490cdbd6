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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from flask import render_template

from brokerage.badges.models import BadgeSettings
from brokerage.badges.qr import participant_qr
from brokerage.events.models import Event, ParticipantType
from brokerage.pdf import render_pdf
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


@dataclass(frozen=True)
class Badge:
    participant_id: int
    first_name: FittedText
    last_name: FittedText
    job_title: FittedText
    organisation: FittedText
    country: FittedText
    type_name: FittedText
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
                return FittedText(text, round(candidate, 1))
            candidate -= 0.5
    return FittedText(text, size)


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


def _badge(
    event: Event,
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
    return Badge(
        participant_id=participant_id,
        first_name=fit_text(first_name, CONTENT_WIDTH_MM, FIRST_NAME_STEPS, bold=True),
        last_name=fit_text(last_name, CONTENT_WIDTH_MM, LAST_NAME_STEPS, bold=True),
        job_title=fit_text(job_title, DETAILS_WIDTH_MM, SMALL_TEXT_STEPS, bold=False),
        organisation=fit_text(organisation, DETAILS_WIDTH_MM, ORGANISATION_STEPS, bold=True),
        country=fit_text(
            country_name(country_code), DETAILS_WIDTH_MM, SMALL_TEXT_STEPS, bold=False
        ),
        type_name=fit_text(
            type_.name if type_ is not None else "", BAND_TEXT_WIDTH_MM, BAND_STEPS, bold=True
        ),
        band_colour=colour,
        band_text_colour=text_colour_on(colour),
        token=token,
        qr_data_url=qr_data_url,
    )


def badges_for(event: Event, participants: Sequence[Participant]) -> list[Badge]:
    """Badges of participants loaded with their organisation and its type (no queries)."""
    return [
        _badge(
            event,
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


def sample_badge(event: Event, type_: ParticipantType | None = None) -> Badge:
    """A made-up person's badge, for the organiser's preview (its QR code matches nobody)."""
    if type_ is None and event.participant_types:
        type_ = event.participant_types[0]
    return _badge(
        event,
        0,
        "Alexandra",
        "Papadopoulou-Lindqvist",
        "Head of Technology Transfer",
        "Example Research Institute for Applied Materials",
        "GR",
        type_,
    )


def logo_data_url(settings: BadgeSettings) -> str | None:
    """The logo as a base64 data: URL, if there is one and the badges show it."""
    if not settings.show_logo or not settings.logo or not settings.logo_mime:
        return None
    encoded = base64.b64encode(settings.logo).decode("ascii")
    return f"data:{settings.logo_mime};base64,{encoded}"


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
    )


def badges_pdf(
    event: Event, badges: Sequence[Badge], settings: BadgeSettings, layout: str
) -> bytes:
    return render_pdf(badges_html(event, badges, settings, layout))
