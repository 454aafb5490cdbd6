"""Check-ins over time as a bar chart (brokerage/charts.py), one bar per time bucket."""

from __future__ import annotations

from markupsafe import Markup

from brokerage.charts import Bar, bar_chart
from brokerage.checkin.figures import TimelineDay


def timeline_chart(
    day: TimelineDay, *, chart_id: str, bucket_minutes: int, width: int = 640, height: int = 240
) -> Markup:
    """One bar per time bucket of the day, labelled with its local start time."""
    bars = [
        Bar(f"{bucket.starts_at:%H:%M}", bucket.count, f"{bucket.starts_at:%H:%M}: {bucket.count}")
        for bucket in day.buckets
    ]
    return bar_chart(
        bars,
        chart_id=chart_id,
        title=f"Check-ins per {bucket_minutes} minutes on {day.day:%a %d %b %Y}",
        description="; ".join(bar.tooltip for bar in bars if bar.count) or "No check-ins",
        x_label=f"Local time (start of each {bucket_minutes} minutes)",
        y_label="Check-ins",
        colour="#198754",
        x_labels=8,  # about eight time labels, whatever the day's length
        width=width,
        height=height,
    )
