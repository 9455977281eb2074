"""Compute every figure Coherence shows (scores, completeness, agreement, coherence) from plain DataFrames.

The functions here are pure: they take DataFrames built by a selector and return DataFrames, small
dataclasses or plain numbers. There is no database, request or file access, so each definition can be
checked against frames written by hand. docs/methodology.md states every definition for readers.

Conventions shared by all functions:

- scores are on 0-100 and never rounded here; rounding is for display;
- a figure that cannot be computed is ``None`` (``NaN`` inside a DataFrame), never 0;
- "not applicable" answers are left out of every figure, "don't know" answers out of every score.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import krippendorff
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


@dataclass(frozen=True)
class Completeness:
    """Share of expected answers given (a level or N/A), overall, per participant and per category."""

    overall: float
    answered: int
    expected: int
    by_participant: pd.DataFrame
    by_category: pd.DataFrame


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


@dataclass(frozen=True)
class Round:
    """One round of an assessment of a country, already analysed."""

    label: str
    framework_version: str
    results: pd.DataFrame
    overall: float | None
    category_scores: pd.DataFrame


@dataclass(frozen=True)
class Trend:
    """Figures across rounds, in long format; ``change`` is against the previous round of the same version."""

    overall: pd.DataFrame
    categories: pd.DataFrame
    indicators: pd.DataFrame


@dataclass(frozen=True)
class Benchmark:
    """How countries spread over the bands, overall and per region."""

    overall: pd.DataFrame
    by_region: pd.DataFrame


@dataclass(frozen=True)
class Comparison:
    """Per-indicator difference between two assessments of one framework (second minus first)."""

    indicators: pd.DataFrame
    mean_absolute_difference: float | None


# --- small helpers ---


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
    # A respondent always answers for an institution; group any stray one under "" rather than drop it.
    return levels.assign(institution=levels["institution"].fillna("").astype(object))


def dimension_with_role(dimensions: pd.DataFrame, role: str) -> str | None:
    """Code of the first dimension that plays ``role``, or None when the framework has none."""
    codes = dimensions.loc[dimensions["role"].eq(role), "code"]
    return None if codes.empty else str(codes.iloc[0])


def primary_dimension(dimensions: pd.DataFrame) -> str | None:
    """Code of the dimension used for the hierarchical overall score, or None."""
    codes = dimensions.loc[dimensions["primary"].eq(True), "code"]
    return None if codes.empty else str(codes.iloc[0])


# --- category trees ---


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


# --- indicator values ---


def institution_levels(responses: pd.DataFrame) -> pd.DataFrame:
    """I(i,k): per (indicator, institution), the median of its participants' level values."""
    levels = _level_answers(responses)
    medians = levels.groupby(["indicator", "institution"], sort=True)["value"].median()
    return medians.astype(float).to_frame("value")


def agreement(levels: Sequence[float]) -> float | None:
    """A(i) = 1 - sd / 50 over institution levels (population sd); None for fewer than two institutions."""
    values = pd.Series(list(levels), dtype=float).dropna()
    if len(values) < 2:
        return None
    return 1.0 - float(values.std(ddof=0)) / LARGEST_SD


def indicator_results(
    responses: pd.DataFrame, consensus: pd.DataFrame, indicators: pd.DataFrame
) -> pd.DataFrame:
    """One row per indicator, in framework order, indexed by ``code``.

    Columns: ``value`` S(i), ``source`` ('consensus', 'median' or None), ``n_answers`` (level answers),
    ``n_institutions``, ``institution_values`` (institution -> I(i,k)), ``agreement`` A(i), ``spread``,
    ``disagreement``, ``weight`` and ``consensus_answer`` (the consensus answer kind or None).
    """
    framework = indicators.sort_values(["position", "code"], kind="stable")
    codes = [str(code) for code in framework["code"]]
    per_institution = institution_levels(responses).reset_index()
    by_indicator = per_institution.groupby("indicator")["value"]
    median = by_indicator.median().reindex(codes)
    n_institutions = by_indicator.size().reindex(codes).fillna(0).astype(int)
    sd = by_indicator.std(ddof=0).reindex(codes)
    spread = (by_indicator.max() - by_indicator.min()).reindex(codes)
    several = n_institutions >= 2
    institution_values = {
        str(code): dict(zip(group["institution"], group["value"], strict=True))
        for code, group in per_institution.groupby("indicator")
    }
    n_answers = _level_answers(responses).groupby("indicator").size().reindex(codes).fillna(0).astype(int)

    agreed = consensus.drop_duplicates("indicator", keep="last").set_index("indicator")
    values: list[float] = []
    sources: list[str | None] = []
    answers: list[str | None] = []
    for code in codes:
        answer = agreed.at[code, "answer"] if code in agreed.index else None
        agreed_value = agreed.at[code, "value"] if code in agreed.index else None
        if answer == LEVEL and _present(agreed_value):
            values.append(float(agreed_value))
            sources.append("consensus")
        elif answer in (NOT_APPLICABLE, DONT_KNOW):
            values.append(math.nan)
            sources.append("consensus")
        elif _present(median[code]):
            values.append(float(median[code]))
            sources.append("median")
        else:
            values.append(math.nan)
            sources.append(None)
        answers.append(answer if answer in (LEVEL, NOT_APPLICABLE, DONT_KNOW) else None)

    index = pd.Index(codes, name="code", dtype=object)
    spread = spread.where(several)
    return pd.DataFrame(
        {
            "value": pd.Series(values, index=index, dtype=float),
            "source": pd.Series(sources, index=index, dtype=object),
            "n_answers": n_answers.to_numpy(),
            "n_institutions": n_institutions.to_numpy(),
            "institution_values": pd.Series([institution_values.get(c, {}) for c in codes], index=index),
            "agreement": (1.0 - sd / LARGEST_SD).where(several).to_numpy(dtype=float),
            "spread": spread.to_numpy(dtype=float),
            "disagreement": (spread >= DISAGREEMENT_SPREAD).to_numpy(dtype=bool),
            "weight": framework["weight"].astype(float).to_numpy(),
            "consensus_answer": pd.Series(answers, index=index, dtype=object),
        },
        index=index,
    )


