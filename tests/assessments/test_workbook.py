"""The offline workbook end to end, as a respondent walks it: download, fill in a spreadsheet program,
upload, see the problems with their cells, fix them, confirm, and find exactly those answers in the
database, the history and the dashboard; a conflicting web edit in between is offered as a choice."""

import pytest
from django.urls import reverse

from assessments.models import Assessment, Evidence, Response
from assessments.selectors import indicator_history
from assessments.workbook import layout
from tests.assessments.workbook_helpers import cell, download, fill, row_of, to_bytes, upload
from tests.people import participant_of

pytestmark = pytest.mark.django_db


def answers_of(assessment, user) -> dict[str, tuple]:
    rows = Response.objects.filter(assessment=assessment, participant__user=user).select_related(
        "indicator", "level"
    )
    return {
        r.indicator.code: (r.answer, r.level.code if r.level else None, r.implementation, r.justification)
        for r in rows
    }


def save_on_the_web(client, assessment, code: str, level: str, version: int, justification: str = ""):
    response = client.post(
        reverse("assessments:response_save", args=[assessment.pk, code]),
        {"answer": f"level:{level}", "version": version, "justification": justification},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200, response.content


def test_a_respondent_fills_the_workbook_fixes_its_problems_and_finds_exactly_those_answers(
    client, assessment, respondent_labour
):
    client.force_login(respondent_labour)
    book = download(client, assessment)
    assert [s.title for s in book.worksheets] == [
        "Read me",
        "RL Rule of law",
        "SD Social dialogue",
        "_lists",
        "_coherence",
    ]

    # As a person would: pick levels, type a justification (one starts with "="), add a link; and
    # three mistakes: a level not on the list, a row with a code the framework does not have, a formula
    # where the level goes.
    fill(
        book,
        "RL-01",
        level="7 · Superb",
        applied="Partly implemented",
        justification="Ratified in 2019; decree 4/2021 applies it.",
        link="https://gazette.example/decree-4-2021",
        title="Decree 4/2021",
        kind="Law",
    )
    fill(book, "SD-01", level='=CHOOSE(2,"1 · L1","2 · L2")', justification="=SUM(A1:A3)")
    sheet, row = row_of(book, "RL-01")
    sheet.cell(row=row + 1, column=layout.CODE, value="RL-99")
    sheet.cell(row=row + 1, column=layout.LEVEL, value="2 · L2")

    page = upload(client, assessment, to_bytes(book))
    assert page.status_code == 200
    problems = {(p.sheet, p.cell): p.message for p in page.context["problems"]}
    assert set(problems) == {("RL Rule of law", "E3"), ("RL Rule of law", "A4"), ("SD Social dialogue", "E3")}
    assert "is not on the list" in problems[("RL Rule of law", "E3")]
    assert "Unknown indicator code 'RL-99'" in problems[("RL Rule of law", "A4")]
    assert "=CHOOSE" in problems[("SD Social dialogue", "E3")]  # read as the text typed, never run
    assert "Nothing was saved: 3 problems" in page.text and "E3" in page.text and "A4" in page.text
    assert not Response.objects.filter(assessment=assessment).exists()
    assert not Evidence.objects.filter(assessment=assessment).exists()

    # Fixed: the right level, the stray row cleared, a level picked from the list.
    fill(book, "RL-01", level="3 · L3")
    fill(book, "SD-01", level="Don't know")
    sheet.cell(row=row + 1, column=layout.CODE).value = None
    sheet.cell(row=row + 1, column=layout.LEVEL).value = None
    page = upload(client, assessment, to_bytes(book))
    assert page.status_code == 302
    preview_url = page["Location"]

    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert [c.code for c in preview.context["preview"].new] == ["RL-01", "SD-01"]
    assert "2 new answers" in preview.text and "1 evidence link to add" in preview.text
    assert not Response.objects.filter(assessment=assessment).exists()  # nothing before confirming

    done = client.post(preview_url, {"fingerprint": preview.context["preview"].fingerprint})
    assert done.status_code == 302 and done["Location"] == reverse("assessments:score", args=[assessment.pk])
    assert answers_of(assessment, respondent_labour) == {
        "RL-01": ("level", "3", "partly", "Ratified in 2019; decree 4/2021 applies it."),
        "SD-01": ("dk", None, "", "=SUM(A1:A3)"),
    }
    assert Response.objects.filter(assessment=assessment).count() == 2  # nobody else's answers
    evidence = Evidence.objects.get(assessment=assessment)
    assert (evidence.url, evidence.title, evidence.kind) == (
        "https://gazette.example/decree-4-2021",
        "Decree 4/2021",
        "law",
    )
    assert list(evidence.indicators.values_list("code", flat=True)) == ["RL-01"]

    # The history says where the answers came from, on the indicator's page too.
    rl01 = assessment.framework.indicators.get(code="RL-01")
    entries = indicator_history(assessment=assessment, indicator=rl01)
    assert {e.subject: e.source for e in entries} == {"answer": "workbook", "evidence": "workbook"}
    detail = client.get(reverse("assessments:indicator_detail", args=[assessment.pk, "RL-01"]))
    assert "from workbook" in detail.text

    # The dashboard's figures move: RL-01 is the labour ministry's 75; SD-01 (don't know) has no value.
    results = client.get(reverse("reports:results_json", args=[assessment.pk])).json()
    values = {i["code"]: i["value"] for i in results["indicators"]}
    assert values == {"RL-01": 75, "SD-01": None}
    assert client.get(reverse("results:dashboard", args=[assessment.pk])).status_code == 200

    # The same workbook again changes nothing and adds no evidence twice.
    again = client.get(upload(client, assessment, to_bytes(book))["Location"]).context["preview"]
    assert [c.status for c in again.changes] == ["unchanged", "unchanged"] and not again.links


def test_a_web_edit_after_the_download_is_a_conflict_offered_row_by_row(
    client, assessment, respondent_labour
):
    client.force_login(respondent_labour)
    save_on_the_web(client, assessment, "RL-01", "1", 0)
    save_on_the_web(client, assessment, "SD-01", "0", 0)
    book = download(client, assessment)
    assert cell(book, "RL-01", "level").value == "1 · L1"  # saved answers are filled in

    # Meanwhile, on the web (another tab, a colleague's laptop): both answers change.
    save_on_the_web(client, assessment, "RL-01", "2", 1, "Checked again")
    save_on_the_web(client, assessment, "SD-01", "1", 1)
    # In the workbook, RL-01 changes too; SD-01 is left as it was downloaded.
    fill(book, "RL-01", level="4 · L4")

    preview_url = upload(client, assessment, to_bytes(book))["Location"]
    page = client.get(preview_url)
    preview = page.context["preview"]
    assert [(c.code, c.status) for c in preview.changes] == [("RL-01", "conflict"), ("SD-01", "kept")]
    conflict = preview.conflicts[0]
    assert conflict.current_text == "2 · L2 · “Checked again”" and conflict.workbook_text == "4 · L4"
    assert 'name="conflict_RL-01"' in page.text and "Keep the server&#x27;s answer" in page.text

    # Confirming without a choice saves nothing.
    refused = client.post(preview_url, {"fingerprint": preview.fingerprint})
    assert refused.status_code == 200 and "Choose which answer to keep." in refused.text
    assert answers_of(assessment, respondent_labour)["RL-01"][1] == "2"

    client.post(preview_url, {"fingerprint": preview.fingerprint, "conflict_RL-01": "take"})
    answers = answers_of(assessment, respondent_labour)
    assert answers["RL-01"] == ("level", "4", "", "")  # the workbook's, as chosen
    assert answers["SD-01"][1] == "1"  # the server's newer answer, never overwritten by the old one


def test_keeping_the_server_answer_in_a_conflict_leaves_it_as_it_is(client, assessment, respondent_labour):
    client.force_login(respondent_labour)
    save_on_the_web(client, assessment, "RL-01", "1", 0)
    book = download(client, assessment)
    save_on_the_web(client, assessment, "RL-01", "2", 1)
    fill(book, "RL-01", level="4 · L4")
    fill(book, "SD-01", level="3 · L3")
    preview_url = upload(client, assessment, to_bytes(book))["Location"]
    preview = client.get(preview_url).context["preview"]
    client.post(preview_url, {"fingerprint": preview.fingerprint, "conflict_RL-01": "keep"})
    answers = answers_of(assessment, respondent_labour)
    assert answers["RL-01"][1] == "2" and answers["SD-01"][1] == "3"
    rl01 = Response.objects.get(
        assessment=assessment, participant__user=respondent_labour, indicator__code="RL-01"
    )
    assert rl01.version == 2  # not even saved again


def test_a_change_on_the_server_between_preview_and_confirmation_applies_nothing(
    client, assessment, respondent_labour
):
    client.force_login(respondent_labour)
    book = download(client, assessment)
    fill(book, "RL-01", level="3 · L3")
    fill(book, "SD-01", level="2 · L2")
    preview_url = upload(client, assessment, to_bytes(book))["Location"]
    seen = client.get(preview_url).context["preview"].fingerprint
    save_on_the_web(client, assessment, "RL-01", "1", 0)  # after the preview was shown
    page = client.post(preview_url, {"fingerprint": seen})
    assert page.status_code == 409
    assert "check it again" in page.text
    assert answers_of(assessment, respondent_labour) == {"RL-01": ("level", "1", "", "")}
    assert [c.status for c in page.context["preview"].changes] == ["conflict", "new"]


def test_an_institution_workbook_becomes_the_answers_of_the_colleague_who_uploads_it(
    client, assessment, respondent_labour, colleague_labour
):
    client.force_login(respondent_labour)
    save_on_the_web(client, assessment, "RL-01", "2", 0, "Lina's view")
    book = download(client, assessment, kind="institution", by="criterion")
    assert cell(book, "RL-01", "level").value == "2 · L2"  # the institution's latest answer
    fill(book, "SD-01", level="3 · L3")

    client.force_login(colleague_labour)
    preview_url = upload(client, assessment, to_bytes(book))["Location"]
    page = client.get(preview_url)
    assert "its answers become the answers of <strong>Lucas Labour</strong>" in page.text
    assert [(c.code, c.status) for c in page.context["preview"].changes] == [
        ("RL-01", "new"),
        ("SD-01", "new"),
    ]
    client.post(preview_url, {"fingerprint": page.context["preview"].fingerprint})
    assert answers_of(assessment, colleague_labour) == {
        "RL-01": ("level", "2", "", "Lina's view"),
        "SD-01": ("level", "3", "", ""),
    }
    assert answers_of(assessment, respondent_labour) == {"RL-01": ("level", "2", "", "Lina's view")}


def test_someone_elses_preview_is_not_found(client, assessment, respondent_labour, colleague_labour):
    client.force_login(respondent_labour)
    book = download(client, assessment)
    fill(book, "RL-01", level="3 · L3")
    preview_url = upload(client, assessment, to_bytes(book))["Location"]
    client.force_login(colleague_labour)
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url, {"fingerprint": "x"}).status_code == 404
    assert not Response.objects.exists()


