"""Tests for reports.analysis: every figure checked against frames and numbers worked out by hand."""

import math
from dataclasses import dataclass, replace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports import analysis
from reports.analysis import Band

NAN = math.nan
DEFAULT_SCALE = [0.0, 25.0, 50.0, 75.0, 100.0]
YES_NO = [0.0, 100.0]
SDG_BANDS = [
    Band("further-progress", 0, 40),
    Band("partially-meets", 40, 80),
    Band("meets", 80, 100),
    Band("fully-meets", 100, 100),
]
RESPONSE_COLUMNS = ["indicator", "participant", "institution", "answer", "value", "implementation"]


# --- frame builders ---


def responses_frame(rows=()):
    """Rows of (indicator, participant, institution, answer, value[, implementation])."""
    full = [(*row, "") if len(row) == 5 else row for row in rows]
    return pd.DataFrame(full, columns=RESPONSE_COLUMNS).astype({"value": float})


def consensus_frame(rows=()):
    return pd.DataFrame(list(rows), columns=["indicator", "answer", "value"]).astype({"value": float})


def indicators_frame(weights):
    """Indicators in the given order from a code -> weight mapping."""
    rows = [(code, float(weight), position) for position, (code, weight) in enumerate(weights.items())]
    return pd.DataFrame(rows, columns=["code", "weight", "position"])


def memberships_frame(rows=()):
    return pd.DataFrame(list(rows), columns=["indicator", "dimension", "category"])


def categories_frame(rows=()):
    """Rows of (dimension, code, parent[, cross_cutting]); positions follow the row order."""
    full = [
        (row[0], row[1], row[2], position, row[3] if len(row) > 3 else False)
        for position, row in enumerate(rows)
    ]
    return pd.DataFrame(full, columns=["dimension", "code", "parent", "position", "cross_cutting"])


def dimensions_frame(rows=()):
    return pd.DataFrame(list(rows), columns=["code", "role", "primary"])


def participants_frame(rows=()):
    return pd.DataFrame(list(rows), columns=["participant", "institution"])


def evidence_frame(rows=()):
    return pd.DataFrame(list(rows), columns=["indicator", "evidence"])


@dataclass(frozen=True)
class Assessment:
    """Everything the analysis reads about one assessment."""

    responses: pd.DataFrame
    consensus: pd.DataFrame
    indicators: pd.DataFrame
    memberships: pd.DataFrame
    categories: pd.DataFrame
    dimensions: pd.DataFrame
    participants: pd.DataFrame
    evidence: pd.DataFrame
    aggregation: str = "flat"
    scale: tuple[float, ...] = tuple(DEFAULT_SCALE)

    def results(self):
        return analysis.indicator_results(self.responses, self.consensus, self.indicators)

    def scores(self, dimension, aggregation=None):
        return analysis.category_scores(
            self.results(), self.memberships, self.categories, dimension, aggregation or self.aggregation
        )

    def overall(self, aggregation=None):
        return analysis.overall_score(
            self.results(),
            self.memberships,
            self.categories,
            self.dimensions,
            aggregation or self.aggregation,
        )

    def coherence(self, aggregation=None):
        return analysis.coherence(
            results=self.results(),
            responses=self.responses,
            memberships=self.memberships,
            categories=self.categories,
            dimensions=self.dimensions,
            aggregation=aggregation or self.aggregation,
            scale_values=self.scale,
        )


ILO_DIMENSIONS = dimensions_frame(
    [("criterion", "criteria", True), ("stage", "lifecycle", False), ("element", "coherence_elements", False)]
)


def worked_example():
    """The example of DESIGN.md: three indicators, a labour ministry (two people) and a trade union."""
    return Assessment(
        responses=responses_frame(
            [
                ("A", 1, "labour", "level", 75.0, "paper"),
                ("A", 2, "labour", "level", 25.0, "partly"),
                ("A", 3, "union", "level", 0.0, "paper"),
                ("B", 1, "labour", "level", 100.0, "practice"),
                ("B", 3, "union", "na", NAN),
                ("C", 3, "union", "level", 50.0),
            ]
        ),
        consensus=consensus_frame([("C", "level", 75.0)]),
        indicators=indicators_frame({"A": 1, "B": 2, "C": 1}),
        memberships=memberships_frame(
            [
                ("A", "criterion", "RL"),
                ("A", "stage", "pre-departure"),
                ("A", "element", "E1"),
                ("B", "criterion", "PC"),
                ("B", "stage", "return"),
                ("C", "criterion", "PC"),
                ("C", "stage", "cross-cutting"),
            ]
        ),
        categories=categories_frame(
            [
                ("criterion", "RL", None),
                ("criterion", "PC", None),
                ("stage", "pre-departure", None),
                ("stage", "employment", None),
                ("stage", "return", None),
                ("stage", "cross-cutting", None, True),
                ("element", "E1", None),
                ("element", "E2", None),
            ]
        ),
        dimensions=ILO_DIMENSIONS,
        participants=participants_frame([(1, "labour"), (2, "labour"), (3, "union"), (4, "employers")]),
        evidence=evidence_frame([("B", 501)]),
    )


