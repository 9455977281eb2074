"""Reading an uploaded workbook: every kind of problem, each named with its sheet, row and column, and
what the written workbook holds (protection, lists, typed text, the hidden sheet)."""

import io
import zipfile
from datetime import datetime

import pytest

from assessments.models import Assessment, Evidence, Response
from assessments.services import (
    assessment_create,
    evidence_add,
    institution_add,
    participant_add,
    response_set,
)
from assessments.workbook import layout, workbook_apply, workbook_build, workbook_preview
from indicators.services import framework_load
from tests.assessments.workbook_helpers import cell, fill, open_book, row_of, to_bytes
from tests.frameworks import dump, small_framework_data
from tests.people import participant_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def lina(assessment, respondent_labour):
    return participant_of(assessment, respondent_labour)


@pytest.fixture
def book(assessment, lina):
    return open_book(workbook_build(assessment=assessment, participant=lina))


def preview_of(assessment, participant, raw: bytes):
    return workbook_preview(assessment=assessment, participant=participant, raw=raw)


def places(preview) -> list[tuple[str, str]]:
    return [(p.sheet, p.cell) for p in preview.problems]


# -- What the workbook holds ------------------------------------------------------------------


def test_only_the_answer_cells_can_be_edited(book):
    sheet, row = row_of(book, "RL-01")
    assert sheet.protection.sheet
    for column in (*layout.QUESTION_COLUMNS, layout.RECORDED):
        assert sheet.cell(row=row, column=column).protection.locked
    for column in layout.ANSWER_COLUMNS:
        assert not sheet.cell(row=row, column=column).protection.locked
    assert book.security.lockStructure
    assert book["_coherence"].sheet_state == "hidden" and book["_lists"].sheet_state == "hidden"


def test_the_level_cell_has_a_drop_down_of_the_scale_plus_na_and_dont_know(book):
    sheet, row = row_of(book, "RL-01")
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    level = validations[f"E{row}"]
    assert level.type == "list" and level.showErrorMessage
    assert level.formula1 == "'_lists'!$A$1:$A$7"
    assert [book["_lists"].cell(row=n, column=1).value for n in range(1, 8)] == [
        "0 · L0",
        "1 · L1",
        "2 · L2",
        "3 · L3",
        "4 · L4",
        "Not applicable",
        "Don't know",
    ]
    assert validations[f"F{row}"].formula1 == "'_lists'!$B$1:$B$3"
    assert validations[f"J{row}"].formula1 == "'_lists'!$C$1:$C$6"


def test_the_hidden_sheet_says_what_the_workbook_is_for(book, assessment, lina):
    meta = {row[0].value: row[1].value for row in book["_coherence"].iter_rows(max_row=17)}
    assert meta["assessment"] == str(assessment.pk)
    assert (meta["framework"], meta["framework_version"]) == ("small", "1.0")
    assert (meta["for"], meta["participant"], meta["institution"]) == (
        "participant",
        str(lina.pk),
        str(lina.institution_id),
    )
    assert meta["downloaded_at"] and len(meta["questions_checksum"]) == 64 and meta["signature"]


def test_saved_answers_are_prefilled_as_typed_text_never_as_formulas(assessment, lina, respondent_labour):
    indicator = assessment.framework.indicators.get(code="RL-01")
    response_set(
        assessment=assessment,
        indicator=indicator,
        participant=lina,
        user=respondent_labour,
        answer="level",
        level_code="2",
        implementation="paper",
        justification='=HYPERLINK("https://evil.example","click")',
        expected_version=0,
    )
    book = open_book(workbook_build(assessment=assessment, participant=lina))
    assert cell(book, "RL-01", "level").value == "2 · L2"
    assert cell(book, "RL-01", "applied").value == "On paper only"
    justification = cell(book, "RL-01", "justification")
    assert justification.value == '=HYPERLINK("https://evil.example","click")'
    assert justification.data_type == "s"
    # Left as it is, the row is unchanged: nothing is read differently from what was written.
    preview = preview_of(assessment, lina, to_bytes(book))
    assert not preview.problems and [c.status for c in preview.changes] == ["unchanged"]


def test_evidence_already_recorded_is_listed_beside_each_indicator(assessment, lina, respondent_labour):
    evidence_add(
        assessment=assessment,
        user=respondent_labour,
        title="Act",
        kind="law",
        indicators=[assessment.framework.indicators.get(code="RL-01")],
        url="https://gazette.example/act",
    )
    book = open_book(workbook_build(assessment=assessment, participant=lina))
    sheet, row = row_of(book, "RL-01")
    assert sheet.cell(row=row, column=layout.RECORDED).value == "Act (https://gazette.example/act)"


