"""The framework loader refuses every kind of mistake, saying where, and loads nothing from a bad file."""

import re
from pathlib import Path

import pytest

from indicators.loader import FrameworkInvalid, framework_parse
from indicators.models import Framework, Indicator
from indicators.services import framework_load
from tests.frameworks import dump

ROOT = Path(__file__).resolve().parents[2]


def problems_of(text: str) -> list[str]:
    with pytest.raises(FrameworkInvalid) as caught:
        framework_parse(text)
    return [str(p) for p in caught.value.problems]


def test_the_small_framework_is_valid(small):
    assert framework_parse(dump(small))["slug"] == "small"


def test_the_example_in_the_format_document_is_valid():
    doc = (ROOT / "docs" / "framework-format.md").read_text(encoding="utf-8")
    example = doc.split("## A complete small example", 1)[1]
    text = re.search(r"```yaml\n(.*?)```", example, re.S).group(1)
    assert framework_parse(text)["slug"] == "example"


def test_malformed_yaml_is_reported_with_its_line():
    text = "format: 1\nslug: x\ntitle: {en: [unclosed\nversion: '1'\n"
    [problem] = problems_of(text)
    assert problem.startswith("line ")
    assert "malformed YAML" in problem


def test_an_unknown_dimension_is_refused(small):
    small["indicators"][1]["categories"]["colour"] = "red"
    [problem] = problems_of(dump(small))
    assert "indicators[1].categories.colour: unknown dimension colour" in problem


def test_an_unknown_category_is_refused(small):
    small["indicators"][0]["categories"]["criterion"] = "XX"
    [problem] = problems_of(dump(small))
    assert "indicators[0].categories.criterion: unknown category XX in dimension criterion" in problem


def test_an_indicator_on_a_category_with_children_is_refused(small):
    small["indicators"][0]["categories"]["area"] = ["A"]
    [problem] = problems_of(dump(small))
    assert "category A has sub-categories" in problem


def test_an_indicator_without_a_required_dimension_is_refused(small):
    del small["indicators"][1]["categories"]["criterion"]
    [problem] = problems_of(dump(small))
    assert "indicator SD-01 has no category in the required dimension criterion" in problem


def test_several_categories_in_a_single_dimension_are_refused(small):
    small["indicators"][1]["categories"]["criterion"] = ["RL", "SD"]
    [problem] = problems_of(dump(small))
    assert "dimension criterion takes one category per indicator" in problem


def test_a_duplicate_indicator_code_is_refused(small):
    small["indicators"][1]["code"] = "RL-01"
    [problem] = problems_of(dump(small))
    assert "indicators[1].code: duplicate indicator code RL-01" in problem


def test_a_duplicate_category_code_is_refused_even_when_nested(small):
    small["dimensions"][1]["categories"][0]["children"][1]["code"] = "A"
    problems = problems_of(dump(small))
    assert any("duplicate category code A in this dimension" in p for p in problems)


def test_a_level_descriptor_outside_the_scale_is_refused(small):
    small["indicators"][0]["levels"]["5"] = {"en": "Beyond", "fr": "Au-delà"}
    [problem] = problems_of(dump(small))
    assert "indicators[0].levels.5: level 5 is not on the scale" in problem


def test_a_level_value_outside_0_to_100_is_refused(small):
    small["scale"]["levels"][4]["value"] = 120
    [problem] = problems_of(dump(small))
    assert "scale.levels[4].value" in problem
    assert "out of range" in problem


def test_level_values_must_increase(small):
    small["scale"]["levels"][2]["value"] = 10
    [problem] = problems_of(dump(small))
    assert "scale.levels[2].value: level values must increase" in problem


def test_bands_that_leave_a_gap_are_refused(small):
    small["bands"][1]["lower"] = 60
    [problem] = problems_of(dump(small))
    assert "bands[1].lower: gap: no band covers 50 to 60" in problem


def test_bands_that_overlap_are_refused(small):
    small["bands"][1]["lower"] = 40
    [problem] = problems_of(dump(small))
    assert "bands[1].lower: overlap" in problem


def test_bands_that_stop_short_of_100_are_refused(small):
    small["bands"][1]["upper"] = 90
    [problem] = problems_of(dump(small))
    assert "gap: no band covers 90 to 100" in problem


def test_a_point_band_at_100_is_allowed_last(small):
    small["bands"].append(
        {"code": "full", "lower": 100, "upper": 100, "label": {"en": "Full", "fr": "Plein"}}
    )
    assert framework_parse(dump(small))["bands"][-1]["code"] == "full"


def test_a_missing_translation_of_a_required_field_is_refused(small):
    del small["indicators"][1]["question"]["fr"]
    [problem] = problems_of(dump(small))
    assert "indicators[1].question: missing the fr translation" in problem


def test_text_in_an_unlisted_language_is_refused(small):
    small["title"]["de"] = "Kleiner Rahmen"
    [problem] = problems_of(dump(small))
    assert "title.de: text in de" in problem


def test_an_unknown_reference_is_refused(small):
    small["indicators"][1]["references"] = ["C999"]
    [problem] = problems_of(dump(small))
    assert "indicators[1].references[0]: unknown reference C999" in problem


def test_two_primary_dimensions_are_refused(small):
    small["dimensions"][1]["primary"] = True
    [problem] = problems_of(dump(small))
    assert "dimensions[1].primary: only one dimension can be primary" in problem


def test_a_missing_field_and_a_wrong_type_are_reported_together(small):
    del small["aggregation"]
    small["version"] = 1.0
    problems = problems_of(dump(small))
    assert any("missing required field(s): aggregation" in p for p in problems)
    assert any(p.startswith("line 3, version: must be of type string") and "quotes" in p for p in problems)


def test_every_problem_is_listed_not_only_the_first(small):
    small["indicators"][0]["categories"]["criterion"] = "XX"
    small["indicators"][1]["code"] = "RL-01"
    small["bands"][1]["lower"] = 60
    del small["title"]["fr"]
    assert len(problems_of(dump(small))) == 4


def test_problems_carry_the_line_of_the_offending_value(small):
    small["indicators"][1]["categories"]["criterion"] = "XX"
    text = dump(small)
    [problem] = problems_of(text)
    line = int(re.match(r"line (\d+)", problem).group(1))
    assert "criterion: XX" in text.splitlines()[line - 1]


@pytest.mark.django_db
def test_a_bad_file_writes_no_row(small):
    small["indicators"][1]["categories"]["criterion"] = "XX"
    with pytest.raises(FrameworkInvalid):
        framework_load(text=dump(small))
    assert Framework.objects.count() == 0
    assert Indicator.objects.count() == 0


def test_an_alias_bomb_is_refused_quickly_with_a_clear_message():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 12)]  # 10**12 nodes
    with pytest.raises(FrameworkInvalid) as caught:
        framework_parse("\n".join(lines))
    assert "anchors and aliases" in str(caught.value)


def test_a_file_nested_too_deeply_is_refused():
    with pytest.raises(FrameworkInvalid) as caught:
        framework_parse("[" * 5000 + "]" * 5000)
    assert "nested too deeply" in str(caught.value)


def test_a_file_may_use_a_few_anchors_and_aliases(small):
    text = (
        dump(small)
        .replace("title:\n", "title: &title\n", 1)
        .replace("aggregation: flat", "description: *title\naggregation: flat", 1)
    )
    data = framework_parse(text)
    assert data["description"] == data["title"] == {"en": "Small framework", "fr": "Petit cadre"}