def test_cancelling_a_preview_forgets_the_upload(client, assessment, respondent_labour):
    client.force_login(respondent_labour)
    book = download(client, assessment)
    fill(book, "RL-01", level="3 · L3")
    preview_url = upload(client, assessment, to_bytes(book))["Location"]
    assert client.post(preview_url, {"cancel": "1"}).status_code == 302
    assert client.get(preview_url).status_code == 404
    assert not Response.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "observer", "reviewer", "coordinator"])
def test_people_who_do_not_score_cannot_download_or_upload(client, assessment, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    expected = 404 if who == "outsider" else 403
    assert client.get(reverse("assessments:workbook", args=[assessment.pk])).status_code == expected
    assert client.get(reverse("assessments:workbook_download", args=[assessment.pk])).status_code == expected
    lina = participant_of(assessment, request.getfixturevalue("respondent_labour"))
    from assessments.workbook import workbook_build

    page = upload(client, assessment, workbook_build(assessment=assessment, participant=lina))
    assert page.status_code == expected
    assert not Response.objects.exists()


def test_a_closed_assessment_takes_no_workbook(client, assessment, respondent_labour):
    client.force_login(respondent_labour)
    book = download(client, assessment)
    fill(book, "RL-01", level="3 · L3")
    raw = to_bytes(book)
    preview_url = upload(client, assessment, raw)["Location"]
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.REVIEW)
    assert client.get(reverse("assessments:workbook_download", args=[assessment.pk])).status_code == 403
    assert upload(client, assessment, raw).status_code == 403
    assert client.post(preview_url, {"fingerprint": "x"}).status_code == 403
    assert not Response.objects.exists()