def sdg_assessment(yes_counts):
    """SDG 10.7.2 roll-up: six domains of five yes/no indicators, one government respondent."""
    codes = {f"PD{d}.{i}": 1 for d in range(1, 7) for i in range(1, 6)}
    rows = [
        (f"PD{d}.{i}", 1, "government", "level", 100.0 if i <= yes else 0.0)
        for d, yes in enumerate(yes_counts, start=1)
        for i in range(1, 6)
    ]
    return Assessment(
        responses=responses_frame(rows),
        consensus=consensus_frame(),
        indicators=indicators_frame(codes),
        memberships=memberships_frame([(code, "domain", code.split(".")[0]) for code in codes]),
        categories=categories_frame([("domain", f"PD{d}", None) for d in range(1, 7)]),
        dimensions=dimensions_frame([("domain", "criteria", True)]),
        participants=participants_frame([(1, "government")]),
        evidence=evidence_frame(),
        aggregation="hierarchical",
        scale=tuple(YES_NO),
    )


def nested_assessment():
    """Area P holds L1 (three indicators at 100) and L2 (one at 0); area Q holds L3 (one at 50)."""
    values = {"X": 100.0, "Y": 100.0, "Z": 100.0, "W": 0.0, "V": 50.0}
    leaf = {"X": "L1", "Y": "L1", "Z": "L1", "W": "L2", "V": "L3"}
    return Assessment(
        responses=responses_frame([(code, 1, "labour", "level", value) for code, value in values.items()]),
        consensus=consensus_frame(),
        indicators=indicators_frame(dict.fromkeys(values, 1)),
        memberships=memberships_frame([(code, "area", leaf[code]) for code in values]),
        categories=categories_frame(
            [
                ("area", "P", None),
                ("area", "L1", "P"),
                ("area", "L2", "P"),
                ("area", "Q", None),
                ("area", "L3", "Q"),
            ]
        ),
        dimensions=dimensions_frame([("area", "criteria", True)]),
        participants=participants_frame([(1, "labour")]),
        evidence=evidence_frame(),
    )


# --- the worked example of DESIGN.md ---


def test_worked_example_gives_each_institution_the_median_of_its_people():
    levels = analysis.institution_levels(worked_example().responses)["value"]

    assert levels.to_dict() == {
        ("A", "labour"): 50.0,
        ("A", "union"): 0.0,
        ("B", "labour"): 100.0,
        ("C", "union"): 50.0,
    }


def test_worked_example_indicator_values_come_from_institutions_or_consensus():
    results = worked_example().results()

    assert list(results.index) == ["A", "B", "C"]
    assert results["value"].tolist() == [25.0, 100.0, 75.0]
    assert results["source"].tolist() == ["median", "median", "consensus"]
    assert results["n_answers"].tolist() == [3, 1, 1]
    assert results.loc["A", "institution_values"] == {"labour": 50.0, "union": 0.0}
    assert results.loc["B", "institution_values"] == {"labour": 100.0}


def test_worked_example_overall_is_the_weighted_mean_of_indicator_values():
    assert worked_example().overall() == pytest.approx(75.0)


def test_worked_example_criterion_scores():
    scores = worked_example().scores("criterion")["score"]

    assert scores["PC"] == pytest.approx(275 / 3)
    assert scores["RL"] == pytest.approx(25.0)


def test_worked_example_agreement_is_defined_only_with_two_institutions():
    results = worked_example().results()

    assert results.loc["A", "spread"] == 50.0
    assert results.loc["A", "agreement"] == pytest.approx(0.5)
    assert bool(results.loc["A", "disagreement"]) is True
    assert results.loc[["B", "C"], "agreement"].isna().all()
    assert results.loc[["B", "C"], "spread"].isna().all()
    assert not results.loc[["B", "C"], "disagreement"].any()


def test_worked_example_coherence_and_its_parts():
    result = worked_example().coherence()

    assert result.horizontal == pytest.approx(50.0)
    assert result.lifecycle == pytest.approx(25.0)
    assert result.criteria_balance == pytest.approx(100 - (275 / 3 - 25))
    assert result.elements == pytest.approx(25.0)
    assert result.index == pytest.approx((50 + 25 + 100 / 3 + 25) / 4)
    assert result.index == pytest.approx(33.3333333)
    assert result.parts_used == ["horizontal", "lifecycle", "criteria_balance", "elements"]


def test_worked_example_alpha_is_zero_when_the_one_shared_indicator_has_no_repeated_value():
    # Only A is answered by two or more people, with three different levels: observed disagreement
    # then equals what chance would give.
    assert worked_example().coherence().krippendorff_alpha == pytest.approx(0.0)


def test_worked_example_evidence_coverage():
    example = worked_example()

    assert analysis.evidence_coverage(example.results(), example.evidence) == pytest.approx(0.5)


def test_worked_example_priority_gaps():
    gaps = analysis.priority_gaps(worked_example().results())

    assert gaps["code"].tolist() == ["A", "C", "B"]
    assert gaps["priority"].tolist() == [75.0, 25.0, 0.0]