def institution_scores(
    responses: pd.DataFrame,
    indicators: pd.DataFrame,
    memberships: pd.DataFrame,
    categories: pd.DataFrame,
    dimensions: pd.DataFrame,
    aggregation: str = FLAT,
) -> dict[str, float | None]:
    """Each institution's overall score from its own levels alone: S(i) = I(i,k), no consensus.

    One median per (indicator, institution) for all institutions at once, then the rule at the top.
    """
    wide = institution_levels(responses)["value"].unstack("institution") if len(responses) else pd.DataFrame()
    codes = [str(code) for code in indicators.sort_values(["position", "code"], kind="stable")["code"]]
    weights = indicators.set_index("code")["weight"].astype(float).reindex(codes)
    scores = {}
    for institution in wide.columns:
        own = pd.DataFrame({"value": wide[institution].reindex(codes), "weight": weights})
        scores[str(institution)] = overall_score(own, memberships, categories, dimensions, aggregation)
    return scores


def _applicable(results: pd.DataFrame) -> pd.DataFrame:
    """Indicators not declared not applicable by consensus."""
    if "consensus_answer" not in results:
        return results
    return results.loc[results["consensus_answer"].ne(NOT_APPLICABLE)]


# --- scores ---


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


# --- agreement and coherence ---


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


# --- completeness, evidence, gaps, bands ---


def _fraction(answered: pd.Series, expected: pd.Series) -> pd.Series:
    # Nothing expected counts as 0 complete, never as a division by zero.
    return (answered / expected.where(expected > 0)).fillna(0.0).astype(float)


