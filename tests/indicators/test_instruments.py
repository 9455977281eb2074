"""The instruments catalogue and countries' ratification records: shipped as data, imported from a
documented CSV (all rows or none, every problem with its row), entered by a site administrator with the
same checks, shown beside the questions that refer to an instrument and in the report; never scored."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from indicators.instruments import (
    CATALOGUE,
    InstrumentsInvalid,
    country_statuses,
    instruments_load,
    ratification_set,
    ratifications_import,
)
from indicators.models import Instrument, Ratification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HEADER = "country,instrument,status,date,source_url,source_date\n"
NORMLEX = "https://normlex.ilo.org/dyn/nrmlx_en/f?p=NORMLEXPUB:11200:0::NO::P11200_COUNTRY_ID:102632"


@pytest.fixture
def catalogue(db):
    instruments_load(text=CATALOGUE.read_text(encoding="utf-8"))


def test_the_shipped_catalogue_has_official_titles_in_three_languages(catalogue):
    assert Instrument.objects.count() >= 30
    for code in ("C97", "C143", "C181", "C189", "C190", "C102", "C118", "C157", "P29", "ICRMW", "CEDAW"):
        instrument = Instrument.objects.get(code=code)
        assert all(instrument.title.get(lang) for lang in ("en", "fr", "es")), code
    fundamental = set(Instrument.objects.filter(fundamental=True).values_list("code", flat=True))
    assert fundamental == {"C29", "P29", "C87", "C98", "C100", "C105", "C111", "C138", "C182", "C155", "C187"}
    assert Instrument.objects.get(code="ICRMW").depositary == "untc"
    assert Instrument.objects.get(code="C97").depositary == "ilo-normlex"


def test_loading_the_catalogue_twice_changes_nothing(catalogue):
    before = list(Instrument.objects.values_list("code", "position"))
    instruments_load(text=CATALOGUE.read_text(encoding="utf-8"))
    assert list(Instrument.objects.values_list("code", "position")) == before


def test_a_broken_catalogue_lists_every_problem_and_loads_nothing(db):
    text = (
        "version: '1'\ninstruments:\n  - {code: C97, kind: treaty, year: 1949, depositary: ilo-normlex}\n"
        "  - {code: C97, kind: ilo-convention, year: x, depositary: nobody, title: {en: T},"
        " url: 'javascript:x'}\n"
    )
    with pytest.raises(InstrumentsInvalid) as refused:
        instruments_load(text=text)
    said = "\n".join(refused.value.problems)
    for expected in (
        "instruments[0].kind",
        "instruments[0].title.fr",
        "instruments[1].code: duplicate",
        "instruments[1].year",
        "instruments[1].depositary",
        "instruments[1].url",
    ):
        assert expected in said
    assert not Instrument.objects.exists()


def test_a_good_csv_imports_every_record(catalogue):
    text = (
        HEADER
        + f"FR,C97,ratified,1954-03-29,{NORMLEX},2026-11-30\nFR,C143,not-ratified,,{NORMLEX},2026-11-30\n"
        "FR,ICRMW,not-ratified,,https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY,2026-11-30\n"
    )
    assert ratifications_import(text=text) == 3
    record = Ratification.objects.get(country="FR", instrument__code="C97")
    assert record.status == "ratified" and record.date == datetime.date(1954, 3, 29)


def test_a_bad_csv_lists_every_problem_with_its_row_and_imports_nothing(catalogue):
    text = HEADER + "\n".join(
        [
            f"FR,C97,ratified,1954-03-29,{NORMLEX},2026-11-30",  # fine, not imported: others are wrong
            f"FR,C97,ratifed,1954-03-29,{NORMLEX},2026-11-30",  # row 3: unknown status, and a duplicate
            f"FR,C189,signed,2012-01-01,{NORMLEX},2026-11-30",  # row 4: ILO conventions are not signed
            "FR,C181,ratified,2015-01-01,https://example.org/x,2026-11-30",  # row 5: a placeholder source
            f"FR,C190,ratified,2030-01-01,{NORMLEX},2026-13-01",  # row 6: future date, bad source date
            f"FR,XX99,ratified,2000-01-01,{NORMLEX},2026-11-30",  # row 7: not in the catalogue
            f"ZY,C97,not-ratified,2000-01-01,{NORMLEX},2026-11-30",  # row 8: no such country; a date
            "FR,C155,ratified,2000-01-01,javascript:alert(1),2026-11-30",  # row 9: not a web address
            "FR,C87,ratified",  # row 10: too few fields
        ]
    )
    with pytest.raises(InstrumentsInvalid) as refused:
        ratifications_import(text=text)
    said = "\n".join(refused.value.problems)
    for expected in (
        "row 3: status",
        "row 3: country+instrument: FR C97 is already given in row 2",
        "row 4: status: ILO",
        "row 5: source_url",
        "row 6: source_date",
        "row 7: instrument",
        "row 8: country",
        "row 8: date",
        "row 9: source_url",
        "row 10: 3 fields",
    ):
        assert expected in said, expected
    assert not Ratification.objects.exists()


def test_demo_records_may_cite_a_placeholder_source_real_countries_may_not(catalogue):
    demo = HEADER + "XA,C97,ratified,1998-04-21,https://example.org/demo-ratifications,2026-11-30\n"
    assert ratifications_import(text=demo) == 1
    with pytest.raises(InstrumentsInvalid):
        ratifications_import(text=demo.replace("XA,", "KE,"))


def test_the_command_checks_a_file_without_writing_on_a_dry_run(catalogue, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + f"FR,C97,ratified,1954-03-29,{NORMLEX},2026-11-30\n")
    call_command("import_ratifications", str(good), "--dry-run")
    assert "1 records would be imported" in capsys.readouterr().out
    assert not Ratification.objects.exists()
    call_command("import_ratifications", str(good))
    assert Ratification.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + f"FR,C97,maybe,1954-03-29,{NORMLEX},2026-11-30\n")
    with pytest.raises(CommandError, match="row 2: status"):
        call_command("import_ratifications", str(bad))


def test_a_new_record_replaces_the_old_one_and_history_keeps_it(catalogue):
    c97 = Instrument.objects.get(code="C97")
    day = datetime.date(2026, 11, 30)
    ratification_set(
        country="FR", instrument=c97, status="not-ratified", when=None, source_url=NORMLEX, source_date=day
    )
    ratification_set(
        country="FR",
        instrument=c97,
        status="ratified",
        when=datetime.date(2026, 1, 5),
        source_url=NORMLEX,
        source_date=day,
    )
    record = Ratification.objects.get(country="FR", instrument=c97)
    assert record.status == "ratified"
    assert [h.status for h in record.history.order_by("history_date")] == ["not-ratified", "ratified"]


def test_without_a_record_nothing_is_guessed(catalogue):
    statuses = country_statuses("FR", ["C97", "C143"])
    assert [s.instrument.code for s in statuses] == ["C97", "C143"]
    assert all(s.record is None for s in statuses)


def test_the_scoring_page_shows_the_countrys_status_beside_the_question(
    client, catalogue, assessment, respondent_labour
):
    c97 = Instrument.objects.get(code="C97")
    url = reverse("assessments:score", args=[assessment.pk])
    client.force_login(respondent_labour)
    assert "no record" in client.get(url).text  # RL-01 refers to C97; nothing recorded for Demoland yet
    ratification_set(
        country="XA",
        instrument=c97,
        status="ratified",
        when=datetime.date(1998, 4, 21),
        source_url="https://example.org/demo",
        source_date=datetime.date(2026, 11, 30),
    )
    page = client.get(url).text
    assert "Ratification by Demoland (a fact, not scored)" in page and "21 April 1998" in page
    card = client.get(reverse("assessments:score_card", args=[assessment.pk, "RL-01"])).text
    assert "21 April 1998" in card  # a card reloaded after a conflict keeps it


def test_the_report_has_a_ratification_table_that_says_when_there_is_no_record(catalogue, assessment):
    from django.template.loader import render_to_string
    from django.utils import translation

    from reports.pdf import report_context
    from reports.results import view_for

    ratification_set(
        country="XA",
        instrument=Instrument.objects.get(code="C97"),
        status="ratified",
        when=datetime.date(1998, 4, 21),
        source_url="https://example.org/demo",
        source_date=datetime.date(2026, 11, 30),
    )
    with translation.override("en"):
        context = report_context(view_for(assessment.created_by, assessment), "en", with_charts="")
        html = render_to_string("reports/pdf/report.html", context)
    assert [s.instrument.code for s in context["ratifications"]] == ["C97"]
    assert "Ratification of international instruments" in html and "21 April 1998" in html


def test_a_site_administrator_enters_a_record_with_the_same_checks(client, catalogue):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:indicators_ratification_add")
    c189 = Instrument.objects.get(code="C189")
    refused = client.post(
        url,
        {
            "country": "FR",
            "instrument": c189.pk,
            "status": "signed",
            "date": "2012-01-01",
            "source_url": NORMLEX,
            "source_date": "2026-11-30",
        },
    )
    assert refused.status_code == 200 and "ratified, never signed" in refused.text
    assert not Ratification.objects.exists()
    client.post(
        url,
        {
            "country": "FR",
            "instrument": c189.pk,
            "status": "not-ratified",
            "date": "",
            "source_url": NORMLEX,
            "source_date": "2026-11-30",
        },
    )
    record = Ratification.objects.get()
    assert record.status == "not-ratified" and record.recorded_by.username == "root"
