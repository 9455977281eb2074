"""The default framework shipped with Coherence is complete: coverage, content and translations."""

from collections import Counter
from pathlib import Path

import pytest

from indicators.loader import framework_parse

SHIPPED = Path(__file__).resolve().parents[2] / "indicators" / "frameworks"
LANGUAGES = ["en", "fr", "es"]


@pytest.fixture(scope="module", params=["1.0", "1.1"])
def framework(request) -> dict:
    """Both shipped versions: 1.0 stays loadable for the assessments made on it."""
    path = SHIPPED / f"ilo-labour-migration-governance-{request.param}.yaml"
    return framework_parse(path.read_text(encoding="utf-8"))


def categories(framework, dimension):
    spec = next(d for d in framework["dimensions"] if d["code"] == dimension)
    return [c["code"] for c in spec["categories"]]


def test_it_has_between_60_and_120_indicators(framework):
    assert 60 <= len(framework["indicators"]) <= 120


def test_every_criterion_meets_every_stage(framework):
    cells = Counter((i["categories"]["criterion"], i["categories"]["stage"]) for i in framework["indicators"])
    empty = [
        (criterion, stage)
        for criterion in categories(framework, "criterion")
        for stage in categories(framework, "stage")
        if not cells[(criterion, stage)]
    ]
    assert empty == []


def test_every_essential_element_of_coherence_has_at_least_three_indicators(framework):
    counts = Counter(i["categories"].get("coherence_element") for i in framework["indicators"])
    assert {element: counts[element] for element in categories(framework, "coherence_element")} == {
        element: counts[element]
        for element in categories(framework, "coherence_element")
        if counts[element] >= 3
    }


def test_the_dimensions_of_the_design_are_all_there(framework):
    roles = {d["code"]: d.get("role") for d in framework["dimensions"]}
    assert roles == {
        "criterion": "criteria",
        "stage": "lifecycle",
        "coherence_element": "coherence_elements",
        "mflm": None,
        "gcm": None,
        "context": None,
    }
    assert len(categories(framework, "criterion")) == 6
    assert len(categories(framework, "coherence_element")) == 6
    assert len(categories(framework, "mflm")) == 9
    assert len(categories(framework, "gcm")) == 23


def test_every_indicator_is_complete_in_english_french_and_spanish(framework):
    incomplete = []
    for indicator in framework["indicators"]:
        texts = [indicator[f] for f in ("question", "guidance", "evidence")]
        texts += [indicator["levels"].get(code, {}) for code in ["0", "1", "2", "3", "4"]]
        if any(not text.get(lang) for text in texts for lang in LANGUAGES) or not indicator.get("references"):
            incomplete.append(indicator["code"])
    assert incomplete == []


def test_questions_are_questions(framework):
    assert all(i["question"]["en"].rstrip().endswith("?") for i in framework["indicators"])
    assert all("¿" in i["question"]["es"] for i in framework["indicators"])


@pytest.mark.parametrize(
    "theme",
    [
        "recruitment fee",
        "change employer",
        "organi",  # right to organise / trade union
        "labour dispute",
        "social security",
        "labour inspection",
        "orientation",
        "remittance",
        "reintegration",
        "statistic",
        "inter-ministerial",
        "tripartite",  # social dialogue mechanisms
        "bilateral",
        "women",
        "local government",
    ],
)
def test_the_themes_of_the_seed_texts_are_covered(framework, theme):
    text = " ".join(f"{i['question']['en']} {i['guidance']['en']}" for i in framework["indicators"]).lower()
    assert theme in text
