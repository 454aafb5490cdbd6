"""The schedule review's charts: meetings per participant, and heat-map shades."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from brokerage.charts import Bar, bar_chart


def meetings_histogram(counts: Sequence[int], chart_id: str = "histogram") -> Markup:
    """Participants per number of meetings: counts[k] participants have k meetings."""
    return bar_chart(
        [
            Bar(str(meetings), count, f"{meetings} meetings: {count}")
            for meetings, count in enumerate(counts)
        ],
        chart_id=chart_id,
        title="Meetings per participant",
        description="; ".join(
            f"{count} with {meetings} meetings" for meetings, count in enumerate(counts)
        ),
        x_label="Meetings",
        y_label="Participants",
    )


def shade(fraction: float) -> str:
    """A CSS background for a heat-map total: blue, stronger with `fraction` (0..1)."""
    fraction = min(1.0, max(0.0, fraction))
    return f"background-color: rgba(13, 110, 253, {0.08 + 0.6 * fraction:.2f})"
