"""manage.py import_workbook: the same checks and services as the web upload, from the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Response
from assessments.services import response_set
from assessments.workbook import workbook_build
from tests.assessments.workbook_helpers import fill, open_book, to_bytes
from tests.people import participant_of

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_workbook", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def lina(assessment, respondent_labour):
    return participant_of(assessment, respondent_labour)


def filled(assessment, participant, tmp_path, kind="participant", **levels) -> str:
    book = open_book(workbook_build(assessment=assessment, participant=participant, kind=kind))
    for code, level in levels.items():
        fill(book, code.replace("_", "-"), level=level)
    path = tmp_path / "filled.xlsx"
    path.write_bytes(to_bytes(book))
    return path


def test_a_dry_run_shows_the_changes_and_saves_nothing(assessment, lina, tmp_path):
    path = filled(assessment, lina, tmp_path, RL_01="3 · L3")
    out = run(path, "--assessment", assessment.pk, "--dry-run")
    assert "new: RL-01: 3 · L3" in out and "Dry run: nothing saved." in out
    assert not Response.objects.exists()


def test_a_persons_workbook_becomes_their_answers_with_the_history_saying_so(assessment, lina, tmp_path):
    path = filled(assessment, lina, tmp_path, RL_01="3 · L3", SD_01="Not applicable")
    assert "Saved 2 answer(s)" in run(path, "--assessment", assessment.pk)
    saved = Response.objects.filter(participant=lina).order_by("indicator__code")
    assert [(r.indicator.code, r.answer) for r in saved] == [("RL-01", "level"), ("SD-01", "na")]
    assert {r.history.first().history_change_reason for r in saved} == {"workbook"}
    assert {r.history.first().history_user for r in saved} == {lina.user}


def test_a_workbook_with_problems_applies_nothing(assessment, lina, tmp_path):
    path = filled(assessment, lina, tmp_path, RL_01="3 · L3", SD_01="11")
    with pytest.raises(CommandError, match="nothing applied, 1 problem"):
        run(path, "--assessment", assessment.pk)
    assert not Response.objects.exists()


def test_an_institution_workbook_needs_the_respondent_it_becomes(
    assessment, lina, colleague_labour, tmp_path
):
    path = filled(assessment, lina, tmp_path, kind="institution", RL_01="2 · L2")
    with pytest.raises(CommandError, match="give --participant ID"):
        run(path, "--assessment", assessment.pk)
    lucas = participant_of(assessment, colleague_labour)
    run(path, "--assessment", assessment.pk, "--participant", lucas.pk)
    assert list(Response.objects.values_list("participant", flat=True)) == [lucas.pk]


def test_the_institution_given_must_be_the_workbooks(assessment, lina, respondent_union, tmp_path):
    path = filled(assessment, lina, tmp_path, RL_01="2 · L2")
    union = participant_of(assessment, respondent_union).institution
    with pytest.raises(CommandError, match="is for institution"):
        run(path, "--assessment", assessment.pk, "--institution", union.pk)


def test_conflicts_need_keep_or_take_for_each(assessment, lina, tmp_path):
    rl01 = assessment.framework.indicators.get(code="RL-01")

    def save(level, version):
        response_set(
            assessment=assessment,
            indicator=rl01,
            participant=lina,
            user=lina.user,
            answer="level",
            level_code=level,
            expected_version=version,
        )

    save("1", 0)
    path = filled(assessment, lina, tmp_path, RL_01="4 · L4")
    save("2", 1)
    with pytest.raises(CommandError, match="Conflicts need a choice, nothing applied: RL-01"):
        run(path, "--assessment", assessment.pk)
    run(path, "--assessment", assessment.pk, "--take", "RL-01")
    assert Response.objects.get().level.code == "4"


def test_a_workbook_of_another_assessment_or_a_missing_one_is_refused(
    assessment, other_assessment, lina, tmp_path
):
    path = filled(assessment, lina, tmp_path, RL_01="2 · L2")
    with pytest.raises(CommandError):
        run(path, "--assessment", other_assessment.pk, "--participant", lina.pk)
    with pytest.raises(CommandError, match="No assessment"):
        run(path, "--assessment", 9999)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="not a workbook"):
        run(bad, "--assessment", assessment.pk)
