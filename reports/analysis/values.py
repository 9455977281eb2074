"""Indicator values: each institution's level (one voice each), agreement, S(i), institutions' own scores."""

import math
from collections.abc import Sequence

import pandas as pd

from reports.analysis.base import (
    DISAGREEMENT_SPREAD,
    DONT_KNOW,
    FLAT,
    LARGEST_SD,
    LEVEL,
    NOT_APPLICABLE,
    _level_answers,
    _present,
)
from reports.analysis.scores import overall_score


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

    Agreement, spread and the disagreement flag exist only where at least two institutions gave a level
    (else NaN, and None for the flag), and never on an indicator settled as not applicable by consensus.
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
    settled_na = pd.Series([a == NOT_APPLICABLE for a in answers], index=spread.index)
    several = several & ~settled_na
    spread = spread.where(several)
    flags = [bool(s >= DISAGREEMENT_SPREAD) if ok else None for s, ok in zip(spread, several, strict=True)]
    return pd.DataFrame(
        {
            "value": pd.Series(values, index=index, dtype=float),
            "source": pd.Series(sources, index=index, dtype=object),
            "n_answers": n_answers.to_numpy(),
            "n_institutions": n_institutions.to_numpy(),
            "institution_values": pd.Series([institution_values.get(c, {}) for c in codes], index=index),
            "agreement": (1.0 - sd / LARGEST_SD).where(several).to_numpy(dtype=float),
            "spread": spread.to_numpy(dtype=float),
            "disagreement": pd.Series(flags, index=index, dtype=object),
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

    One median per (indicator, institution) for all institutions at once, then the rule at the top. The
    caller leaves out answers on indicators settled as not applicable (`without_not_applicable`).
    Keys are the institutions as they appear in ``responses`` (identifiers).
    """
    wide = institution_levels(responses)["value"].unstack("institution") if len(responses) else pd.DataFrame()
    codes = [str(code) for code in indicators.sort_values(["position", "code"], kind="stable")["code"]]
    weights = indicators.set_index("code")["weight"].astype(float).reindex(codes)
    scores = {}
    for institution in wide.columns:
        own = pd.DataFrame({"value": wide[institution].reindex(codes), "weight": weights})
        scores[institution] = overall_score(own, memberships, categories, dimensions, aggregation)
    return scores


def _applicable(results: pd.DataFrame) -> pd.DataFrame:
    """Indicators not declared not applicable by consensus."""
    if "consensus_answer" not in results:
        return results
    return results.loc[results["consensus_answer"].ne(NOT_APPLICABLE)]
