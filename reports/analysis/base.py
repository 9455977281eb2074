"""What every analysis module shares: answer kinds, roles, constants, means, category trees."""

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

# Answer kinds, as stored in the ``answer`` column of responses and consensus.
LEVEL = "level"
NOT_APPLICABLE = "na"
DONT_KNOW = "dk"
# Implementation marks on a level answer.
PAPER = "paper"
IMPLEMENTATION_MARKS = ("paper", "partly", "practice")
# Dimension roles a framework may declare.
CRITERIA = "criteria"
LIFECYCLE = "lifecycle"
COHERENCE_ELEMENTS = "coherence_elements"
# Aggregation rules.
FLAT = "flat"
HIERARCHICAL = "hierarchical"
FULL_SCORE = 100.0
# On 0-100 the population standard deviation is largest (50) when half the values are 0 and half 100,
# so dividing by it keeps agreement within 0-1.
LARGEST_SD = 50.0
# Two levels apart on the default 0/25/50/75/100 scale.
DISAGREEMENT_SPREAD = 50.0
# "Established" on the default scale: a claim that strong ought to rest on evidence.
EVIDENCED_FROM = 75.0
COHERENCE_PARTS = ("horizontal", "lifecycle", "criteria_balance", "elements")


@dataclass(frozen=True)
class Band:
    """A named range of scores, [lower, upper) except for the top band, which also holds 100."""

    code: str
    lower: float
    upper: float


def _present(value: object) -> bool:
    """True unless the value is None or a pandas/numpy missing value."""
    return not (value is None or (pd.api.types.is_scalar(value) and pd.isna(value)))