def test_the_scoring_page_and_the_assessment_page_link_to_the_workbook(client, assessment, respondent_labour):
    client.force_login(respondent_labour)
    url = reverse("assessments:workbook", args=[assessment.pk])
    assert url in client.get(reverse("assessments:score", args=[assessment.pk])).text
    assert url in client.get(reverse("assessments:assessment_detail", args=[assessment.pk])).text
    page = client.get(url)
    assert page.status_code == 200 and 'name="kind"' in page.text and 'name="by"' in page.text


def test_a_download_with_a_wrong_choice_says_so(client, assessment, respondent_labour):
    client.force_login(respondent_labour)
    page = client.get(reverse("assessments:workbook_download", args=[assessment.pk]), {"kind": "x"})
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_the_workbook_comes_in_the_interface_language_and_reads_back_in_it(
    client, assessment, respondent_labour
):
    client.force_login(respondent_labour)
    response = client.get(f"/fr/assessments/{assessment.pk}/workbook/download/")
    from tests.assessments.workbook_helpers import open_book

    book = open_book(response.getvalue())
    sheet, row = row_of(book, "RL-01")
    assert sheet.title == "RL État de droit"
    assert sheet.cell(row=row, column=layout.QUESTION).value == "La C97 est-elle ratifiée ?"
    assert book["_lists"]["A1"].value == "0 · N0"
    fill(book, "RL-01", level="4 · N4")
    fill(book, "SD-01", level=book["_lists"]["A6"].value)  # "Not applicable", in French
    page = upload(client, assessment, to_bytes(book))
    assert page.status_code == 302
    preview = client.get(page["Location"]).context["preview"]
    assert [(c.code, c.workbook.answer, c.workbook.level) for c in preview.new] == [
        ("RL-01", "level", "4"),
        ("SD-01", "na", ""),
    ]
