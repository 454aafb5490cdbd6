"""Personal agendas as PDF (WeasyPrint): one participant, or everyone in one document.

Agendas are rendered many to an HTML document, each starting on a new page as its own page
group (page numbers restart per participant): one PDF per participant would repeat
WeasyPrint's fixed costs (fonts, stylesheet, document set-up) a thousand times. But WeasyPrint
keeps every laid-out page of a document in memory until it writes the PDF (1,000 agendas in
one render peaked at 1.5 GB), so a large batch is rendered AGENDAS_PER_RENDER at a time, the
parts side by side on every core, and joined (brokerage/pdf.py render_joined_pdf); every
agenda numbers its own pages, so the result reads the same.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask import render_template

from brokerage.agendas.services import Agenda
from brokerage.pdf import render_joined_pdf, render_pdf

AGENDAS_PER_RENDER = 100
BETWEEN_LINES_OF_TAGS = re.compile(r">\s*\n\s*<")


def _html(agendas: Sequence[Agenda], *, single: bool) -> str:
    html = render_template(
        "agendas/pdf/agendas.html", agendas=agendas, single=single, event=agendas[0].event
    )
    # The template's indentation is thousands of whitespace nodes for WeasyPrint's HTML parser
    # and box builder to wade through; between tags, on their own lines, it means nothing.
    return BETWEEN_LINES_OF_TAGS.sub("><", html)


def agenda_pdf(agenda: Agenda) -> bytes:
    """One participant's agenda, "Page 1 of N" in the footer."""
    return render_pdf(_html([agenda], single=True))


def agendas_pdf(agendas: Sequence[Agenda]) -> bytes:
    """Every given agenda in one PDF, each participant starting on a new page."""
    if not agendas:
        raise ValueError("no agendas to print")
    parts = [
        _html(agendas[start : start + AGENDAS_PER_RENDER], single=False)
        for start in range(0, len(agendas), AGENDAS_PER_RENDER)
    ]
    return render_joined_pdf(parts, title=f"Agendas · {agendas[0].event.title}")
