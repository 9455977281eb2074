"""Every public output of a published assessment shows aggregates only: no institution's own figure,
no person's name, no e-mail, whatever the page, JSON, PDF, CSV or XLSX."""

import csv
import html
import io
import json
import re
import subprocess

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Assessment, Institution, Participant, Response
from assessments.visibility import public_q
from reports.models import Report
from reports.services import report_generate

pytestmark = pytest.mark.django_db

BLOCK_END = re.compile(
    r"</(tr|li|p|h\d|div|dt|dd|caption|option|section|table|ul|ol|figcaption)>|<br\s*/?>", re.I
)
TAG = re.compile(r"<[^>]+>")


def html_lines(text: str) -> list[str]:
    text = re.sub(r"<script.*?</script>", " ", text, flags=re.S | re.I)
    return [html.unescape(TAG.sub(" ", line)) for line in BLOCK_END.split(text) if line]


def pdf_lines(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.splitlines()


def json_problems(data, institutions: set[str], where: str = "$") -> list[str]:
    """Objects that put an institution's name beside a number, or use a name as a key."""
    problems = []
    if isinstance(data, dict):
        names = [v for v in data.values() if isinstance(v, str) and v in institutions]
        numbers = [
            k
            for k, v in data.items()
            if isinstance(v, int | float) and not isinstance(v, bool) and v is not None
        ]
        if names and numbers:
            problems.append(f"{where}: {names[0]} beside {numbers}")
        problems += [f"{where}.{k}: a name as a key" for k in data if k in institutions]
        for key, value in data.items():
            problems += json_problems(value, institutions, f"{where}.{key}")
    elif isinstance(data, list):
        for n, value in enumerate(data):
            problems += json_problems(value, institutions, f"{where}[{n}]")
    return problems


@pytest.fixture
def published(db):
    call_command("load_framework", "--shipped")
    call_command("load_demo")
    assessment = Assessment.objects.get(country="XA", status="published", kind="self", area="", round="2024")
    # The coordinator chose to publish justifications: their text is public, never who gave them.
    Assessment.objects.filter(pk=assessment.pk).update(publish_justifications=True)
    for n, response in enumerate(Response.objects.filter(assessment=assessment).order_by("pk")[:40]):
        Response.objects.filter(pk=response.pk).update(justification=f"Reason {n} with 12 cases in 2023.")
    assessment.refresh_from_db()
    return assessment


def secrets(assessment: Assessment) -> tuple[set[str], list[str]]:
    institutions = set(Institution.objects.filter(assessments=assessment).values_list("name", flat=True))
    people = []
    for participant in Participant.objects.filter(assessment=assessment).select_related("user"):
        user = participant.user
        people += [user.get_full_name(), user.email]
        if "-" in user.username:  # distinctive usernames (plain ones like "labour" are ordinary words)
            people.append(user.username)
    return institutions, [p for p in people if p]


def check_lines(lines: list[str], institutions: set[str], people: list[str], what: str) -> None:
    for line in lines:
        for person in people:
            assert person not in line, f"{what}: {person!r} in {line.strip()!r}"
        for name in institutions:
            if name in line:
                assert not re.search(r"\d", line), f"{what}: a figure beside {name!r}: {line.strip()!r}"


def test_every_public_output_hides_people_and_institution_figures(client, published, tmp_path):
    institutions, people = secrets(published)
    assert institutions and people
    pk = published.pk
    codes = list(published.framework.indicators.values_list("code", flat=True)[:12])
    shadow = Assessment.objects.get(country="XA", kind="independent")

    pages = [
        reverse("results:dashboard", args=[pk]),
        reverse("assessments:assessment_detail", args=[pk]),
        *(reverse("assessments:indicator_detail", args=[pk, code]) for code in codes),
    ]
    # Pages across assessments: an organisation that publishes its own assessment (the union's shadow
    # one) is named beside that assessment's figures, by its choice; its answers inside this one are not.
    across = [
        reverse("results:trend", args=["XA"]) + f"?framework={published.framework.slug}",
        reverse("results:benchmark") + f"?framework={published.framework.slug}",
        reverse("home"),
        reverse("countries"),
        reverse("country", args=["XA"]),
        reverse("results:compare") + f"?a={pk}&b={shadow.pk}",
    ]
    authors = set(Assessment.objects.filter(public_q()).values_list("author_organisation", flat=True))
    assert "Demoland Trade Union Confederation" in authors & institutions
    for url in pages + across:
        response = client.get(url)
        assert response.status_code == 200, url
        named = institutions - authors if url in across else institutions
        check_lines(html_lines(response.text), named, people, url)
    justified = client.get(reverse("assessments:indicator_detail", args=[pk, codes[0]])).text
    assert "Justifications given" in justified and "recorded by" not in justified

    data = client.get(reverse("reports:results_json", args=[pk])).json()
    assert data["assessment"]["visibility"] == "public"
    assert json_problems(data, institutions) == []
    text = json.dumps(data, ensure_ascii=False)
    assert not [p for p in people if p in text]

    for table in ("indicators", "categories"):
        response = client.get(
            reverse("results:data_download", args=[pk, "results", "csv"]) + f"?table={table}"
        )
        rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
        check_lines([" | ".join(row) for row in rows], institutions, people, f"CSV {table}")
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("results:data_download", args=[pk, "results", "xlsx"])).getvalue())
    )
    for sheet in workbook.worksheets:
        lines = [
            " | ".join("" if c is None else str(c) for c in row) for row in sheet.iter_rows(values_only=True)
        ]
        check_lines(lines, institutions, people, f"XLSX {sheet.title}")
    assert client.get(reverse("results:data_download", args=[pk, "responses", "csv"])).status_code == 404

    summary = client.get(reverse("results:summary_pdf", args=[pk]))
    check_lines(pdf_lines(b"".join(summary.streaming_content), tmp_path), institutions, people, "summary PDF")

    client.post(reverse("results:report_create", args=[pk]), {"language": "en"})
    report = Report.objects.get(assessment=published, kind="report")
    assert report.audience == "public"
    report_generate(report.pk)
    download = client.get(reverse("results:report_download", args=[pk, report.pk]))
    lines = pdf_lines(b"".join(download.streaming_content), tmp_path)
    check_lines(lines, institutions, people, "report PDF")
    assert any("Reason 0 with 12 cases in 2023." in line for line in lines)  # published, unattributed


def test_the_public_cannot_fetch_the_participants_copy_of_a_report(client, published):
    report = Report.objects.create(
        assessment=published, language="en", fingerprint="p" * 64, status="done", audience="participants"
    )
    assert client.get(reverse("results:report", args=[published.pk, report.pk])).status_code == 404
    assert client.get(reverse("results:report_download", args=[published.pk, report.pk])).status_code == 404