def test_worked_example_completeness_counts_na_as_answered():
    example = worked_example()
    result = analysis.completeness(
        example.responses, example.participants, example.indicators, example.memberships, example.categories
    )

    # 6 answers (B's N/A included) out of 4 people x 3 indicators.
    assert result.overall == pytest.approx(0.5)
    assert (result.answered, result.expected) == (6, 12)
    by_person = result.by_participant.set_index("participant")["completeness"]
    assert by_person.to_dict() == pytest.approx({1: 2 / 3, 2: 1 / 3, 3: 1.0, 4: 0.0})
    by_category = result.by_category.set_index(["dimension", "category"])
    assert by_category.loc[("criterion", "PC"), "completeness"] == pytest.approx(3 / 8)
    assert by_category.loc[("stage", "employment"), "expected"] == 0
    assert by_category.loc[("stage", "employment"), "completeness"] == 0.0


def test_worked_example_paper_only_share_counts_only_answers_that_state_an_implementation():
    example = worked_example()
    shares = analysis.paper_only_share(example.responses, example.memberships, "criterion")

    # RL: A has three marked level answers, two of them on paper. PC: B is "practice", C states nothing.
    assert shares.loc["RL", "share"] == pytest.approx(2 / 3)
    assert shares.loc["PC", ["level_answers", "stated", "paper"]].tolist() == [2, 1, 0]
    assert shares.loc["PC", "share"] == 0.0


# --- edge cases ---


def test_no_answers_at_all_gives_no_scores_and_zero_completeness():
    example = replace(worked_example(), responses=responses_frame(), consensus=consensus_frame())
    results = example.results()

    assert results["value"].isna().all()
    assert results["source"].tolist() == [None, None, None]
    assert results["n_answers"].tolist() == [0, 0, 0]
    assert example.overall() is None
    assert example.scores("criterion")["score"].isna().all()
    coherence = example.coherence()
    assert (coherence.horizontal, coherence.lifecycle, coherence.criteria_balance) == (None, None, None)
    assert (coherence.elements, coherence.index, coherence.krippendorff_alpha) == (None, None, None)
    assert coherence.parts_used == []
    assert analysis.evidence_coverage(results, example.evidence) is None
    assert analysis.priority_gaps(results).empty
    result = analysis.completeness(
        example.responses, example.participants, example.indicators, example.memberships
    )
    assert result.overall == 0.0


def test_empty_frames_work_everywhere():
    example = Assessment(
        responses=responses_frame(),
        consensus=consensus_frame(),
        indicators=indicators_frame({}),
        memberships=memberships_frame(),
        categories=categories_frame(),
        dimensions=dimensions_frame(),
        participants=participants_frame(),
        evidence=evidence_frame(),
    )
    results = example.results()

    assert results.empty
    assert analysis.institution_levels(example.responses).empty
    assert example.scores("criterion").empty
    assert example.overall() is None
    assert example.overall("hierarchical") is None
    assert example.coherence().index is None
    assert (
        analysis.completeness(
            example.responses, example.participants, example.indicators, example.memberships
        ).overall
        == 0.0
    )
    assert analysis.evidence_coverage(results, example.evidence) is None
    assert analysis.priority_gaps(results).empty
    assert analysis.paper_only_share(example.responses, example.memberships, "criterion").empty
    assert analysis.krippendorff_alpha(example.responses, DEFAULT_SCALE) is None
    assert analysis.trend([]).overall.empty
    assert analysis.compare(results, results).mean_absolute_difference is None
    assert analysis.benchmark(pd.DataFrame(columns=["country", "region", "score"]), SDG_BANDS).by_region.empty


def test_one_institution_gives_an_indicator_value_but_no_agreement():
    example = replace(
        worked_example(),
        responses=responses_frame([("A", 1, "labour", "level", 0.0), ("A", 2, "labour", "level", 100.0)]),
        consensus=consensus_frame(),
    )
    results = example.results()

    assert results.loc["A", "value"] == 50.0
    assert results.loc["A", "n_institutions"] == 1
    assert math.isnan(results.loc["A", "agreement"])
    assert math.isnan(results.loc["A", "spread"])
    assert analysis.horizontal_coherence(results) is None
    assert "horizontal" not in example.coherence().parts_used


def test_an_indicator_answered_only_not_applicable_has_no_value_and_leaves_the_scores_alone():
    example = replace(
        worked_example(),
        responses=responses_frame(
            [
                ("A", 1, "labour", "level", 50.0),
                ("B", 1, "labour", "na", NAN),
                ("B", 3, "union", "na", NAN),
            ]
        ),
        consensus=consensus_frame(),
    )
    results = example.results()

    assert math.isnan(results.loc["B", "value"])
    assert results.loc["B", "source"] is None
    assert results.loc["B", "n_answers"] == 0
    assert example.overall() == 50.0
    assert example.scores("criterion").loc["PC", "n_indicators"] == 0
    completeness = analysis.completeness(
        example.responses, example.participants, example.indicators, example.memberships
    )
    assert completeness.by_category.set_index("category").loc["PC", "answered"] == 2


def test_dont_know_answers_give_no_value_and_count_as_unanswered():
    example = replace(
        worked_example(),
        responses=responses_frame([("A", 1, "labour", "dk", NAN), ("A", 3, "union", "dk", NAN)]),
        consensus=consensus_frame(),
    )
    results = example.results()

    assert math.isnan(results.loc["A", "value"])
    assert results.loc["A", "n_institutions"] == 0
    assert example.overall() is None
    completeness = analysis.completeness(
        example.responses, example.participants, example.indicators, example.memberships
    )
    assert completeness.overall == 0.0


