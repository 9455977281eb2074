"""Helpers for the workbook tests: download one as a person would, fill it with openpyxl as a person fills
a spreadsheet (a cell at a time, by the indicator's row), and save it back to bytes."""

import io

import openpyxl
from django.urls import reverse

from assessments.workbook import layout

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, assessment, **params):
    response = client.get(reverse("assessments:workbook_download", args=[assessment.pk]), params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.getvalue()))


def open_book(raw: bytes):
    return openpyxl.load_workbook(io.BytesIO(raw))


def to_bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row_of(book, code: str):
    """(sheet, row number) of an indicator's row."""
    for sheet in book.worksheets:
        if sheet.title.startswith("_"):
            continue
        for row in range(layout.FIRST_ROW, sheet.max_row + 1):
            if sheet.cell(row=row, column=layout.CODE).value == code:
                return sheet, row
    raise LookupError(code)


COLUMNS = {
    "level": layout.LEVEL,
    "applied": layout.APPLIED,
    "justification": layout.JUSTIFICATION,
    "link": layout.LINK,
    "title": layout.TITLE,
    "kind": layout.KIND,
}


def fill(book, code: str, **cells) -> None:
    """Type into an indicator's answer cells: fill(book, "RL-01", level="3 · L3", justification="...")."""
    sheet, row = row_of(book, code)
    for name, value in cells.items():
        sheet.cell(row=row, column=COLUMNS[name]).value = value  # None empties the cell


def cell(book, code: str, name: str):
    sheet, row = row_of(book, code)
    return sheet.cell(row=row, column=COLUMNS[name])


def upload(client, assessment, raw: bytes, name: str = "filled.xlsx"):
    file = io.BytesIO(raw)
    file.name = name
    return client.post(reverse("assessments:workbook", args=[assessment.pk]), {"file": file})
