"""Personal agendas as PDF (WeasyPrint): one participant, or everyone in one document.

All agendas go into ONE HTML document, rendered once, each starting on a new page as its own
page group (page numbers restart per participant); rendering one PDF per participant and
merging them would repeat WeasyPrint's fixed costs (fonts, stylesheet) a thousand times.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask import render_template

from brokerage.agendas.services import Agenda
from brokerage.pdf import render_pdf

BETWEEN_LINES_OF_TAGS = re.compile(r">\s*\n\s*<")


def _render(agendas: Sequence[Agenda], *, single: bool) -> bytes:
    if not agendas:
        raise ValueError("no agendas to print")
    html = render_template(
        "agendas/pdf/agendas.html", agendas=agendas, single=single, event=agendas[0].event
    )
    # The template's indentation is thousands of whitespace nodes for WeasyPrint's HTML parser
    # and box builder to wade through; between tags, on their own lines, it means nothing.
    return render_pdf(BETWEEN_LINES_OF_TAGS.sub("><", html))


def agenda_pdf(agenda: Agenda) -> bytes:
    """One participant's agenda, "Page 1 of N" in the footer."""
    return _render([agenda], single=True)


def agendas_pdf(agendas: Sequence[Agenda]) -> bytes:
    """Every given agenda in one PDF, each participant starting on a new page."""
    return _render(agendas, single=False)