def test_a_consensus_level_overrides_the_median_but_not_the_agreement():
    example = replace(worked_example(), consensus=consensus_frame([("A", "level", 100.0)]))
    results = example.results()

    assert results.loc["A", "value"] == 100.0
    assert results.loc["A", "source"] == "consensus"
    assert results.loc["A", "agreement"] == pytest.approx(0.5)
    # C has no consensus any more, so its single institution's level is its value.
    assert results.loc["C", "value"] == 50.0
    assert results.loc["C", "source"] == "median"


def test_a_consensus_of_not_applicable_removes_the_indicator_from_every_figure():
    example = replace(worked_example(), consensus=consensus_frame([("A", "na", NAN), ("C", "level", 75.0)]))
    results = example.results()

    assert math.isnan(results.loc["A", "value"])
    assert results.loc["A", "source"] == "consensus"
    assert results.loc["A", "consensus_answer"] == "na"
    assert example.overall() == pytest.approx((200 + 75) / 3)
    assert analysis.horizontal_coherence(results) is None
    assert analysis.priority_gaps(results)["code"].tolist() == ["C", "B"]
    assert example.coherence().krippendorff_alpha is None


def test_a_consensus_of_dont_know_gives_no_value():
    results = replace(worked_example(), consensus=consensus_frame([("B", "dk", NAN)])).results()

    assert math.isnan(results.loc["B", "value"])
    assert results.loc["B", "source"] == "consensus"


def test_weights_count_in_category_and_overall_scores():
    example = replace(
        worked_example(),
        responses=responses_frame([("B", 1, "labour", "level", 0.0), ("C", 3, "union", "level", 100.0)]),
        consensus=consensus_frame(),
        indicators=indicators_frame({"A": 1, "B": 3, "C": 1}),
    )

    assert example.scores("criterion").loc["PC", "score"] == pytest.approx(25.0)
    assert example.scores("criterion").loc["PC", "weight"] == 4.0
    assert example.overall() == pytest.approx(25.0)


def test_category_scores_can_take_weights_from_the_indicators_frame():
    example = worked_example()
    reweighted = indicators_frame({"A": 1, "B": 1, "C": 1})
    scores = analysis.category_scores(
        example.results(), example.memberships, example.categories, "criterion", "flat", reweighted
    )

    assert scores.loc["PC", "score"] == pytest.approx(87.5)


def test_nested_categories_roll_up_differently_when_flat_and_when_hierarchical():
    example = nested_assessment()
    flat = example.scores("area", "flat")
    hierarchical = example.scores("area", "hierarchical")

    assert list(flat.index) == ["P", "L1", "L2", "Q", "L3"]
    assert flat["depth"].tolist() == [0, 1, 1, 0, 1]
    assert flat.loc["P", "score"] == pytest.approx(75.0)  # (100 + 100 + 100 + 0) / 4
    assert hierarchical.loc["P", "score"] == pytest.approx(50.0)  # (100 + 0) / 2
    assert flat.loc["P", "n_indicators"] == hierarchical.loc["P", "n_indicators"] == 4
    assert example.overall("flat") == pytest.approx(70.0)  # 350 / 5
    assert example.overall("hierarchical") == pytest.approx(50.0)  # (50 + 50) / 2


def test_a_parent_whose_children_have_no_score_has_no_score():
    example = nested_assessment()
    example = replace(example, responses=example.responses.loc[example.responses["indicator"].isin(["V"])])
    scores = example.scores("area", "hierarchical")

    assert scores.loc[["P", "L1", "L2"], "score"].isna().all()
    assert scores.loc["Q", "score"] == 50.0
    assert example.overall("hierarchical") == 50.0


def test_hierarchical_overall_without_a_primary_dimension_is_the_weighted_mean():
    example = replace(nested_assessment(), dimensions=dimensions_frame([("area", "criteria", False)]))

    assert example.overall("hierarchical") == pytest.approx(70.0)


def test_an_unknown_aggregation_rule_is_refused():
    example = nested_assessment()
    with pytest.raises(ValueError, match="aggregation"):
        analysis.category_scores(example.results(), example.memberships, example.categories, "area", "mean")


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "further-progress"),
        (39.999, "further-progress"),
        (40, "partially-meets"),
        (79.99, "partially-meets"),
        (80, "meets"),
        (99.999, "meets"),
        (100, "fully-meets"),
        (100.5, None),
        (-1, None),
        (None, None),
        (NAN, None),
    ],
)
def test_band_of_uses_half_open_ranges_and_a_single_point_top_band(score, band):
    assert analysis.band_of(score, SDG_BANDS) == band


def test_the_top_band_holds_100_when_no_band_is_exactly_100():
    bands = [Band("low", 0, 50), Band("high", 50, 100)]

    assert analysis.band_of(49.9, bands) == "low"
    assert analysis.band_of(50, bands) == "high"
    assert analysis.band_of(100, bands) == "high"


def test_band_order_in_the_list_does_not_matter():
    assert analysis.band_of(100, list(reversed(SDG_BANDS))) == "fully-meets"
    assert analysis.band_of(80, list(reversed(SDG_BANDS))) == "meets"


