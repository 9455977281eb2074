"""The workbook opens cleanly in LibreOffice: converted by `libreoffice --headless --convert-to xlsx` (as
saving it in LibreOffice Calc does) and read back, it keeps its sheets, protection, lists and answers."""

import shutil
import subprocess

import pytest

from assessments.services import response_set
from assessments.workbook import layout, workbook_build, workbook_preview
from tests.assessments.workbook_helpers import cell, fill, open_book, row_of, to_bytes
from tests.people import participant_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("libreoffice") is None,
        reason="LibreOffice is not installed (scripts/setup.sh test installs libreoffice-calc-nogui)",
    ),
]


def through_libreoffice(raw: bytes, tmp_path) -> bytes:
    source = tmp_path / "in" / "workbook.xlsx"
    source.parent.mkdir()
    source.write_bytes(raw)
    out = tmp_path / "out"
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",  # its own profile: runs never collide
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (out / "workbook.xlsx").read_bytes()


def test_a_workbook_saved_by_libreoffice_reads_back_with_its_answers(assessment, respondent_labour, tmp_path):
    lina = participant_of(assessment, respondent_labour)
    response_set(
        assessment=assessment,
        indicator=assessment.framework.indicators.get(code="SD-01"),
        participant=lina,
        user=respondent_labour,
        answer="level",
        level_code="1",
        implementation="partly",
        justification="Line one\nline two; =not a formula",
        expected_version=0,
    )
    book = open_book(workbook_build(assessment=assessment, participant=lina))
    fill(
        book,
        "RL-01",
        level="3 · L3",
        applied="Implemented in practice",
        justification="=SUM(1,2)",
        link="https://gazette.example/act",
        title="Act",
        kind="Law",
    )
    raw = to_bytes(book)
    converted = through_libreoffice(raw, tmp_path)
    assert converted != raw

    back = open_book(converted)
    assert back.sheetnames == book.sheetnames
    assert back["_coherence"].sheet_state == "hidden" and back["_lists"].sheet_state == "hidden"
    sheet, row = row_of(back, "RL-01")
    assert sheet.protection.sheet
    assert sheet.cell(row=row, column=layout.QUESTION).protection.locked
    assert not sheet.cell(row=row, column=layout.LEVEL).protection.locked
    assert any(v.type == "list" for v in sheet.data_validations.dataValidation)
    assert cell(back, "SD-01", "justification").value == "Line one\nline two; =not a formula"

    before = workbook_preview(assessment=assessment, participant=lina, raw=raw)
    after = workbook_preview(assessment=assessment, participant=lina, raw=converted)
    assert not after.problems, [str(p) for p in after.problems]
    assert [(c.code, c.status, c.workbook) for c in after.changes] == [
        (c.code, c.status, c.workbook) for c in before.changes
    ]
    assert [(c.code, c.status) for c in after.changes] == [("RL-01", "new"), ("SD-01", "unchanged")]
    assert after.new[0].workbook.justification == "=SUM(1,2)"  # kept as the text typed
    assert [(link.url, link.kind) for link in after.links] == [("https://gazette.example/act", "law")]
