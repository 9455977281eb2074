"""Coherence: agreement between institutions (H), across the life cycle (V), across criteria (B), the
essential elements (E), the index, and Krippendorff's alpha."""

from collections.abc import Iterable
from dataclasses import dataclass

import krippendorff
import pandas as pd

from reports.analysis.base import (
    COHERENCE_ELEMENTS,
    COHERENCE_PARTS,
    CRITERIA,
    FULL_SCORE,
    LIFECYCLE,
    _balance,
    _level_answers,
    _mean,
    _scalar,
    _weighted_mean,
    dimension_with_role,
)
from reports.analysis.scores import category_scores
from reports.analysis.values import _applicable

# The index stands on at least this many parts: one part alone is that part, not an index.
MIN_INDEX_PARTS = 2


@dataclass(frozen=True)
class Coherence:
    """The coherence index with its parts; a part is None when the framework or the data cannot give it.

    ``based_on`` says what each part rests on: H the indicators with an agreement, V the stages and B the
    criteria compared, E the tagged indicators with a value. The index is None unless two parts exist.
    """

    horizontal: float | None
    lifecycle: float | None
    criteria_balance: float | None
    elements: float | None
    index: float | None
    parts_used: list[str]
    krippendorff_alpha: float | None
    based_on: dict[str, int]
    krippendorff_pairable: int


def _top_level_scores(scores: pd.DataFrame | pd.Series) -> pd.Series:
    """Scores of the top-level categories, from ``category_scores`` output or a plain code -> score Series."""
    if isinstance(scores, pd.Series):
        return scores.astype(float)
    top = scores.loc[scores["parent"].isna()] if "parent" in scores else scores
    return top["score"].astype(float)


def _compared_stages(stage_scores: pd.DataFrame | pd.Series, categories: pd.DataFrame) -> pd.Series:
    """Top-level stage scores that V compares: with a score, not cross-cutting."""
    scores = _top_level_scores(stage_scores)
    stages = categories
    if isinstance(stage_scores, pd.DataFrame) and "dimension" in stage_scores and not stage_scores.empty:
        stages = categories.loc[categories["dimension"].isin(stage_scores["dimension"].unique())]
    cross_cutting = set(stages.loc[stages["cross_cutting"].eq(True), "code"])
    return scores.loc[~scores.index.isin(cross_cutting)].dropna()


def lifecycle_coherence(stage_scores: pd.DataFrame | pd.Series, categories: pd.DataFrame) -> float | None:
    """V = 100 - (max - min) over top-level stages with a score, cross-cutting stages left out."""
    return _balance(_compared_stages(stage_scores, categories))


def criteria_balance(criterion_scores: pd.DataFrame | pd.Series) -> float | None:
    """B = 100 - (max - min) over top-level criteria with a score."""
    return _balance(_top_level_scores(criterion_scores))


def _elements(results: pd.DataFrame, memberships: pd.DataFrame, dimensions: pd.DataFrame):
    dimension = dimension_with_role(dimensions, COHERENCE_ELEMENTS)
    if dimension is None:
        return None, 0
    tagged = memberships.loc[memberships["dimension"].eq(dimension), "indicator"].unique()
    score, count, _ = _weighted_mean(results["value"], results["weight"].astype(float), tagged)
    return _scalar(score), count


def coherence_elements_score(
    results: pd.DataFrame, memberships: pd.DataFrame, dimensions: pd.DataFrame
) -> float | None:
    """E = weighted mean of S(i) over indicators tagged with any category of the coherence-elements role."""
    return _elements(results, memberships, dimensions)[0]


def horizontal_coherence(results: pd.DataFrame) -> float | None:
    """H = 100 x mean A(i) over applicable indicators where A(i) is defined; None when none is."""
    defined = _applicable(results)["agreement"].dropna()
    return None if defined.empty else FULL_SCORE * float(defined.mean())


