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
    primary_dimension,
)


def category_scores(
    results: pd.DataFrame,
    memberships: pd.DataFrame,
    categories: pd.DataFrame,
    dimension: str,
    aggregation: str = FLAT,
    indicators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Score of every category of one dimension, parents and leaves, in reading order, indexed by code.

    ``flat``: the weighted mean of S(i) over every indicator beneath the category. ``hierarchical``: a
    leaf is the weighted mean of its indicators, a parent the unweighted mean of its children's scores.
    Weights come from ``indicators`` when given, else from the ``weight`` column of ``results``.
    Columns: dimension, parent, depth, cross_cutting, score, n_indicators (with a value), weight (their sum).
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
    for code in reversed(tree.order):
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