def test_figures_whose_role_the_framework_lacks_are_none():
    example = sdg_assessment([4, 4, 5, 3, 2, 3])
    result = example.coherence()

    assert result.lifecycle is None
    assert result.elements is None
    assert result.horizontal is None  # one institution only
    assert result.criteria_balance == pytest.approx(100 - (100 - 40))
    assert result.parts_used == ["criteria_balance"]
    assert result.index is None  # one part alone is that part, not an index
    assert result.krippendorff_alpha is None


def test_cross_cutting_stages_and_unscored_stages_are_left_out_of_lifecycle_coherence():
    example = worked_example()
    stages = example.scores("stage")

    assert stages.loc["cross-cutting", "score"] == 75.0
    assert math.isnan(stages.loc["employment", "score"])
    assert analysis.lifecycle_coherence(stages, example.categories) == pytest.approx(25.0)


def test_a_spread_needs_two_scores():
    assert analysis.criteria_balance(pd.Series({"RL": 40.0})) is None
    assert analysis.criteria_balance(pd.Series({"RL": 40.0, "PC": NAN})) is None
    assert analysis.criteria_balance(pd.Series({"RL": 40.0, "PC": 90.0})) == 50.0


def test_only_top_level_criteria_count_for_balance():
    example = nested_assessment()
    scores = example.scores("area", "hierarchical")

    # L1 (100) and L2 (0) would give 0; the areas P (50) and Q (50) give 100.
    assert analysis.criteria_balance(scores) == 100.0


def test_agreement_of_institution_levels():
    assert analysis.agreement([0.0, 100.0]) == 0.0
    assert analysis.agreement([50.0, 50.0, 50.0]) == 1.0
    assert analysis.agreement([0.0, 50.0]) == pytest.approx(0.5)
    assert analysis.agreement([75.0]) is None
    assert analysis.agreement([]) is None


def test_disagreement_starts_at_a_spread_of_50():
    results = analysis.indicator_results(
        responses_frame(
            [
                ("A", 1, "labour", "level", 25.0),
                ("A", 2, "union", "level", 50.0),
                ("B", 1, "labour", "level", 25.0),
                ("B", 2, "union", "level", 75.0),
            ]
        ),
        consensus_frame(),
        indicators_frame({"A": 1, "B": 1}),
    )

    assert results["disagreement"].tolist() == [False, True]


def test_horizontal_coherence_is_100_times_the_mean_agreement():
    results = pd.DataFrame({"agreement": [0.5, 1.0, NAN]}, index=["A", "B", "C"])

    assert analysis.horizontal_coherence(results) == pytest.approx(75.0)


def test_priority_ties_are_broken_by_spread_then_code():
    results = pd.DataFrame(
        {
            "value": [50.0, 75.0, 50.0, 50.0, NAN],
            "weight": [1.0, 2.0, 1.0, 1.0, 1.0],
            "spread": [NAN, 25.0, 50.0, 25.0, 75.0],
            "disagreement": [False, False, True, False, True],
        },
        index=pd.Index(["D", "C", "B", "A", "E"], name="code"),
    )
    gaps = analysis.priority_gaps(results)

    # All four have priority 50; E has no value and is left out.
    assert gaps["code"].tolist() == ["B", "A", "C", "D"]
    assert gaps["priority"].tolist() == [50.0, 50.0, 50.0, 50.0]


def test_evidence_coverage_is_none_when_no_indicator_reaches_75():
    results = pd.DataFrame({"value": [74.9, NAN]}, index=["A", "B"])

    assert analysis.evidence_coverage(results, evidence_frame([("A", 1)])) is None


def test_krippendorff_alpha_matches_the_published_ordinal_example():
    # Krippendorff's "Computing Krippendorff's alpha-reliability" example (4 coders, 12 units, values 1-5),
    # whose ordinal alpha is 0.815. Ordinal alpha depends only on the order, so 1-5 map onto 0-100.
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
    rows = [
        (f"U{unit}", coder, f"institution {coder}", "level", (value - 1) * 25.0)
        for coder, values in enumerate(data)
        for unit, value in enumerate(values)
        if not math.isnan(value)
    ]

    assert analysis.krippendorff_alpha(responses_frame(rows), DEFAULT_SCALE) == pytest.approx(0.815, abs=5e-4)


def test_krippendorff_alpha_is_one_when_participants_agree_exactly():
    rows = [
        (code, person, "labour", "level", value)
        for person in (1, 2)
        for code, value in {"A": 0.0, "B": 50.0, "C": 100.0}.items()
    ]

    assert analysis.krippendorff_alpha(responses_frame(rows), DEFAULT_SCALE) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "rows",
    [
        [("A", 1, "labour", "level", 0.0), ("B", 1, "labour", "level", 100.0)],  # one participant
        [("A", 1, "labour", "level", 0.0), ("B", 2, "union", "level", 100.0)],  # nothing to pair
        [("A", 1, "labour", "level", 50.0), ("A", 2, "union", "level", 50.0)],  # no variation at all
        [  # variation only where nothing pairs
            ("A", 1, "labour", "level", 50.0),
            ("A", 2, "union", "level", 50.0),
            ("B", 3, "employers", "level", 100.0),
        ],
        [("A", 1, "labour", "level", 50.0), ("A", 2, "union", "dk", NAN)],
    ],
)
def test_krippendorff_alpha_is_none_without_pairable_varied_values(rows):
    assert analysis.krippendorff_alpha(responses_frame(rows), DEFAULT_SCALE) is None