def completeness(
    responses: pd.DataFrame,
    participants: pd.DataFrame,
    indicators: pd.DataFrame,
    memberships: pd.DataFrame,
    categories: pd.DataFrame | None = None,
) -> Completeness:
    """Answered (a level or N/A) / expected, as a fraction 0-1; "don't know" counts as unanswered.

    Every listed participant is expected to answer every indicator. Per category, the expected answers are
    the participants times the indicators beneath it; parents are included when ``categories`` is given,
    else only the categories named in ``memberships``.
    """
    codes = list(dict.fromkeys(str(code) for code in indicators["code"]))
    people = participants.drop_duplicates("participant")
    answered = responses.loc[
        responses["answer"].isin([LEVEL, NOT_APPLICABLE])
        & responses["participant"].isin(people["participant"].tolist())
        & responses["indicator"].isin(codes),
        ["indicator", "participant"],
    ].drop_duplicates()

    per_person = answered.groupby("participant").size()
    person_answered = people["participant"].map(per_person).fillna(0).astype(int)
    person_expected = pd.Series(len(codes), index=people.index, dtype=int)
    by_participant = pd.DataFrame(
        {
            "participant": people["participant"].to_numpy(),
            "institution": people["institution"].to_numpy(),
            "answered": person_answered.to_numpy(),
            "expected": person_expected.to_numpy(),
            "completeness": _fraction(person_answered, person_expected).to_numpy(),
        }
    )

    frame = _categories_from_memberships(memberships) if categories is None else categories
    per_indicator = answered.groupby("indicator").size()
    expected_codes = set(codes)
    rows = []
    for dimension in frame["dimension"].drop_duplicates():
        tree = _dimension_tree(frame, dimension)
        beneath = _indicators_beneath(tree, memberships, dimension)
        for code in tree.order:
            expected_here = [c for c in beneath[code] if c in expected_codes]
            rows.append(
                {
                    "dimension": dimension,
                    "category": code,
                    "answered": int(per_indicator.reindex(expected_here).fillna(0).sum()),
                    "expected": len(expected_here) * len(people),
                }
            )
    by_category = pd.DataFrame(rows, columns=["dimension", "category", "answered", "expected"])
    by_category["completeness"] = _fraction(by_category["answered"], by_category["expected"])

    expected = len(codes) * len(people)
    return Completeness(
        overall=len(answered) / expected if expected else 0.0,
        answered=len(answered),
        expected=expected,
        by_participant=by_participant,
        by_category=by_category,
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


# --- comparisons ---


def _with_change(long: pd.DataFrame, keys: list[str], value: str) -> pd.DataFrame:
    """Add ``change``: value minus the same item's value in the previous round, when of the same version."""
    previous = long[[*keys, "round_index", "framework_version", value]].rename(columns={value: "previous"})
    previous = previous.assign(round_index=previous["round_index"] + 1)
    merged = long.merge(previous, on=[*keys, "round_index", "framework_version"], how="left")
    merged["change"] = merged[value].astype(float) - merged["previous"].astype(float)
    return merged.drop(columns=["previous", "round_index"])


def _long(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    # Fixed column types make merging behave the same whether there are rounds or none.
    numbers = {"round_index": int, "score": float, "value": float}
    return pd.DataFrame(rows, columns=columns).astype({c: numbers.get(c, object) for c in columns})


def trend(rounds: Sequence[Round | tuple]) -> Trend:
    """The same figures across rounds of one country, in the order given (oldest first).

    Each round is a ``Round`` or a tuple (label, framework_version, results, overall, category_scores).
    ``change`` compares with the round just before, and only when both used the same framework version:
    across versions indicators and weights may differ, so a difference would not mean progress.
    """
    overall: list[dict] = []
    categories: list[dict] = []
    indicators: list[dict] = []
    for position, item in enumerate(rounds):
        item = item if isinstance(item, Round) else Round(*item)
        meta = {"round": item.label, "framework_version": item.framework_version, "round_index": position}
        overall.append({**meta, "score": math.nan if item.overall is None else item.overall})
        scores = item.category_scores
        dimensions = scores["dimension"] if "dimension" in scores else [None] * len(scores)
        categories.extend(
            {**meta, "dimension": dimension, "category": code, "score": score}
            for code, dimension, score in zip(scores.index, dimensions, scores["score"], strict=True)
        )
        indicators.extend(
            {**meta, "code": code, "value": value} for code, value in item.results["value"].items()
        )
    meta_columns = ["round", "framework_version", "round_index"]
    category_columns = [*meta_columns, "dimension", "category", "score"]
    return Trend(
        overall=_with_change(_long(overall, [*meta_columns, "score"]), [], "score"),
        categories=_with_change(_long(categories, category_columns), ["dimension", "category"], "score"),
        indicators=_with_change(_long(indicators, [*meta_columns, "code", "value"]), ["code"], "value"),
    )


def _band_distribution(bands_of_countries: pd.Series, bands: Sequence[Band]) -> pd.DataFrame:
    ordered = [band.code for band in sorted(bands, key=lambda band: (band.lower, band.upper))]
    counts = bands_of_countries.value_counts().reindex(ordered).fillna(0).astype(int)
    total = int(counts.sum())
    share = counts / total if total else pd.Series(math.nan, index=counts.index)
    # Bands run from lowest to highest, so "at or above" sums from the end.
    at_or_above = share[::-1].cumsum()[::-1]
    return pd.DataFrame(
        {
            "band": ordered,
            "count": counts.to_numpy(),
            "share": share.to_numpy(dtype=float),
            "share_at_or_above": at_or_above.to_numpy(dtype=float),
        }
    )


def benchmark(countries: pd.DataFrame, bands: Sequence[Band]) -> Benchmark:
    """Count and share of countries per band, and the share at or above each band, overall and per region.

    ``countries`` has one row per country (the caller picks published assessments and the round):
    country, region, score and, optionally, band (computed from the score when the column is absent).
    Countries without a band are left out of the shares.
    """
    band_column = (
        countries["band"]
        if "band" in countries
        else countries["score"].map(lambda score: band_of(score, bands)).astype(object)
    )
    classified = countries.assign(band=band_column).loc[lambda frame: frame["band"].notna()]
    regions = [
        _band_distribution(group["band"], bands).assign(region=region)
        for region, group in classified.groupby("region", sort=True)
    ]
    columns = ["region", "band", "count", "share", "share_at_or_above"]
    by_region = pd.concat(regions, ignore_index=True)[columns] if regions else pd.DataFrame(columns=columns)
    return Benchmark(overall=_band_distribution(classified["band"], bands), by_region=by_region)


def compare(results_a: pd.DataFrame, results_b: pd.DataFrame) -> Comparison:
    """Per indicator, value_b - value_a, and the mean absolute difference over indicators valued in both."""
    codes = list(dict.fromkeys([*results_a.index, *results_b.index]))
    index = pd.Index(codes, name="code", dtype=object)
    value_a = results_a["value"].astype(float).reindex(index)
    value_b = results_b["value"].astype(float).reindex(index)
    difference = value_b - value_a
    frame = pd.DataFrame({"value_a": value_a, "value_b": value_b, "difference": difference}, index=index)
    known = difference.dropna()
    return Comparison(
        indicators=frame,
        mean_absolute_difference=None if known.empty else float(known.abs().mean()),
    )
