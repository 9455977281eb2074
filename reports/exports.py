"""Data downloads: responses and results as tables (CSV, XLSX) with labels in the reader's language."""

import io
import math

import openpyxl
import pandas as pd

from assessments.models import Assessment, Response
from assessments.visibility import AssessmentView
from indicators.text import tr


def responses_frame(assessment: Assessment, lang: str) -> pd.DataFrame:
    """One row per participant x indicator answered."""
    rows = Response.objects.filter(assessment=assessment).select_related(
        "indicator", "level", "participant__user", "participant__institution"
    )
    columns = [
        "indicator",
        "question",
        "institution",
        "institution_kind",
        "participant",
        "answer",
        "level",
        "level_label",
        "value",
        "implementation",
        "justification",
        "updated_at",
    ]
    data = [
        [
            r.indicator.code,
            tr(r.indicator.question, lang),
            r.participant.institution.name if r.participant.institution else "",
            r.participant.institution.get_kind_display() if r.participant.institution else "",
            r.participant.user.get_full_name() or r.participant.user.get_username(),
            r.get_answer_display(),
            r.level.code if r.level else "",
            tr(r.level.label, lang) if r.level else "",
            r.level.value if r.level else None,
            r.get_implementation_display() if r.implementation else "",
            r.justification,
            r.updated_at.replace(tzinfo=None),
        ]
        for r in rows.order_by("indicator__position", "participant__institution__name", "participant__pk")
    ]
    return pd.DataFrame(data, columns=columns)


def results_frames(view: AssessmentView, lang: str) -> dict[str, pd.DataFrame]:
    """The results as its audience may see them, as two tables: indicators and categories."""
    assessment, results = view.assessment, view.results
    questions = {i.code: tr(i.question, lang) for i in assessment.framework.indicators.all()}
    indicators = pd.DataFrame(
        [
            {
                "indicator": i["code"],
                "question": questions.get(i["code"], ""),
                "value": i["value"],
                "source": i["source"],
                "answers": i["n_answers"],
                "agreement": i["agreement"],
                "spread": i["spread"],
                "disagreement": i["disagreement"],
                "evidence": i["evidence_count"],
                **{f"institution: {k}": v for k, v in i["institution_values"].items()},
            }
            for i in results["indicators"]
        ]
    )
    categories = pd.DataFrame(
        [
            {
                "dimension": dimension,
                **{
                    k: c[k]
                    for k in (
                        "code",
                        "label",
                        "parent",
                        "score",
                        "band",
                        "completeness",
                        "n_indicators",
                        "n_total",
                        "weight_share",
                        "insufficient",
                        "paper_only_share",
                    )
                },
            }
            for dimension, items in results["dimensions"].items()
            for c in items
        ]
    )
    return {"indicators": indicators, "categories": categories}


# Text that a spreadsheet program would take for a formula if it came first in a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value):
    """A quote in front of text that would start a formula, so that opening the CSV runs nothing."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame) -> bytes:
    """The table as CSV (utf-8 with a byte-order mark, so that spreadsheet programs read accents).
    Text that begins with =, +, -, @, a tab or a carriage return gets a leading ' (docs/security.md)."""
    text_columns = frame.select_dtypes(include=["object", "string"]).columns
    safe = frame.assign(**{column: frame[column].map(_csv_text) for column in text_columns})
    return safe.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    """The tables as one workbook, a sheet each. Every text cell is written as text, so that nothing a
    person typed is ever a live formula, with nothing added to it (a round trip changes nothing)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, frame in frames.items():
        sheet = workbook.create_sheet(title=name[:31])
        sheet.append([str(column) for column in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([_xlsx_value(value) for value in row])
        for cell in (c for line in sheet.iter_rows() for c in line):
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value
