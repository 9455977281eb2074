"""The offline questionnaire: an XLSX workbook a person fills in Excel or LibreOffice and uploads back.

`build` writes it, `read` opens an upload within the limits and says what applying it would do (the
preview), `services` applies it through the same services as the web forms. docs/workbook.md
describes the format and the process.
"""

from assessments.workbook.build import workbook_build, workbook_filename
from assessments.workbook.layout import BY, FOR
from assessments.workbook.read import Problem, WorkbookPreview, workbook_preview, workbook_read
from assessments.workbook.services import (
    KEEP,
    SOURCE,
    TAKE,
    Applied,
    ConflictsOpen,
    WorkbookOutdated,
    workbook_apply,
)

__all__ = [
    "BY",
    "FOR",
    "KEEP",
    "SOURCE",
    "TAKE",
    "Applied",
    "ConflictsOpen",
    "Problem",
    "WorkbookOutdated",
    "WorkbookPreview",
    "workbook_apply",
    "workbook_build",
    "workbook_filename",
    "workbook_preview",
    "workbook_read",
]
