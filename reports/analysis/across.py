"""Figures across assessments: a country's trend over rounds, the benchmark of countries, two compared."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from reports.analysis.base import (
    Band,
)
from reports.analysis.scores import band_of


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


def _with_change(
    long: pd.DataFrame,
    keys: list[str],
    value: str,
    *,
    across_versions: bool = False,
    same: frozenset[tuple[str, str, str]] = frozenset(),
) -> pd.DataFrame:
    """Add ``change``: value minus the same item's value in the previous round. Across framework versions
    a change is given only where it still means progress: for every item when ``across_versions`` (criteria
    and stages keep their codes), else for the (previous version, version, code) triples in ``same``."""
    previous = long[[*keys, "round_index", "framework_version", value]].rename(
        columns={value: "previous", "framework_version": "previous_version"}
    )
    previous = previous.assign(round_index=previous["round_index"] + 1)
    merged = long.merge(previous, on=[*keys, "round_index"], how="left")
    change = merged[value].astype(float) - merged["previous"].astype(float)
    crossed = merged["previous_version"].notna() & (merged["previous_version"] != merged["framework_version"])
    if across_versions:
        comparable = pd.Series(True, index=merged.index)
    else:
        mapped = [
            (p, v, c) in same
            for p, v, c in zip(
                merged["previous_version"],
                merged["framework_version"],
                merged[keys[-1]] if keys else merged.index,
                strict=True,
            )
        ]
        comparable = ~crossed | pd.Series(mapped, index=merged.index, dtype=bool)
    merged["change"] = change.where(comparable)
    return merged.drop(columns=["previous", "previous_version", "round_index"])


def _long(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    # Fixed column types make merging behave the same whether there are rounds or none.
    numbers = {"round_index": int, "score": float, "value": float}
    return pd.DataFrame(rows, columns=columns).astype({c: numbers.get(c, object) for c in columns})


def trend(rounds: Sequence[Round | tuple], same: frozenset[tuple[str, str, str]] = frozenset()) -> Trend:
    """The same figures across rounds of one country, in the order given (oldest first).

    Each round is a ``Round`` or a tuple (label, framework_version, results, overall, category_scores).
    ``change`` compares with the round just before. Across framework versions the overall score's change
    is not given (indicators and weights differ, so a difference would not mean progress); categories
    (criteria, stages) compare by their codes; an indicator compares only where the newer version's
    continuity says it is the same question: ``same`` holds (previous version, version, code) triples.
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
        categories=_with_change(
            _long(categories, category_columns), ["dimension", "category"], "score", across_versions=True
        ),
        indicators=_with_change(
            _long(indicators, [*meta_columns, "code", "value"]), ["code"], "value", same=same
        ),
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
