"""CSV and XLSX bytes for every export: the formula guard, Excel's BOM, one header style.

Exports build rows of plain values and hand them here; the view only sends the bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

# Cells starting with these are run as formulas by spreadsheet programs (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Rows as CSV; every cell through the formula guard (give dates as text)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    # utf-8-sig writes the BOM that makes Excel read the file as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str,
    document_title: str,
    widths: Sequence[float],
    number_formats: Mapping[int, str] | None = None,
) -> bytes:
    """One sheet: a styled, frozen header row, column widths and an autofilter.

    Strings get the formula guard and lose the control characters XLSX cannot store; other
    values (dates, times, numbers) stay typed, shown with `number_formats` (column index from
    0 -> Excel format).
    """
    from openpyxl import Workbook  # only the exports need it
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    def stored(cell: object) -> object:
        if cell is None or isinstance(cell, str):
            return ILLEGAL_CHARACTERS_RE.sub("", safe_cell(cell))
        return cell

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", start_color="1F3864")
        cell.alignment = Alignment(vertical="center")
    count = 0
    for row in rows:
        sheet.append([stored(cell) for cell in row])
        count += 1
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for column, number_format in (number_formats or {}).items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    workbook.properties.title = document_title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
