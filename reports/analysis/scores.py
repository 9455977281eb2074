"""Scores: categories (flat or hierarchical), criterion x stage cells, the overall score, bands."""

import math
from collections.abc import Sequence

import pandas as pd

from reports.analysis.base import (
    FLAT,
    FULL_SCORE,
    HIERARCHICAL,
    Band,
    _dimension_tree,
    _indicators_beneath,
    _mean,
    _scalar,
    _weighted_mean,
    _weighted_mean_of,
    not_applicable_codes,
    primary_dimension,
)

# A framework may set its own; these are the defaults (DESIGN item 18, docs/methodology.md).
DEFAULT_MIN_CATEGORY_COVERAGE = 0.5  # a category score needs half of its indicators scored
DEFAULT_MIN_OVERALL_COMPLETENESS = 0.5  # the overall score needs half of the expected answers


def category_scores(
    results: pd.DataFrame,
    memberships: pd.DataFrame,
    categories: pd.DataFrame,
    dimension: str,
    aggregation: str = FLAT,
    indicators: pd.DataFrame | None = None,
    min_coverage: float = DEFAULT_MIN_CATEGORY_COVERAGE,
) -> pd.DataFrame:
    """Score of every category of one dimension, parents and leaves, in reading order, indexed by code.

    ``flat``: the weighted mean of S(i) over every indicator beneath the category. ``hierarchical``: a
    leaf is the weighted mean of its indicators, a parent the unweighted mean of its children's scores.
    Weights come from ``indicators`` when given, else from the ``weight`` column of ``results``.

    Columns: dimension, parent, depth, cross_cutting, score, n_indicators (with a value), weight (their
    sum), and what the score rests on: n_total (indicators beneath, not counting those settled as not
    applicable), weight_share (the valued indicators' share of their weight), coverage (n_indicators /
    n_total) and insufficient (coverage below ``min_coverage``: the score is shown, marked as such).
    """
    if aggregation not in (FLAT, HIERARCHICAL):
        raise ValueError(f"Unknown aggregation rule: {aggregation!r}")
    weights = results["weight"] if indicators is None else indicators.set_index("code")["weight"]
    weights = weights.astype(float)
    tree = _dimension_tree(categories, dimension)
    beneath = _indicators_beneath(tree, memberships, dimension)
    scores: dict[str, float] = {}
    counts: dict[str, int] = {}
    totals: dict[str, float] = {}
    values = results["value"].astype(float).to_dict()
    weight_of = weights.to_dict()
    applicable = set(results.index) - not_applicable_codes(results)
    n_total: dict[str, int] = {}
    weight_total: dict[str, float] = {}
    for code in reversed(tree.order):
        own = [c for c in beneath[code] if c in applicable]
        n_total[code] = len(own)
        weight_total[code] = float(sum(weight_of.get(c, 0.0) for c in own))
        flat_score, counts[code], totals[code] = _weighted_mean_of(values, weight_of, beneath[code])
        children = tree.children.get(code, [])
        if aggregation == HIERARCHICAL and children:
            scores[code] = _mean(scores[child] for child in children)
        else:
            scores[code] = flat_score
    index = pd.Index(tree.order, name="code", dtype=object)
    return pd.DataFrame(
        {
            "dimension": pd.Series([dimension] * len(tree.order), index=index, dtype=object),
            "parent": pd.Series([tree.parent[c] for c in tree.order], index=index, dtype=object),
            "depth": pd.Series([tree.depth[c] for c in tree.order], index=index, dtype=int),
            "cross_cutting": pd.Series([tree.cross_cutting[c] for c in tree.order], index=index, dtype=bool),
            "score": pd.Series([scores[c] for c in tree.order], index=index, dtype=float),
            "n_indicators": pd.Series([counts[c] for c in tree.order], index=index, dtype=int),
            "weight": pd.Series([totals[c] for c in tree.order], index=index, dtype=float),
            "n_total": pd.Series([n_total[c] for c in tree.order], index=index, dtype=int),
            "weight_share": pd.Series(
                [totals[c] / weight_total[c] if weight_total[c] else math.nan for c in tree.order],
                index=index,
                dtype=float,
            ),
            "coverage": pd.Series(
                [counts[c] / n_total[c] if n_total[c] else math.nan for c in tree.order],
                index=index,
                dtype=float,
            ),
            "insufficient": pd.Series(
                [not n_total[c] or counts[c] / n_total[c] < min_coverage for c in tree.order],
                index=index,
                dtype=bool,
            ),
        },
        index=index,
    )


