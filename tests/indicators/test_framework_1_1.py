"""Version 1.1 of the default framework: the facts a labour-migration specialist corrected, one question
per indicator, at least two indicators per criterion and stage, and every 1.0 indicator accounted for."""

import re
from collections import Counter
from pathlib import Path

import pytest

from indicators.loader import framework_parse
from indicators.services import framework_load

SHIPPED = Path(__file__).resolve().parents[2] / "indicators" / "frameworks"
OLD, NEW = (SHIPPED / f"ilo-labour-migration-governance-{v}.yaml" for v in ("1.0", "1.1"))
LANGUAGES = ("en", "fr", "es")


@pytest.fixture(scope="module")
def new() -> dict:
    return framework_parse(NEW.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def old() -> dict:
    return framework_parse(OLD.read_text(encoding="utf-8"))


def indicator(framework, code):
    return next(i for i in framework["indicators"] if i["code"] == code)


def text(item, lang) -> str:
    """Everything an indicator says in one language: question, guidance, evidence, level descriptors."""
    parts = [item.get(field, {}).get(lang, "") for field in ("question", "guidance", "evidence")]
    parts += [level.get(lang, "") for level in (item.get("levels") or {}).values()]
    return " ".join(parts)


def test_target_10_7_is_quoted_in_full_in_every_language(new):
    title = next(r for r in new["references"] if r["code"] == "SDG-10-7")["title"]
    assert "through the implementation of planned and well-managed migration policies" in title["en"]
    assert "mise en œuvre de politiques migratoires planifiées et bien gérées" in title["fr"]
    assert "aplicación de políticas migratorias planificadas y bien gestionadas" in title["es"]


@pytest.mark.parametrize(
    "lang, cap, corridor",
    [
        ("en", "3 per cent", "5 per cent"),
        ("fr", "3 pour cent", "5 pour cent"),
        ("es", "3 por ciento", "5 por ciento"),
    ],
)
def test_sdg_10c_is_an_average_below_3_and_no_corridor_above_5(new, lang, cap, corridor):
    top = indicator(new, "RR-04")["levels"]["4"][lang]
    assert cap in top and corridor in top
    assert not re.search(r"(every|chaque|todos los) corr", top, re.I)


@pytest.mark.parametrize(
    "lang, protocol", [("en", "2014 Protocol"), ("fr", "Protocole de 2014"), ("es", "Protocolo de 2014")]
)
def test_non_punishment_comes_from_the_2014_protocol_to_the_forced_labour_convention(new, lang, protocol):
    item = next(
        i
        for i in new["indicators"]
        if "P29" in i.get("references", [])
        and protocol in text(i, lang)
        and re.search(r"4\s?\(2\)|4, p[aá]r", text(i, lang))
    )
    assert "P29" in item["references"]


@pytest.mark.parametrize(
    "lang, exception, principles",
    [
        ("en", "Article 7(2)", "General Principles and Operational Guidelines for Fair Recruitment"),
        ("fr", "paragraphe 2", "Principes généraux et directives opérationnelles"),
        ("es", "párrafo 2", "Principios generales y directrices prácticas"),
    ],
)
def test_the_no_fee_rule_comes_from_the_fair_recruitment_principles_and_c181_allows_exceptions(
    new, lang, exception, principles
):
    said = text(indicator(new, "RD-02"), lang)
    assert exception in said and principles in said


@pytest.mark.parametrize(
    "lang, status", [("en", "legal status"), ("fr", "statut juridique"), ("es", "condición jurídica")]
)
def test_c181_article_3_consultation_is_on_the_legal_status_of_agencies(new, lang, status):
    said = text(indicator(new, "RD-10"), lang)
    assert status in said
    assert re.search(r"Article 3|article 3|artículo 3", said)


@pytest.mark.parametrize(
    "lang, not_a_ground, sources",
    [
        (
            "en",
            "nationality is not one of its grounds",
            ("Article 6 of Convention No. 97", "Part II of Convention No. 143"),
        ),
        (
            "fr",
            "la nationalité ne figure pas parmi ses motifs",
            ("article 6 de la convention nº 97", "partie II de la convention nº 143"),
        ),
        (
            "es",
            "la nacionalidad no figura entre sus motivos",
            ("artículo 6 del Convenio núm. 97", "parte II del Convenio núm. 143"),
        ),
    ],
)
def test_equal_treatment_of_migrants_comes_from_c97_and_c143_not_c111(new, lang, not_a_ground, sources):
    said = text(indicator(new, "ES-06"), lang)
    assert not_a_ground in said
    assert all(source in said for source in sources)


def test_every_criterion_meets_every_stage_at_least_twice(new):
    cells = Counter((i["categories"]["criterion"], i["categories"]["stage"]) for i in new["indicators"])
    criteria = [c["code"] for d in new["dimensions"] if d["code"] == "criterion" for c in d["categories"]]
    stages = [c["code"] for d in new["dimensions"] if d["code"] == "stage" for c in d["categories"]]
    thin = {(c, s): cells[(c, s)] for c in criteria for s in stages if cells[(c, s)] < 2}
    assert thin == {}


def test_no_question_asks_two_things(new):
    double = [
        (i["code"], lang)
        for i in new["indicators"]
        for lang in LANGUAGES
        if i["question"][lang].count("?") > 1
        or re.search(r"\band/or\b|\bet/ou\b|\by/o\b", i["question"][lang])
    ]
    assert double == []


def test_every_10_indicator_is_accounted_for_and_the_named_ones_as_the_issue_says(old, new):
    links = new["continuity"]["indicators"]
    assert new["continuity"]["from"] == "1.0"
    assert set(links) == {i["code"] for i in old["indicators"]}
    codes = {i["code"] for i in new["indicators"]}
    assert all(set(link.get("to", [])) <= codes for link in links.values())
    # questions that asked several things are split or narrowed
    for code in ("CC-01", "TR-01", "RD-14"):
        assert links[code]["relation"] == "split", code
    assert links["PD-13"]["relation"] in {"split", "revised"}  # narrowed to one thing
    for code in ("ES-06", "ES-12", "CC-05"):
        assert links[code]["relation"] != "same", code
    # overlaps merged into one indicator
    assert links["ES-12"] == {**links["ES-12"], "relation": "merged", "to": ["RR-02"]}
    assert links["CC-16"]["relation"] == "merged" and links["CC-16"]["to"] == ["ES-22"]
    assert links["PD-04"]["relation"] == "merged" and links["PD-04"]["to"] == ["CC-05"]
    assert links["CC-03"]["relation"] == "merged" and links["CC-03"]["to"] == ["RD-04"]
    # items outside a labour-migration remit leave or change
    assert links["TR-06"]["relation"] == "dropped" and links["TR-04"]["relation"] == "dropped"
    assert links["CC-14"]["relation"] != "same"
    # every link that is not `same` says what changed, in every language
    for code, link in links.items():
        if link["relation"] != "same":
            assert set(link.get("note", {})) == set(LANGUAGES), code


def test_ratification_is_not_scored_and_application_indicators_name_their_instruments(new):
    for item in new["indicators"]:
        assert not re.match(r"(Has|Have) .* ratified", item["question"]["en"]), item["code"]
    assert {"C97", "C143"} <= set(indicator(new, "CC-01")["references"])


def test_no_country_ranking_by_default_and_weights_are_explained(new):
    assert new["ranking"] is False
    assert all(new["weighting"][lang] for lang in LANGUAGES)
    assert {i.get("weight", 1) for i in new["indicators"]} == {1, 2}


def test_version_11_loads_after_10_and_both_stay_loadable(db):
    first = framework_load(text=OLD.read_text(encoding="utf-8")).framework
    second = framework_load(text=NEW.read_text(encoding="utf-8")).framework
    assert (first.version, second.version) == ("1.0", "1.1")
    assert first.indicators.count() == 90 and second.indicators.count() == 120
    assert second.continuity["indicators"]["ES-12"]["to"] == ["RR-02"]


def all_text(framework, lang):
    for item in framework["indicators"]:
        yield item["code"], text(item, lang)


def test_the_ilo_terms_and_one_register_per_language(new):
    french = dict(all_text(new, "fr"))
    spanish = dict(all_text(new, "es"))
    assert not [c for c, t in spanish.items() if re.search(r"\bcostes?\b", t)]  # "costo" throughout
    assert not [c for c, t in french.items() if "frais de recrutement" in t]
    assert any("commissions de recrutement et frais connexes" in t for t in french.values())
    assert any("acuerdos bilaterales sobre migración laboral" in t for t in spanish.values())
    # guidance speaks to the reader ("Vérifiez"), never in the infinitive ("Vérifier")
    infinitive = re.compile(r"(^|\. )(Vérifier|Demander|Examiner|Évaluer) ")
    assert not [
        i["code"] for i in new["indicators"] if infinitive.search(i.get("guidance", {}).get("fr", ""))
    ]
    # French punctuation: a non-breaking space before : ; ? !
    assert not [c for c, t in french.items() if re.search(r"\w[:;?!](\s|$)", t)]
