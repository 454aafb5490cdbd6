"""brokerage/pdf.py: documents fetch only static files; parts render in order into one PDF."""

from __future__ import annotations

import io
import logging

import pytest
from flask import Flask
from pypdf import PdfReader

from brokerage import pdf


def page_texts(document: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(document)).pages]


def test_a_document_uses_static_files_and_nothing_else(
    app_ctx: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    html = """<html><head>
      <link rel="stylesheet" href="/static/site.css">
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="stylesheet" href="https://example.org/remote.css">
    </head><body><p>Ελληνικά · Кириллица · Łódź</p>
      <img src="/static/../config.py" alt="">
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
    </body></html>"""
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        document = pdf.render_pdf(html)

    assert document.startswith(b"%PDF")
    assert "Ελληνικά · Кириллица · Łódź" in page_texts(document)[0]
    refused = " ".join(record.getMessage() for record in caplog.records)
    assert "file:///etc/passwd" in refused
    assert "https://example.org/remote.css" in refused
    assert "config.py" in refused
    assert "site.css" not in refused


def test_parts_are_joined_in_order_whatever_the_worker_count(app_ctx: Flask) -> None:
    parts = [f"<p>Part number {number}</p>" for number in range(5)]

    document = pdf.render_joined_pdf(parts, title="Five parts")

    texts = page_texts(document)
    assert [text.strip() for text in texts] == [f"Part number {n}" for n in range(5)]
    assert PdfReader(io.BytesIO(document)).metadata.title == "Five parts"


def test_a_single_part_is_rendered_in_process(
    app_ctx: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("one part needs no worker processes")

    monkeypatch.setattr(pdf, "ProcessPoolExecutor", no_pool)

    document = pdf.render_joined_pdf(["<p>Alone</p>"], title="One")

    assert page_texts(document)[0].strip() == "Alone"


def test_nothing_to_render_is_refused(app_ctx: Flask) -> None:
    with pytest.raises(ValueError, match="nothing to render"):
        pdf.render_joined_pdf([], title="None")
