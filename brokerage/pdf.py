"""HTML to PDF with WeasyPrint, fetching nothing but the app's own static files.

Documents are rendered from Jinja templates whose links point at a fixed, unroutable origin;
the URL fetcher maps `<origin>/static/<file>` to the app's static folder and refuses every
other URL (network, file paths, anything a user could have typed), except `data:` URLs,
which carry embedded images such as QR codes and uploaded logos.
"""

from __future__ import annotations

import mimetypes
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


def render_pdf(html: str) -> bytes:
    """The PDF of an HTML document rendered from one of our templates."""
    from weasyprint import HTML

    static_folder = current_app.static_folder
    if static_folder is None:  # pragma: no cover - the app always has one
        raise RuntimeError("the app has no static folder")
    document = HTML(
        string=html, base_url=DOCUMENT_ORIGIN, url_fetcher=_static_file_fetcher(static_folder)
    )
    return document.write_pdf()
