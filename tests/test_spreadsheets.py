"""brokerage/spreadsheets.py: the formula guard and storable text in every export."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook

from brokerage.spreadsheets import csv_bytes, xlsx_bytes


def test_csv_guards_formulas_and_starts_with_a_bom() -> None:
    data = csv_bytes(["Name", "Note"], [["=HYPERLINK(1)", None]])

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Name", "Note"], ["'=HYPERLINK(1)", ""]]


def test_xlsx_stores_control_characters_as_nothing_and_keeps_dates_typed() -> None:
    data = xlsx_bytes(
        ["Name", "Day"],
        [["Ana\x01 Novak", date(2027, 1, 26)], ["+SUM(A1)", date(2027, 1, 27)]],
        sheet_title="Test",
        document_title="Test export",
        widths=(20, 12),
        number_formats={1: "yyyy-mm-dd"},
    )

    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == "Ana Novak"
    assert sheet["A3"].value == "'+SUM(A1)"
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["B2"].value.date() == date(2027, 1, 26)
    assert sheet.auto_filter.ref == "A1:B3"
    assert sheet.freeze_panes == "A2"