def _pairable(responses: pd.DataFrame) -> pd.DataFrame:
    """Participants x indicators of level values, keeping only indicators answered by two or more."""
    levels = _level_answers(responses)
    matrix = levels.drop_duplicates(["participant", "indicator"], keep="last").pivot(
        index="participant", columns="indicator", values="value"
    )
    return matrix.loc[:, matrix.notna().sum() >= 2]


def pairable_answers(responses: pd.DataFrame) -> int:
    """How many level answers alpha can use: those on indicators that two or more people answered."""
    if _level_answers(responses).empty:
        return 0
    return int(_pairable(responses).notna().sum().sum())


def krippendorff_alpha(responses: pd.DataFrame, scale_values: Iterable[float]) -> float | None:
    """Krippendorff's alpha (ordinal) with participants as coders and indicators as units.

    None when fewer than two participants gave a level, when no indicator has two levels to pair, or when
    the paired levels are all the same (alpha's expected disagreement is then 0 and alpha undefined).
    """
    levels = _level_answers(responses)
    if levels["participant"].nunique() < 2:
        return None
    # Units with a single value carry no pair; alpha ignores them, so dropping them changes nothing.
    pairable = _pairable(responses)
    observed = pd.unique(pairable.stack().dropna().to_numpy())
    if len(observed) < 2:
        return None
    return float(
        krippendorff.alpha(
            reliability_data=pairable.to_numpy(dtype=float),
            value_domain=sorted({float(v) for v in scale_values}),
            level_of_measurement="ordinal",
        )
    )


def coherence(
    *,
    results: pd.DataFrame,
    responses: pd.DataFrame,
    memberships: pd.DataFrame,
    categories: pd.DataFrame,
    dimensions: pd.DataFrame,
    aggregation: str,
    scale_values: Iterable[float],
    stage_scores: pd.DataFrame | None = None,
    criterion_scores: pd.DataFrame | None = None,
) -> Coherence:
    """H, V, B and E, their mean over the parts that are defined (at least two), and Krippendorff's alpha.

    Stage and criterion scores already computed by the caller may be passed, so they are not computed twice.
    """
    lifecycle, n_stages = None, 0
    stages = dimension_with_role(dimensions, LIFECYCLE)
    if stages is not None:
        if stage_scores is None:
            stage_scores = category_scores(results, memberships, categories, stages, aggregation)
        compared = _compared_stages(stage_scores, categories)
        lifecycle, n_stages = _balance(compared), len(compared)
    balance, n_criteria = None, 0
    criteria = dimension_with_role(dimensions, CRITERIA)
    if criteria is not None:
        if criterion_scores is None:
            criterion_scores = category_scores(results, memberships, categories, criteria, aggregation)
        compared = _top_level_scores(criterion_scores).dropna()
        balance, n_criteria = _balance(compared), len(compared)
    elements, n_elements = _elements(results, memberships, dimensions)
    parts = {
        "horizontal": horizontal_coherence(results),
        "lifecycle": lifecycle,
        "criteria_balance": balance,
        "elements": elements,
    }
    used = [name for name in COHERENCE_PARTS if parts[name] is not None]
    applicable = _applicable(results)
    answers = responses.loc[responses["indicator"].isin(list(applicable.index))]
    return Coherence(
        horizontal=parts["horizontal"],
        lifecycle=parts["lifecycle"],
        criteria_balance=parts["criteria_balance"],
        elements=parts["elements"],
        index=_scalar(_mean(parts[name] for name in used)) if len(used) >= MIN_INDEX_PARTS else None,
        parts_used=used,
        krippendorff_alpha=krippendorff_alpha(answers, scale_values),
        based_on={
            "horizontal": int(applicable["agreement"].notna().sum()),
            "lifecycle": n_stages,
            "criteria_balance": n_criteria,
            "elements": n_elements,
        },
        krippendorff_pairable=pairable_answers(answers),
    )