def test_completeness_rolls_up_to_parent_categories():
    example = nested_assessment()
    example = replace(example, participants=participants_frame([(1, "labour"), (2, "union")]))
    result = analysis.completeness(
        example.responses, example.participants, example.indicators, example.memberships, example.categories
    )
    by_category = result.by_category.set_index("category")

    assert by_category.loc["P", ["answered", "expected"]].tolist() == [4, 8]
    assert by_category.loc["L3", "completeness"] == pytest.approx(0.5)
    assert result.overall == pytest.approx(0.5)


def test_completeness_ignores_answers_from_people_not_expected_to_answer():
    example = worked_example()
    extra = responses_frame([("A", 99, "visitor", "level", 100.0)])
    responses = pd.concat([example.responses, extra], ignore_index=True)
    result = analysis.completeness(responses, example.participants, example.indicators, example.memberships)

    assert result.answered == 6


def test_paper_only_share_is_nan_when_no_answer_states_an_implementation():
    shares = analysis.paper_only_share(
        responses_frame([("A", 1, "labour", "level", 50.0, ""), ("A", 2, "union", "na", NAN, "paper")]),
        memberships_frame([("A", "criterion", "RL")]),
        "criterion",
    )

    assert shares.loc["RL", ["level_answers", "stated", "paper"]].tolist() == [1, 0, 0]
    assert math.isnan(shares.loc["RL", "share"])


# --- SDG 10.7.2 ---


def sdg_category(score):
    """SDG 10.7.2 reports its bands as categories 1 (further progress) to 4 (fully meets)."""
    return [band.code for band in SDG_BANDS].index(analysis.band_of(score, SDG_BANDS)) + 1


def test_sdg_10_7_2_domain_values_and_overall_for_denmark_2021():
    # The pattern reported for Denmark in 2021: domain categories 3, 3, 4, 2, 2, 2, overall category 2.
    example = sdg_assessment([4, 4, 5, 3, 2, 3])
    domains = example.scores("domain")["score"]

    assert domains.tolist() == [80.0, 80.0, 100.0, 60.0, 40.0, 60.0]
    assert [sdg_category(score) for score in domains] == [3, 3, 4, 2, 2, 2]
    overall = example.overall()
    assert overall == pytest.approx(70.0)
    assert sdg_category(overall) == 2


def test_sdg_10_7_2_all_yes_fully_meets():
    example = sdg_assessment([5] * 6)

    assert example.overall() == 100.0
    assert analysis.band_of(example.overall(), SDG_BANDS) == "fully-meets"


# --- comparisons ---


def results_with(values):
    return pd.DataFrame({"value": list(values.values())}, index=pd.Index(list(values), name="code"))


def category_frame(scores):
    return pd.DataFrame(
        {"dimension": "criterion", "score": list(scores.values())}, index=pd.Index(list(scores), name="code")
    )


def test_trend_shows_change_against_the_previous_round_of_the_same_version():
    rounds = [
        ("2019", "1.0", results_with({"A": 25.0, "B": 50.0}), 37.5, category_frame({"RL": 25.0})),
        analysis.Round(
            "2021", "1.0", results_with({"A": 50.0, "B": 50.0}), 50.0, category_frame({"RL": 50.0})
        ),
        ("2023", "2.0", results_with({"A": 75.0}), 75.0, category_frame({"RL": 75.0})),
    ]
    result = analysis.trend(rounds)

    assert result.overall["round"].tolist() == ["2019", "2021", "2023"]
    assert result.overall["change"].tolist()[1] == 12.5
    assert math.isnan(result.overall["change"].tolist()[0])
    assert math.isnan(result.overall["change"].tolist()[2])  # a new framework version
    indicators = result.indicators.set_index(["round", "code"])
    assert indicators.loc[("2021", "A"), "change"] == 25.0
    assert indicators.loc[("2021", "B"), "change"] == 0.0
    categories = result.categories.set_index(["round", "category"])
    assert categories.loc[("2021", "RL"), "change"] == 25.0


def test_across_versions_criteria_compare_by_code_and_indicators_only_where_the_question_is_the_same():
    rounds = [
        ("2024", "1.0", results_with({"A": 25.0, "B": 50.0}), 37.5, category_frame({"RL": 25.0})),
        ("2026", "1.1", results_with({"A": 75.0, "B": 25.0}), 50.0, category_frame({"RL": 75.0})),
    ]
    result = analysis.trend(rounds, same=frozenset({("1.0", "1.1", "A")}))
    assert math.isnan(result.overall["change"].tolist()[1])  # weights and indicators differ
    assert result.categories.set_index(["round", "category"]).loc[("2026", "RL"), "change"] == 50.0
    indicators = result.indicators.set_index(["round", "code"])
    assert indicators.loc[("2026", "A"), "change"] == 50.0  # the continuity says: the same question
    assert math.isnan(indicators.loc[("2026", "B"), "change"])  # B was revised: not comparable


