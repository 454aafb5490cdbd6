"""HTML to PDF with WeasyPrint, fetching nothing but the app's own static files.

Documents are rendered from Jinja templates whose links point at a fixed, unroutable origin;
the URL fetcher maps `<origin>/static/<file>` to the app's static folder and refuses every
other URL (network, file paths, anything a user could have typed), except `data:` URLs,
which carry embedded images such as QR codes and uploaded logos.
"""

from __future__ import annotations

import io
import mimetypes
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from flask import current_app
from werkzeug.security import safe_join

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcherResponse

# Relative links in a document resolve against this origin; ".invalid" never resolves.
DOCUMENT_ORIGIN = "https://documents.invalid/"


class RefusedResource(ValueError):
    """A document asked for something other than a static file; WeasyPrint skips it."""


def _static_file_fetcher(static_folder: str):  # -> weasyprint.urls.URLFetcher
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}/" != DOCUMENT_ORIGIN:
                raise RefusedResource(f"documents may not fetch {url!r}")
            if not parts.path.startswith("/static/"):
                raise RefusedResource(f"documents may not fetch {url!r}")
            relative = unquote(parts.path.removeprefix("/static/"))
            path = safe_join(static_folder, relative)
            if path is None or not Path(path).is_file():
                raise RefusedResource(f"no static file {relative!r}")
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=Path(path).read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticFilesOnly(allowed_protocols=("https", "data"))


def _static_folder() -> str:
    static_folder = current_app.static_folder
    if static_folder is None:  # pragma: no cover - the app always has one
        raise RuntimeError("the app has no static folder")
    return static_folder


def _render(html: str, static_folder: str) -> bytes:
    from weasyprint import HTML

    document = HTML(
        string=html, base_url=DOCUMENT_ORIGIN, url_fetcher=_static_file_fetcher(static_folder)
    )
    return document.write_pdf()


def render_pdf(html: str) -> bytes:
    """The PDF of an HTML document rendered from one of our templates."""
    return _render(html, _static_folder())


def _worker_count(parts: int) -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(parts, cores))


def render_joined_pdf(parts: Sequence[str], *, title: str) -> bytes:
    """Several HTML documents rendered as one PDF, the parts spread over the CPU cores.

    Big print runs (all agendas, all badges, all table sheets) come in parts for two reasons:
    WeasyPrint keeps every laid-out page of a document in memory until it writes the PDF, so
    a bounded part keeps memory bounded; and WeasyPrint is single-threaded, so parts rendered
    in worker processes use every core. The worker processes are spawned, not forked, since a
    fork of a threaded web server or job runner can deadlock. The parts are joined with pypdf
    in order; each document numbers its own pages, so the result reads the same.
    """
    if not parts:
        raise ValueError("nothing to render")
    static_folder = _static_folder()
    if len(parts) == 1:
        return _render(parts[0], static_folder)
    workers = _worker_count(len(parts))
    if workers == 1:
        pdfs = [_render(html, static_folder) for html in parts]
    else:
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=spawn) as pool:
            pdfs = list(pool.map(_render, parts, repeat(static_folder)))

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Title": title})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
