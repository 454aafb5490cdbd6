"""Check-ins over time as a server-rendered SVG bar chart (house style of scheduling/charts).

Returns `Markup`; every text that reaches the markup goes through `escape`. The chart has a
<title> and <desc> (role="img"), and the page shows the same numbers in a table.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from brokerage.checkin.figures import TimelineDay


def _nice_top(value: int) -> int:
    """A round axis maximum at or above `value` (1, 2, 5, 10, 20, 50, ...)."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if step * top >= value:
                return step * top
        top *= 10


def timeline_chart(
    day: TimelineDay, *, chart_id: str, bucket_minutes: int, width: int = 640, height: int = 240
) -> Markup:
    """One bar per time bucket of the day, labelled with its local start time."""
    left, right, top, bottom = 48, 12, 16, 48
    plot_width = width - left - right
    plot_height = height - top - bottom
    counts = [bucket.count for bucket in day.buckets]
    highest = _nice_top(max(counts, default=0) or 1)
    n = max(len(counts), 1)
    band = plot_width / n
    bar_width = min(40.0, max(2.0, band * 0.8))  # a lone quarter stays a bar, not a wall

    def y_of(value: float) -> float:
        return top + plot_height - plot_height * value / highest

    ident = escape(chart_id)
    title = f"Check-ins per {bucket_minutes} minutes on {day.day:%a %d %b %Y}"
    description = "; ".join(
        f"{bucket.starts_at:%H:%M}: {bucket.count}" for bucket in day.buckets if bucket.count
    )
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'style="max-width:{width}px">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description or "No check-ins")}</desc>',
    ]
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
    label_every = max(1, round(n / 8))  # about eight time labels, whatever the day's length
    for index, bucket in enumerate(day.buckets):
        x = left + band * index + (band - bar_width) / 2
        y = y_of(bucket.count)
        centre = left + band * index + band / 2
        label = f"{bucket.starts_at:%H:%M}"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" '
            f'height="{top + plot_height - y:.1f}" fill="#198754">'
            f"<title>{escape(f'{label}: {bucket.count}')}</title></rect>"
        )
        if bucket.count and band >= 18:
            parts.append(
                f'<text x="{centre:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11" '
                f'fill="#212529">{bucket.count}</text>'
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{centre:.1f}" y="{top + plot_height + 16}" text-anchor="middle" '
                f'font-size="12" fill="#495057">{escape(label)}</text>'
            )
    parts += [
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_height}" '
        f'y2="{top + plot_height}" stroke="#495057" stroke-width="1"/>',
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_height}" '
        'stroke="#495057" stroke-width="1"/>',
        f'<text x="{left + plot_width / 2:.1f}" y="{height - 8}" text-anchor="middle" '
        f'font-size="13" fill="#212529">Local time (start of each {bucket_minutes} minutes)</text>',
        f'<text x="14" y="{top + plot_height / 2:.1f}" text-anchor="middle" font-size="13" '
        f'fill="#212529" transform="rotate(-90 14 {top + plot_height / 2:.1f})">Check-ins</text>',
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 - every dynamic text above is escaped
