"""Server-rendered SVG charts: no JavaScript, no CDN, readable without the picture.

Each function returns `Markup`; every text that reaches the markup goes through `escape`.
Charts carry a <title> and <desc> (role="img"), and the pages show the same numbers in a
table next to them, so nothing is told by the picture alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar (only every so often when there are many)
    count: int
    tooltip: str  # what the bar says when pointed at


def _nice_top(value: int) -> int:
    """A round axis maximum at or above `value` (1, 2, 5, 10, 20, 50, ...)."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if step * top >= value:
                return step * top
        top *= 10


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    colour: str = "#0d6efd",
    x_labels: int = 20,
    width: int = 640,
    height: int = 260,
) -> Markup:
    """Vertical bars, left to right; about `x_labels` of their labels are shown."""
    left, right, top, bottom = 52, 12, 16, 48
    plot_width = width - left - right
    plot_height = height - top - bottom
    highest = _nice_top(max((bar.count for bar in bars), default=0) or 1)
    n = max(len(bars), 1)
    band = plot_width / n
    bar_width = min(40.0, max(2.0, band * 0.8))  # a lone bar stays a bar, not a wall

    def y_of(value: float) -> float:
        return top + plot_height - plot_height * value / highest

    ident = escape(chart_id)
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'style="max-width:{width}px">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    # Grid lines and y ticks: 0, half, top.
    for tick in sorted({0, highest // 2, highest}):
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#dee2e6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#495057">{tick}</text>'
        )
    label_every = max(1, round(n / x_labels))  # keep x labels legible with many bars
    for index, bar in enumerate(bars):
        x = left + band * index + (band - bar_width) / 2
        y = y_of(bar.count)
        centre = left + band * index + band / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" '
            f'height="{top + plot_height - y:.1f}" fill="{escape(colour)}">'
            f"<title>{escape(bar.tooltip)}</title></rect>"
        )
        if bar.count and band >= 14:
            parts.append(
                f'<text x="{centre:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11" '
                f'fill="#212529">{bar.count}</text>'
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{centre:.1f}" y="{top + plot_height + 16}" text-anchor="middle" '
                f'font-size="12" fill="#495057">{escape(bar.label)}</text>'
            )
    parts += [
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_height}" '
        f'y2="{top + plot_height}" stroke="#495057" stroke-width="1"/>',
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_height}" '
        'stroke="#495057" stroke-width="1"/>',
        f'<text x="{left + plot_width / 2:.1f}" y="{height - 8}" text-anchor="middle" '
        f'font-size="13" fill="#212529">{escape(x_label)}</text>',
        f'<text x="14" y="{top + plot_height / 2:.1f}" text-anchor="middle" font-size="13" '
        f'fill="#212529" transform="rotate(-90 14 {top + plot_height / 2:.1f})">'
        f"{escape(y_label)}</text>",
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 - every dynamic text above is escaped