def test_benchmark_counts_countries_per_band_overall_and_per_region():
    countries = pd.DataFrame(
        [
            ("DK", "Europe", 70.0),
            ("SE", "Europe", 85.0),
            ("NO", "Europe", 100.0),
            ("KE", "Africa", 30.0),
            ("GH", "Africa", 60.0),
            ("XX", "Africa", None),
        ],
        columns=["country", "region", "score"],
    )
    result = analysis.benchmark(countries, SDG_BANDS)
    overall = result.overall.set_index("band")

    assert overall["count"].tolist() == [1, 2, 1, 1]
    assert overall["share"].tolist() == pytest.approx([0.2, 0.4, 0.2, 0.2])
    assert overall["share_at_or_above"].tolist() == pytest.approx([1.0, 0.8, 0.4, 0.2])
    europe = result.by_region.loc[result.by_region["region"] == "Europe"].set_index("band")
    assert europe["count"].tolist() == [0, 1, 1, 1]
    assert europe.loc["meets", "share_at_or_above"] == pytest.approx(2 / 3)


def test_benchmark_uses_a_given_band_column():
    countries = pd.DataFrame(
        [("DK", "Europe", 70.0, "meets")], columns=["country", "region", "score", "band"]
    )

    assert analysis.benchmark(countries, SDG_BANDS).overall.set_index("band").loc["meets", "count"] == 1


def test_compare_gives_per_indicator_difference_and_mean_absolute_difference():
    result = analysis.compare(
        results_with({"A": 25.0, "B": 100.0, "C": 50.0}), results_with({"A": 75.0, "B": 50.0, "D": 0.0})
    )

    assert result.indicators["difference"].tolist()[:2] == [50.0, -50.0]
    assert result.indicators.loc[["C", "D"], "difference"].isna().all()
    assert result.mean_absolute_difference == 50.0


# --- properties ---

CODES = ["I1", "I2", "I3", "I4", "I5"]
PEOPLE = {1: "labour", 2: "labour", 3: "union", 4: "union", 5: "employers", 6: "civil-society"}
PROPERTY_SETTINGS = settings(max_examples=50, deadline=None, database=None)


def property_framework(weights):
    """Criteria nest (P > L1, L2; L3); stages include a cross-cutting one; two indicators are elements."""
    return Assessment(
        responses=responses_frame(),
        consensus=consensus_frame(),
        indicators=indicators_frame(dict(zip(CODES, weights, strict=True))),
        memberships=memberships_frame(
            [
                ("I1", "criterion", "L1"),
                ("I2", "criterion", "L1"),
                ("I3", "criterion", "L2"),
                ("I4", "criterion", "L3"),
                ("I5", "criterion", "L3"),
                ("I1", "stage", "S1"),
                ("I3", "stage", "S1"),
                ("I2", "stage", "S2"),
                ("I4", "stage", "S2"),
                ("I5", "stage", "X"),
                ("I1", "element", "E1"),
                ("I4", "element", "E1"),
            ]
        ),
        categories=categories_frame(
            [
                ("criterion", "P", None),
                ("criterion", "L1", "P"),
                ("criterion", "L2", "P"),
                ("criterion", "L3", None),
                ("stage", "S1", None),
                ("stage", "S2", None),
                ("stage", "X", None, True),
                ("element", "E1", None),
            ]
        ),
        dimensions=ILO_DIMENSIONS,
        participants=participants_frame(list(PEOPLE.items())),
        evidence=evidence_frame(),
    )


answer_rows = st.lists(
    st.tuples(
        st.sampled_from(CODES),
        st.sampled_from(list(PEOPLE)),
        st.sampled_from(["level", "level", "level", "na", "dk"]),
        st.sampled_from(DEFAULT_SCALE),
        st.sampled_from(["paper", "partly", "practice", ""]),
    ),
    max_size=30,
    unique_by=lambda row: row[:2],
)
consensus_rows = st.lists(
    st.tuples(st.sampled_from(CODES), st.sampled_from(["level", "na", "dk"]), st.sampled_from(DEFAULT_SCALE)),
    max_size=3,
    unique_by=lambda row: row[0],
)
weight_lists = st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0]), min_size=5, max_size=5)


def assessment_from(rows, weights, consensus=()):
    responses = responses_frame(
        [
            (code, person, PEOPLE[person], answer, value if answer == "level" else NAN, mark)
            for code, person, answer, value, mark in rows
        ]
    )
    consensus_table = consensus_frame(
        [(code, answer, value if answer == "level" else NAN) for code, answer, value in consensus]
    )
    return replace(property_framework(weights), responses=responses, consensus=consensus_table)


def scores_of(example):
    """Every score the analysis derives, as one flat mapping (NaN for missing), for comparisons."""
    results = example.results()
    figures = {f"value {code}": value for code, value in results["value"].items()}
    figures |= {f"agreement {code}": value for code, value in results["agreement"].items()}
    frames = (example.memberships, example.categories)
    for aggregation in ("flat", "hierarchical"):
        for dimension in ("criterion", "stage", "element"):
            scores = analysis.category_scores(results, *frames, dimension, aggregation)["score"]
            figures |= {f"{aggregation} {dimension} {code}": score for code, score in scores.items()}
        overall = analysis.overall_score(results, *frames, example.dimensions, aggregation)
        figures[f"{aggregation} overall"] = overall
        result = analysis.coherence(
            results=results,
            responses=example.responses,
            memberships=example.memberships,
            categories=example.categories,
            dimensions=example.dimensions,
            aggregation=aggregation,
            scale_values=example.scale,
        )
        for part in (
            "horizontal",
            "lifecycle",
            "criteria_balance",
            "elements",
            "index",
            "krippendorff_alpha",
        ):
            figures[f"{aggregation} {part}"] = getattr(result, part)
    figures["gaps"] = tuple(analysis.priority_gaps(results)["code"])
    return {name: NAN if value is None else value for name, value in figures.items()}