def test_one_sheet_per_stage_when_asked(small_framework, coordinator, respondent_labour):
    data = small_framework_data()
    data["version"] = "2.0"
    data["dimensions"].append(
        {
            "code": "stage",
            "role": "lifecycle",
            "label": {"en": "Stage", "fr": "Étape"},
            "categories": [
                {"code": "PD", "label": {"en": "Pre-departure", "fr": "Avant le départ"}},
                {"code": "RR", "label": {"en": "Return", "fr": "Retour"}},
            ],
        }
    )
    data["indicators"][0]["categories"]["stage"] = "RR"
    data["indicators"][1]["categories"]["stage"] = "PD"
    framework = framework_load(text=dump(data)).framework
    assessment = assessment_create(user=coordinator, country="XA", framework=framework, round="2027")
    labour = institution_add(assessment=assessment, name="Ministry of Labour", kind="government")
    participant = participant_add(
        assessment=assessment, user=respondent_labour, role="respondent", institution=labour
    )
    Assessment.objects.filter(pk=assessment.pk).update(status="collecting")
    assessment.refresh_from_db()
    by_stage = open_book(workbook_build(assessment=assessment, participant=participant, by="stage"))
    assert by_stage.sheetnames[1:3] == ["PD Pre-departure", "RR Return"]
    assert row_of(by_stage, "SD-01")[0].title == "PD Pre-departure"
    fill(by_stage, "SD-01", level="1 · L1")
    preview = preview_of(assessment, participant, to_bytes(by_stage))
    assert not preview.problems and [c.code for c in preview.new] == ["SD-01"]


# -- Problems, each with its place ------------------------------------------------------------


def test_a_level_not_on_the_list_is_a_problem_at_its_cell(assessment, lina, book):
    fill(book, "RL-01", level="5 · L5")
    fill(book, "SD-01", level="9")
    preview = preview_of(assessment, lina, to_bytes(book))
    assert places(preview) == [("RL Rule of law", "E3"), ("SD Social dialogue", "E3")]
    assert "'5 · L5' is not on the list" in preview.problems[0].message
    assert str(preview.problems[0]).startswith("Sheet “RL Rule of law”, row 3, column E (Your answer): ")


def test_a_bare_level_code_or_label_typed_by_hand_is_read(assessment, lina, book):
    fill(book, "RL-01", level=3)  # a number typed in the cell
    fill(book, "SD-01", level="  l2 ")
    preview = preview_of(assessment, lina, to_bytes(book))
    assert not preview.problems
    assert [(c.code, c.workbook.level) for c in preview.new] == [("RL-01", "3"), ("SD-01", "2")]


def test_an_unknown_implementation_or_evidence_kind_is_a_problem(assessment, lina, book):
    fill(book, "RL-01", level="1 · L1", applied="Mostly")
    fill(book, "SD-01", level="1 · L1", link="https://example.org/x", kind="Rumour")
    preview = preview_of(assessment, lina, to_bytes(book))
    assert places(preview) == [("RL Rule of law", "F3"), ("SD Social dialogue", "J3")]


def test_an_answer_without_a_level_is_a_problem(assessment, lina, book):
    fill(book, "RL-01", justification="We think so")
    assert places(preview_of(assessment, lina, to_bytes(book))) == [("RL Rule of law", "E3")]


def test_an_unknown_code_is_a_problem_whether_typed_in_a_new_row_or_over_a_code(assessment, lina, book):
    sheet, row = row_of(book, "RL-01")
    sheet.cell(row=row + 2, column=layout.CODE).value = "XX-01"
    sheet.cell(row=row + 2, column=layout.LEVEL).value = "1 · L1"
    other, other_row = row_of(book, "SD-01")
    other.cell(row=other_row, column=layout.CODE).value = "SD-1"
    preview = preview_of(assessment, lina, to_bytes(book))
    assert places(preview) == [("RL Rule of law", "A5"), ("SD Social dialogue", "A3")]
    assert all("Unknown indicator code" in p.message for p in preview.problems)


def test_an_edit_outside_the_answer_cells_is_a_problem_at_that_cell(assessment, lina, book):
    sheet, row = row_of(book, "RL-01")
    sheet.cell(row=row, column=layout.QUESTION).value = "Is C97 ratified and applied?"
    sheet.cell(row=row, column=layout.LEVELS).value = "anything"
    fill(book, "SD-01", level="2 · L2")
    preview = preview_of(assessment, lina, to_bytes(book))
    assert places(preview) == [("RL Rule of law", "B3"), ("RL Rule of law", "D3")]
    assert "put back “Is C97 ratified?”" in preview.problems[0].message
    with pytest.raises(Exception, match="only the answer cells"):
        workbook_apply(
            assessment=assessment, participant=lina, user=lina.user, raw=to_bytes(book), choices={}
        )
    assert not Response.objects.exists()  # any problem: nothing applied, not even SD-01


