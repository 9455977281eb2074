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


@dataclass(frozen=True)
class Coherence:
    """The coherence index with its parts; a part is None when the framework or the data cannot give it."""

    horizontal: float | None
    lifecycle: float | None
    criteria_balance: float | None
    elements: float | None
    index: float | None
    parts_used: list[str]
    krippendorff_alpha: float | None


def _top_level_scores(scores: pd.DataFrame | pd.Series) -> pd.Series:
    """Scores of the top-level categories, from ``category_scores`` output or a plain code -> score Series."""
    if isinstance(scores, pd.Series):
        return scores.astype(float)
    top = scores.loc[scores["parent"].isna()] if "parent" in scores else scores
    return top["score"].astype(float)


def lifecycle_coherence(stage_scores: pd.DataFrame | pd.Series, categories: pd.DataFrame) -> float | None:
    """V = 100 - (max - min) over top-level stages with a score, cross-cutting stages left out."""
    scores = _top_level_scores(stage_scores)
    stages = categories
    if isinstance(stage_scores, pd.DataFrame) and "dimension" in stage_scores and not stage_scores.empty:
        stages = categories.loc[categories["dimension"].isin(stage_scores["dimension"].unique())]
    cross_cutting = set(stages.loc[stages["cross_cutting"].eq(True), "code"])
    return _balance(scores.loc[~scores.index.isin(cross_cutting)])


def criteria_balance(criterion_scores: pd.DataFrame | pd.Series) -> float | None:
    """B = 100 - (max - min) over top-level criteria with a score."""
    return _balance(_top_level_scores(criterion_scores))


def coherence_elements_score(
    results: pd.DataFrame, memberships: pd.DataFrame, dimensions: pd.DataFrame
) -> float | None:
    """E = weighted mean of S(i) over indicators tagged with any category of the coherence-elements role."""
    dimension = dimension_with_role(dimensions, COHERENCE_ELEMENTS)
    if dimension is None:
        return None
    tagged = memberships.loc[memberships["dimension"].eq(dimension), "indicator"].unique()
    score, _, _ = _weighted_mean(results["value"], results["weight"].astype(float), tagged)
    return _scalar(score)


def horizontal_coherence(results: pd.DataFrame) -> float | None:
    """H = 100 x mean A(i) over applicable indicators where A(i) is defined; None when none is."""
    defined = _applicable(results)["agreement"].dropna()
    return None if defined.empty else FULL_SCORE * float(defined.mean())


def krippendorff_alpha(responses: pd.DataFrame, scale_values: Iterable[float]) -> float | None:
    """Krippendorff's alpha (ordinal) with participants as coders and indicators as units.

    None when fewer than two participants gave a level, when no indicator has two levels to pair, or when
    the paired levels are all the same (alpha's expected disagreement is then 0 and alpha undefined).
    """
    levels = _level_answers(responses)
    if levels["participant"].nunique() < 2:
        return None
    matrix = levels.drop_duplicates(["participant", "indicator"], keep="last").pivot(
        index="participant", columns="indicator", values="value"
    )
    # Units with a single value carry no pair; alpha ignores them, so dropping them changes nothing.
    pairable = matrix.loc[:, matrix.notna().sum() >= 2]
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
) -> Coherence:
    """H, V, B and E, their mean over the parts that are defined, and Krippendorff's alpha."""
    lifecycle = None
    stages = dimension_with_role(dimensions, LIFECYCLE)
    if stages is not None:
        stage_scores = category_scores(results, memberships, categories, stages, aggregation)
        lifecycle = lifecycle_coherence(stage_scores, categories)
    balance = None
    criteria = dimension_with_role(dimensions, CRITERIA)
    if criteria is not None:
        balance = criteria_balance(category_scores(results, memberships, categories, criteria, aggregation))
    parts = {
        "horizontal": horizontal_coherence(results),
        "lifecycle": lifecycle,
        "criteria_balance": balance,
        "elements": coherence_elements_score(results, memberships, dimensions),
    }
    used = [name for name in COHERENCE_PARTS if parts[name] is not None]
    applicable = list(_applicable(results).index)
    alpha = krippendorff_alpha(responses.loc[responses["indicator"].isin(applicable)], scale_values)
    return Coherence(
        horizontal=parts["horizontal"],
        lifecycle=parts["lifecycle"],
        criteria_balance=parts["criteria_balance"],
        elements=parts["elements"],
        index=_scalar(_mean(parts[name] for name in used)),
        parts_used=used,
        krippendorff_alpha=alpha,
    )