def _scalar(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _mean(values: Iterable[float]) -> float:
    """Unweighted mean of the known values; NaN when there are none."""
    known = [float(v) for v in values if _present(v)]
    return sum(known) / len(known) if known else math.nan


def _weighted_mean(values: pd.Series, weights: pd.Series, codes: Iterable[str]) -> tuple[float, int, float]:
    """Weighted mean of ``values`` over ``codes`` (unknown values skipped), its count and total weight."""
    codes = list(codes)
    value = values.reindex(codes)
    weight = weights.reindex(codes)
    known = value.notna() & weight.notna()
    if not known.any():
        return math.nan, 0, 0.0
    total = float(weight[known].sum())
    return float((value[known] * weight[known]).sum() / total), int(known.sum()), total


def _weighted_mean_of(values: dict, weights: dict, codes: Iterable[str]) -> tuple[float, int, float]:
    """`_weighted_mean` on plain dicts: the same rule, without pandas' per-call cost (used in loops)."""
    total = weighted = 0.0
    count = 0
    for code in codes:
        value, weight = values.get(code), weights.get(code)
        if value is None or weight is None or value != value or weight != weight:  # x != x: NaN
            continue
        total += weight
        weighted += value * weight
        count += 1
    return (weighted / total if count else math.nan), count, total


def _balance(scores: pd.Series) -> float | None:
    """100 - (max - min); a spread needs at least two scores, so fewer gives None."""
    known = scores.dropna()
    if len(known) < 2:
        return None
    return FULL_SCORE - float(known.max() - known.min())


def _level_answers(responses: pd.DataFrame) -> pd.DataFrame:
    """Answers that carry a value on the scale (N/A and don't know dropped)."""
    levels = responses.loc[responses["answer"].eq(LEVEL)].astype({"value": float})
    levels = levels.loc[levels["value"].notna()]
    # Institutions are told apart by their identifier (two with the same name are two voices). A respondent
    # always answers for one; group any stray answer under -1 (or "" for named test frames), never drop it.
    institution = levels["institution"]
    if pd.api.types.is_numeric_dtype(institution):
        return levels.assign(institution=institution.fillna(-1).astype(int))
    return levels.assign(institution=institution.fillna("").astype(object))


def not_applicable_codes(results: pd.DataFrame) -> set[str]:
    """Indicators settled as not applicable by consensus: out of every figure."""
    if "consensus_answer" not in results:
        return set()
    return set(results.index[results["consensus_answer"].eq(NOT_APPLICABLE)])


def without_not_applicable(responses: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """The answers on indicators that are not settled as not applicable by consensus."""
    excluded = not_applicable_codes(results)
    return responses.loc[~responses["indicator"].isin(excluded)] if excluded else responses


def dimension_with_role(dimensions: pd.DataFrame, role: str) -> str | None:
    """Code of the first dimension that plays ``role``, or None when the framework has none."""
    codes = dimensions.loc[dimensions["role"].eq(role), "code"]
    return None if codes.empty else str(codes.iloc[0])


def primary_dimension(dimensions: pd.DataFrame) -> str | None:
    """Code of the dimension used for the hierarchical overall score, or None."""
    codes = dimensions.loc[dimensions["primary"].eq(True), "code"]
    return None if codes.empty else str(codes.iloc[0])


@dataclass(frozen=True)
class _Tree:
    """The categories of one dimension in reading order (each parent before its children)."""

    order: list[str]
    parent: dict[str, str | None]
    depth: dict[str, int]
    children: dict[str, list[str]]
    cross_cutting: dict[str, bool]


def _dimension_tree(categories: pd.DataFrame, dimension: str) -> _Tree:
    own = categories.loc[categories["dimension"].eq(dimension)]
    codes = [str(code) for code in own["code"]]
    known = set(codes)
    parent = {
        code: (str(p) if _present(p) and str(p) in known else None)
        for code, p in zip(codes, own["parent"], strict=True)
    }
    rank = {code: (position, code) for code, position in zip(codes, own["position"], strict=True)}
    children: dict[str | None, list[str]] = {}
    for code in codes:
        children.setdefault(parent[code], []).append(code)
    for siblings in children.values():
        siblings.sort(key=rank.__getitem__)
    order: list[str] = []
    depth: dict[str, int] = {}
    stack = [(code, 0) for code in reversed(children.get(None, []))]
    while stack:
        code, level = stack.pop()
        order.append(code)
        depth[code] = level
        stack.extend((child, level + 1) for child in reversed(children.get(code, [])))
    cross_cutting = {
        code: bool(flag) if _present(flag) else False
        for code, flag in zip(codes, own["cross_cutting"], strict=True)
    }
    return _Tree(
        order=order,
        parent=parent,
        depth=depth,
        children={code: kids for code, kids in children.items() if code is not None},
        cross_cutting=cross_cutting,
    )


def _indicators_beneath(tree: _Tree, memberships: pd.DataFrame, dimension: str) -> dict[str, list[str]]:
    """Indicator codes attached to each category or any of its descendants, in membership order."""
    own = memberships.loc[memberships["dimension"].eq(dimension)]
    direct: dict[str, list[str]] = {}
    for indicator, category in zip(own["indicator"], own["category"], strict=True):
        direct.setdefault(str(category), []).append(str(indicator))
    beneath: dict[str, list[str]] = {}
    # Reversed reading order meets every child before its parent.
    for code in reversed(tree.order):
        codes = list(direct.get(code, []))
        for child in tree.children.get(code, []):
            codes.extend(beneath[child])
        beneath[code] = list(dict.fromkeys(codes))
    return beneath


def _categories_from_memberships(memberships: pd.DataFrame) -> pd.DataFrame:
    """Leaf categories as a categories frame, for callers that only have memberships."""
    pairs = memberships[["dimension", "category"]].drop_duplicates()
    return pd.DataFrame(
        {
            "dimension": pairs["dimension"].tolist(),
            "code": pairs["category"].tolist(),
            "parent": [None] * len(pairs),
            "position": list(range(len(pairs))),
            "cross_cutting": [False] * len(pairs),
        }
    )