def assert_same_figures(first, second):
    assert first.keys() == second.keys()
    for name, value in first.items():
        other = second[name]
        if isinstance(value, tuple):
            assert value == other, name
        elif math.isnan(value):
            assert math.isnan(other), name
        else:
            assert other == pytest.approx(value, rel=1e-12, abs=1e-9), name


@PROPERTY_SETTINGS
@given(rows=answer_rows, weights=weight_lists, consensus=consensus_rows)
def test_scores_stay_within_0_and_100(rows, weights, consensus):
    example = assessment_from(rows, weights, consensus)
    figures = scores_of(example)

    for name, value in figures.items():
        if name.startswith("agreement"):
            assert math.isnan(value) or 0.0 <= value <= 1.0, name
        elif name.endswith("krippendorff_alpha"):
            assert math.isnan(value) or -1.0 - 1e-9 <= value <= 1.0 + 1e-9, name
        elif name != "gaps":
            assert math.isnan(value) or -1e-9 <= value <= 100.0 + 1e-9, name
    completeness = analysis.completeness(
        example.responses, example.participants, example.indicators, example.memberships, example.categories
    )
    assert 0.0 <= completeness.overall <= 1.0
    assert completeness.by_category["completeness"].between(0.0, 1.0).all()


@PROPERTY_SETTINGS
@given(rows=answer_rows, weights=weight_lists, consensus=consensus_rows, data=st.data())
def test_relabelling_and_reordering_participants_changes_nothing(rows, weights, consensus, data):
    example = assessment_from(rows, weights, consensus)
    relabel = dict(zip(PEOPLE, data.draw(st.permutations([11, 12, 13, 14, 15, 16])), strict=True))
    order = data.draw(st.permutations(range(len(rows))))
    shuffled = example.responses.iloc[list(order)].reset_index(drop=True)
    shuffled = shuffled.assign(participant=shuffled["participant"].map(relabel))
    participants = example.participants.assign(participant=example.participants["participant"].map(relabel))
    other = replace(example, responses=shuffled, participants=participants.iloc[::-1])

    assert_same_figures(scores_of(example), scores_of(other))
    assert other.results()["institution_values"].tolist() == example.results()["institution_values"].tolist()
    before = analysis.completeness(
        example.responses, example.participants, example.indicators, example.memberships
    )
    after = analysis.completeness(other.responses, other.participants, other.indicators, other.memberships)
    assert after.overall == pytest.approx(before.overall)


@PROPERTY_SETTINGS
@given(
    rows=answer_rows,
    weights=weight_lists,
    consensus=consensus_rows,
    extra=st.tuples(st.sampled_from(CODES), st.sampled_from([*PEOPLE, 7])),
)
def test_adding_a_not_applicable_answer_changes_no_score(rows, weights, consensus, extra):
    example = assessment_from(rows, weights, consensus)
    code, person = extra
    answered = set(zip(example.responses["indicator"], example.responses["participant"], strict=True))
    if (code, person) in answered:
        return
    na = responses_frame([(code, person, PEOPLE.get(person, "academia"), "na", NAN)])
    other = replace(example, responses=pd.concat([example.responses, na], ignore_index=True))

    assert_same_figures(scores_of(example), scores_of(other))


@PROPERTY_SETTINGS
@given(rows=answer_rows, weights=weight_lists)
def test_a_consensus_equal_to_the_median_changes_no_score(rows, weights):
    example = assessment_from(rows, weights)
    results = example.results()
    medians = results.loc[results["source"].eq("median"), "value"]
    agreed = replace(example, consensus=consensus_frame([(code, "level", v) for code, v in medians.items()]))

    assert_same_figures(scores_of(example), scores_of(agreed))
    assert set(agreed.results().loc[medians.index, "source"]) <= {"consensus"}


def test_the_analysis_speaks_the_models_codes():
    """The analysis is pure pandas and keeps its own constants; they must be the models' choices."""
    from assessments.models import Answer, Implementation
    from indicators.models import Dimension, Framework

    assert (analysis.LEVEL, analysis.NOT_APPLICABLE, analysis.DONT_KNOW) == (
        Answer.LEVEL,
        Answer.NOT_APPLICABLE,
        Answer.DONT_KNOW,
    )
    assert analysis.PAPER == Implementation.PAPER
    assert tuple(analysis.IMPLEMENTATION_MARKS) == tuple(Implementation.values)
    assert (analysis.CRITERIA, analysis.LIFECYCLE, analysis.COHERENCE_ELEMENTS) == (
        Dimension.Role.CRITERIA,
        Dimension.Role.LIFECYCLE,
        Dimension.Role.COHERENCE_ELEMENTS,
    )
    assert {analysis.FLAT, analysis.HIERARCHICAL} == set(Framework.Aggregation.values)