def test_a_row_moved_or_removed_is_a_problem_for_the_whole_workbook(assessment, lina, book):
    sheet, row = row_of(book, "RL-01")
    sheet.move_range(f"A{row}:K{row}", rows=1)
    preview = preview_of(assessment, lina, to_bytes(book))
    assert any("rows were moved or removed" in p.message for p in preview.problems)


def test_a_link_that_is_not_http_or_https_is_a_problem(assessment, lina, book):
    fill(book, "RL-01", level="1 · L1", link="javascript:alert(1)", title="Click", kind="Law")
    fill(book, "SD-01", level="1 · L1", link="file:///etc/passwd", kind="Law")
    preview = preview_of(assessment, lina, to_bytes(book))
    assert places(preview) == [("RL Rule of law", "H3"), ("SD Social dialogue", "H3")]
    assert all("http or https" in p.message for p in preview.problems)


def test_an_evidence_title_without_a_link_is_a_problem(assessment, lina, book):
    fill(book, "RL-01", title="Decree")
    assert places(preview_of(assessment, lina, to_bytes(book))) == [("RL Rule of law", "H3")]


def test_emptying_a_saved_answer_is_a_problem(assessment, lina, respondent_labour):
    response_set(
        assessment=assessment,
        indicator=assessment.framework.indicators.get(code="RL-01"),
        participant=lina,
        user=respondent_labour,
        answer="dk",
        expected_version=0,
    )
    book = open_book(workbook_build(assessment=assessment, participant=lina))
    fill(book, "RL-01", level=None)
    preview = preview_of(assessment, lina, to_bytes(book))
    assert places(preview) == [("RL Rule of law", "E3")] and "emptied" in preview.problems[0].message


def test_a_formula_is_read_as_the_text_typed(assessment, lina, book):
    fill(book, "RL-01", level="=A1", justification="=1+1")
    fill(book, "SD-01", level="2 · L2", justification='=WEBSERVICE("https://evil.example")')
    sheet, row = row_of(book, "SD-01")
    assert sheet.cell(row=row, column=layout.JUSTIFICATION).data_type == "f"  # a live formula in the file
    preview = preview_of(assessment, lina, to_bytes(book))
    assert places(preview) == [("RL Rule of law", "E3")]  # "=A1" is not a level
    fill(book, "RL-01", level="1 · L1")
    preview = preview_of(assessment, lina, to_bytes(book))
    assert [c.workbook.justification for c in preview.new] == ["=1+1", '=WEBSERVICE("https://evil.example")']


def test_a_workbook_for_another_assessment_is_refused(
    assessment, lina, coordinator, respondent_labour, small_framework
):
    other = assessment_create(user=coordinator, country="XB", framework=small_framework, round="2026")
    labour = institution_add(assessment=other, name="Ministry of Labour", kind="government")
    there = participant_add(assessment=other, user=respondent_labour, role="respondent", institution=labour)
    raw = workbook_build(assessment=assessment, participant=lina)
    preview = preview_of(other, there, raw)
    assert [p.message for p in preview.problems] == [
        f"This workbook is for another assessment ({assessment})."
    ]


def test_a_workbook_for_another_institution_is_refused(assessment, lina, respondent_union):
    raw = workbook_build(assessment=assessment, participant=lina, kind="institution")
    umar = participant_of(assessment, respondent_union)
    preview = preview_of(assessment, umar, raw)
    assert [p.message for p in preview.problems] == [
        "This workbook is for Ministry of Labour; you answer for Trade Union Confederation."
    ]


def test_a_persons_workbook_is_theirs_alone_even_within_their_institution(assessment, lina, colleague_labour):
    raw = workbook_build(assessment=assessment, participant=lina)
    preview = preview_of(assessment, participant_of(assessment, colleague_labour), raw)
    assert "holds the answers of Lina Labour" in preview.problems[0].message


def test_a_workbook_for_another_framework_version_is_refused(assessment, lina):
    raw = workbook_build(assessment=assessment, participant=lina)
    data = small_framework_data()
    data["version"] = "1.1"
    newer = framework_load(text=dump(data)).framework
    Assessment.objects.filter(pk=assessment.pk).update(framework=newer)
    assessment.refresh_from_db()
    preview = preview_of(assessment, lina, raw)
    assert [p.message for p in preview.problems] == [
        "This workbook is for version small 1.0 of the framework; this assessment uses version small 1.1."
    ]