def cross_scores(results: pd.DataFrame, memberships: pd.DataFrame, rows: str, columns: str) -> pd.DataFrame:
    """Weighted mean of S(i) over the indicators in both a category of `rows` and one of `columns`
    (e.g. criterion x stage), leaf categories only; NaN for an empty cell."""
    row_of = memberships.loc[memberships["dimension"].eq(rows), ["indicator", "category"]]
    column_of = memberships.loc[memberships["dimension"].eq(columns), ["indicator", "category"]]
    pairs = row_of.merge(column_of, on="indicator", suffixes=("_row", "_column"))
    values = results["value"].astype(float).to_dict()
    weights = results["weight"].astype(float).to_dict()
    cells: dict[tuple[str, str], list[str]] = {}
    for indicator, row, column in zip(
        pairs["indicator"], pairs["category_row"], pairs["category_column"], strict=True
    ):
        cells.setdefault((str(row), str(column)), []).append(str(indicator))
    row_codes = list(dict.fromkeys(str(c) for c in row_of["category"]))
    column_codes = list(dict.fromkeys(str(c) for c in column_of["category"]))
    table = pd.DataFrame(
        math.nan, index=pd.Index(row_codes, dtype=object), columns=pd.Index(column_codes, dtype=object)
    )
    for (row, column), codes in cells.items():
        table.loc[row, column] = _weighted_mean_of(values, weights, codes)[0]
    return table


def cross_counts(results: pd.DataFrame, memberships: pd.DataFrame, rows: str, columns: str) -> pd.DataFrame:
    """How many indicators with a value each criterion x stage cell rests on (as `cross_scores`)."""
    row_of = memberships.loc[memberships["dimension"].eq(rows), ["indicator", "category"]]
    column_of = memberships.loc[memberships["dimension"].eq(columns), ["indicator", "category"]]
    pairs = row_of.merge(column_of, on="indicator", suffixes=("_row", "_column"))
    valued = set(results.index[results["value"].notna()])
    pairs = pairs.loc[pairs["indicator"].isin(valued)]
    row_codes = list(dict.fromkeys(str(c) for c in row_of["category"]))
    column_codes = list(dict.fromkeys(str(c) for c in column_of["category"]))
    counts = pairs.groupby(["category_row", "category_column"]).size()
    table = pd.DataFrame(
        0, index=pd.Index(row_codes, dtype=object), columns=pd.Index(column_codes, dtype=object)
    )
    for (row, column), n in counts.items():
        table.loc[str(row), str(column)] = int(n)
    return table


def overall_basis(
    results: pd.DataFrame, completeness: float, min_completeness: float = DEFAULT_MIN_OVERALL_COMPLETENESS
) -> dict:
    """What the overall score rests on: indicators with a value out of those that apply, their share of
    the framework's weight, and whether completeness is below the framework's minimum."""
    applicable = results.loc[~results.index.isin(not_applicable_codes(results))]
    valued = applicable["value"].notna()
    weights = applicable["weight"].astype(float)
    total = float(weights.sum())
    return {
        "n_indicators": int(valued.sum()),
        "n_total": len(applicable),
        "weight_share": float(weights[valued].sum()) / total if total else None,
        "insufficient": completeness < min_completeness,
        "min_completeness": min_completeness,
    }


def overall_score(
    results: pd.DataFrame,
    memberships: pd.DataFrame,
    categories: pd.DataFrame,
    dimensions: pd.DataFrame,
    aggregation: str = FLAT,
) -> float | None:
    """The category rule at the top.

    ``hierarchical`` with a primary dimension: the unweighted mean of that dimension's top-level category
    scores. Otherwise: the weighted mean of every S(i).
    """
    primary = primary_dimension(dimensions)
    if aggregation == HIERARCHICAL and primary is not None:
        scores = category_scores(results, memberships, categories, primary, HIERARCHICAL)
        return _scalar(_mean(scores.loc[scores["depth"].eq(0), "score"]))
    score, _, _ = _weighted_mean(results["value"], results["weight"].astype(float), results.index)
    return _scalar(score)


def band_of(score: float | None, bands: Sequence[Band]) -> str | None:
    """Code of the band that holds ``score``, or None.

    Bands are [lower, upper); the band ending at 100 also holds 100 unless a band [100, 100] exists,
    which then holds exactly 100.
    """
    if score is None or pd.isna(score):
        return None
    exactly_full = any(band.lower == band.upper == FULL_SCORE for band in bands)
    # Single-point bands first, so that they win over the band whose upper bound they sit on.
    for band in sorted(bands, key=lambda band: band.lower != band.upper):
        if band.lower == band.upper:
            if score == band.lower:
                return band.code
        elif band.lower <= score < band.upper or (score == band.upper == FULL_SCORE and not exactly_full):
            return band.code
    return None
