"""Findings about single indicators: evidence coverage, priority gaps, policies on paper only."""

import pandas as pd

from reports.analysis.base import (
    EVIDENCED_FROM,
    FULL_SCORE,
    IMPLEMENTATION_MARKS,
    PAPER,
    _categories_from_memberships,
    _dimension_tree,
    _indicators_beneath,
    _level_answers,
)


def evidence_coverage(results: pd.DataFrame, evidence: pd.DataFrame) -> float | None:
    """Share of indicators with S(i) >= 75 that have at least one evidence item; None if none reaches 75."""
    strong = results.index[results["value"].ge(EVIDENCED_FROM)]
    if len(strong) == 0:
        return None
    return float(strong.isin(evidence["indicator"].tolist()).mean())


def priority_gaps(results: pd.DataFrame) -> pd.DataFrame:
    """Indicators with a value ranked by (100 - S(i)) x weight, then spread (largest first), then code."""
    valued = results.loc[results["value"].notna()]
    gaps = pd.DataFrame(
        {
            "code": valued.index.to_numpy(dtype=object),
            "value": valued["value"].to_numpy(dtype=float),
            "weight": valued["weight"].to_numpy(dtype=float),
            "priority": ((FULL_SCORE - valued["value"]) * valued["weight"]).to_numpy(dtype=float),
            "spread": valued["spread"].to_numpy(dtype=float),
            "disagreement": valued["disagreement"].to_numpy(dtype=bool),
        }
    )
    # An undefined spread (one institution) shows no disagreement, so it ranks below any known spread.
    gaps["spread_order"] = gaps["spread"].fillna(-1.0)
    gaps = gaps.sort_values(["priority", "spread_order", "code"], ascending=[False, False, True])
    return gaps.drop(columns="spread_order").reset_index(drop=True)


def paper_only_share(
    responses: pd.DataFrame,
    memberships: pd.DataFrame,
    dimension: str,
    categories: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per category, the share of level answers marked 'on paper only'.

    The denominator is the level answers that state an implementation (paper, partly or practice); the
    share is NaN when none does. Parents are included when ``categories`` is given.
    Columns: level_answers, stated, paper, share; indexed by category code.
    """
    frame = _categories_from_memberships(memberships) if categories is None else categories
    tree = _dimension_tree(frame, dimension)
    beneath = _indicators_beneath(tree, memberships, dimension)
    levels = _level_answers(responses)
    marks = levels["implementation"].where(levels["implementation"].isin(IMPLEMENTATION_MARKS))
    tally = (
        pd.DataFrame(
            {
                "indicator": levels["indicator"],
                "level_answers": 1,
                "stated": marks.notna().astype(int),
                "paper": marks.eq(PAPER).astype(int),
            }
        )
        .groupby("indicator")[["level_answers", "stated", "paper"]]
        .sum()
    )
    per_indicator = {str(code): row for code, row in zip(tally.index, tally.to_numpy().tolist(), strict=True)}
    zero = [0, 0, 0]
    counts = pd.DataFrame(
        [
            [sum(column) for column in zip(*(per_indicator.get(c, zero) for c in beneath[code]), strict=True)]
            or zero
            for code in tree.order
        ],
        index=pd.Index(tree.order, name="code", dtype=object),
        columns=["level_answers", "stated", "paper"],
    )
    counts = counts.fillna(0).astype(int)
    counts["share"] = counts["paper"] / counts["stated"].where(counts["stated"] > 0)
    return counts
