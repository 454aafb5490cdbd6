"""File responses for documents with personal data: named, and never cached on the way."""

from __future__ import annotations

from datetime import datetime

from flask import Response

from brokerage.events.models import Event

PDF = "application/pdf"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def dated_filename(event: Event, name: str, extension: str) -> str:
    """E.g. `schedule-demo-20270126-0915.csv`, stamped in the event's time zone."""
    return f"{name}-{event.slug}-{datetime.now(event.zone):%Y%m%d-%H%M}.{extension}"


def personal_download(
    data: bytes, mimetype: str, filename: str, *, inline: bool = False
) -> Response:
    """The bytes as a file; `inline` lets a browser show a PDF instead of saving it."""
    disposition = "inline" if inline else "attachment"
    return Response(
        data,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "no-store",  # no copy in any cache, shared or private
        },
    )