def test_an_edited_hidden_sheet_is_refused(assessment, lina, book):
    meta = book["_coherence"]
    for row in meta.iter_rows(max_row=20):
        if row[0].value == "participant":
            row[1].value = "999"
    preview = preview_of(assessment, lina, to_bytes(book))
    assert "hidden sheet was changed" in preview.problems[0].message


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "not a workbook"),
        (b"%PDF-1.4\n%%EOF\n", "not a workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old .xls file"),
        (zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "OpenDocument"),
        (zip_of({"hello.txt": b"hello"}), "cannot be read as an Excel workbook"),
        (b"PK\x03\x04broken", "not a valid zip archive"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused_with_a_reason(assessment, lina, raw, words):
    preview = preview_of(assessment, lina, raw)
    assert len(preview.problems) == 1 and words in preview.problems[0].message


def test_another_xlsx_file_is_not_taken_for_a_workbook(assessment, lina):
    import openpyxl

    preview = preview_of(assessment, lina, to_bytes(openpyxl.Workbook()))
    assert "not a workbook downloaded from Coherence" in preview.problems[0].message


def test_a_workbook_over_the_size_limit_is_refused(assessment, lina, book, settings):
    raw = to_bytes(book)
    settings.WORKBOOK_MAX_BYTES = len(raw) - 1
    assert "larger than" in preview_of(assessment, lina, raw).problems[0].message


def test_a_zip_bomb_is_refused_before_openpyxl_reads_it(assessment, lina, book):
    raw = to_bytes(book)
    members = {}
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for name in archive.namelist():
            members[name] = archive.read(name)
    members["xl/bomb.xml"] = b"\0" * (5 * 1024 * 1024)  # compresses about 1000 times
    preview = preview_of(assessment, lina, zip_of(members))
    assert "compressed" in preview.problems[0].message


def test_rows_beyond_the_cap_are_a_problem(assessment, lina, book, settings):
    settings.WORKBOOK_MAX_ROWS = 5
    sheet, row = row_of(book, "RL-01")
    for n in range(1, 10):
        sheet.cell(row=row + n, column=layout.JUSTIFICATION).value = "padding"
    preview = preview_of(assessment, lina, to_bytes(book))
    assert any("more than 5 rows" in p.message for p in preview.problems)


def test_an_evidence_link_is_added_once_and_the_same_workbook_twice_changes_nothing(assessment, lina, book):
    fill(book, "RL-01", level="3 · L3", link="https://gazette.example/act", kind="Law")
    raw = to_bytes(book)
    applied = workbook_apply(assessment=assessment, participant=lina, user=lina.user, raw=raw, choices={})
    assert (applied.answers, applied.links) == (1, 1)
    evidence = Evidence.objects.get()
    assert evidence.title == "https://gazette.example/act"  # no title given: the link is its title
    again = workbook_apply(assessment=assessment, participant=lina, user=lina.user, raw=raw, choices={})
    assert (again.answers, again.links) == (0, 0)
    assert Evidence.objects.count() == 1 and Response.objects.get().version == 1


def test_applying_is_refused_outside_collection_and_for_people_who_do_not_score(
    assessment, lina, book, observer
):
    from assessments.services import AssessmentError

    fill(book, "RL-01", level="3 · L3")
    raw = to_bytes(book)
    with pytest.raises(AssessmentError):
        workbook_apply(assessment=assessment, participant=lina, user=observer, raw=raw, choices={})
    Assessment.objects.filter(pk=assessment.pk).update(status="review")
    assessment.refresh_from_db()
    with pytest.raises(AssessmentError):
        workbook_apply(assessment=assessment, participant=lina, user=lina.user, raw=raw, choices={})
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (True, True),
        (3.0, False),  # a number typed as 3 or 3.0 is the level code 3
        (2.5, True),
        (datetime(2026, 1, 1), True),
        ("   ", False),  # blank: no answer
        ("x" * 40_000, True),
    ],
)
def test_any_value_in_an_answer_cell_is_read_or_refused_never_an_error(
    assessment, lina, book, value, problem
):
    fill(book, "RL-01", level=value)
    fill(book, "SD-01", level="1 · L1", justification=value)
    preview = preview_of(assessment, lina, to_bytes(book))
    assert bool(preview.problems) == problem, [str(p) for p in preview.problems]
