"""Figures across assessments: a country's trend over rounds, the benchmark of countries, two side by side.

Rows are read in a few batched queries (never one query per assessment); the figures themselves come
from `reports.analysis`, exactly as for a single assessment.
"""

import pandas as pd
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from assessments.models import Assessment, Consensus, Response
from indicators.models import Framework
from reports import analysis
from reports.regions import country_regions
from reports.results import json_number
from reports.selectors import assessment_frames, consensus_frame, framework_frames, responses_frame

Status = Assessment.Status


def _batched_results(assessments: list[Assessment]) -> dict[int, pd.DataFrame]:
    """Indicator results of many assessments from two queries."""
    ids = [a.pk for a in assessments]
    responses = responses_frame(Response.objects.filter(assessment_id__in=ids), per_assessment=True)
    consensus = consensus_frame(Consensus.objects.filter(assessment_id__in=ids), per_assessment=True)
    by_assessment_r = dict(tuple(responses.groupby("assessment"))) if len(responses) else {}
    by_assessment_c = dict(tuple(consensus.groupby("assessment"))) if len(consensus) else {}
    results = {}
    for assessment in assessments:
        fw = framework_frames(assessment.framework)
        mine_r = by_assessment_r.get(assessment.pk, responses.iloc[0:0]).drop(columns="assessment")
        mine_c = by_assessment_c.get(assessment.pk, consensus.iloc[0:0]).drop(columns="assessment")
        results[assessment.pk] = analysis.indicator_results(mine_r, mine_c, fw.indicators)
    return results


def _score_key(assessment: Assessment) -> str:
    changed = assessment.updated_at.timestamp()
    return f"coherence:overall:{assessment.pk}:{changed}:{assessment.framework.source_sha256}"


def published_overall_scores(assessments: list[Assessment]) -> dict[int, float | None]:
    """Overall scores of published assessments, cached: once published, nothing in them can change."""
    keys = {assessment.pk: _score_key(assessment) for assessment in assessments}
    cached = cache.get_many(keys.values())
    missing = [a for a in assessments if keys[a.pk] not in cached]
    fresh = {}
    if missing:
        results = _batched_results(missing)
        fresh = {a.pk: _overall(a, results[a.pk]) for a in missing}
        cache.set_many({keys[pk]: {"score": score} for pk, score in fresh.items()}, timeout=None)
    return {a.pk: fresh[a.pk] if a.pk in fresh else cached[keys[a.pk]]["score"] for a in assessments}


def _overall(assessment: Assessment, results: pd.DataFrame) -> float | None:
    fw = framework_frames(assessment.framework)
    return analysis.overall_score(results, fw.memberships, fw.categories, fw.dimensions, fw.aggregation)


# -- Benchmark ----------------------------------------------------------------------------------


def benchmark_for(*, framework_slug: str, round_label: str | None = None) -> dict:
    """Published national assessments of one framework: each country's latest round (or the round named),
    with its score and band, and how countries spread over the bands, overall and per region."""
    newest = Framework.objects.filter(slug=framework_slug).order_by("-loaded_at", "-pk").first()
    if newest is None:
        raise LookupError(framework_slug)
    chosen = Assessment.objects.filter(status=Status.PUBLISHED, framework__slug=framework_slug, area="")
    if round_label:
        chosen = chosen.filter(round=round_label)
    latest: dict[str, Assessment] = {}
    for assessment in chosen.select_related("framework").order_by("country", "-round", "-created_at"):
        latest.setdefault(assessment.country.code, assessment)
    assessments = list(latest.values())
    scores = published_overall_scores(assessments)
    regions = country_regions().set_index("iso2")
    rows = []
    for assessment in assessments:
        code = assessment.country.code
        score = scores[assessment.pk]
        bands = framework_frames(assessment.framework).bands
        region = regions.loc[code] if code in regions.index else None
        rows.append(
            {
                "country": code,
                "name": str(assessment.country.name),
                "assessment": assessment.pk,
                "round": assessment.round,
                "framework_version": assessment.framework.version,
                "sdg_region": region["sdg_region"] if region is not None else "",
                "m49_region": region["m49_subregion"] if region is not None else "",
                "score": score,
                "band": analysis.band_of(score, bands),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "country",
            "name",
            "assessment",
            "round",
            "framework_version",
            "sdg_region",
            "m49_region",
            "score",
            "band",
        ],
    )
    bands = framework_frames(newest).bands
    sdg = analysis.benchmark(frame.rename(columns={"sdg_region": "region"}), bands)
    m49 = analysis.benchmark(frame.rename(columns={"m49_region": "region"}), bands)
    if newest.ranking:
        frame = frame.sort_values(["score", "name"], ascending=[False, True], na_position="last")
        frame["rank"] = range(1, len(frame) + 1)
    else:
        # Frameworks that refuse league tables (IOM's MGI) get no rank order at all.
        frame = frame.sort_values("name")
    return {
        "framework": framework_slug,
        "round": round_label,
        "ranking": newest.ranking,
        "countries": [
            {k: (json_number(v) if k == "score" else v) for k, v in row.items()}
            for row in frame.to_dict("records")
        ],
        "bands": _distribution(sdg.overall),
        "by_sdg_region": _distribution(sdg.by_region),
        "by_m49_region": _distribution(m49.by_region),
    }


def _distribution(frame: pd.DataFrame) -> list[dict]:
    return [
        {
            k: (json_number(v) if k in ("share", "share_at_or_above") else (int(v) if k == "count" else v))
            for k, v in r.items()
        }
        for r in frame.to_dict("records")
    ]


# -- Trend --------------------------------------------------------------------------------------


def visible_assessments(user) -> QuerySet[Assessment]:
    visible = Q(status=Status.PUBLISHED)
    if user.is_authenticated:
        visible |= Q(participants__user=user)
    return Assessment.objects.filter(visible).distinct()


def trend_for(*, user, country: str, framework_slug: str, area: str = "") -> dict:
    """The rounds of one country (or one area of it) that this person may see, oldest first."""
    rounds = list(
        visible_assessments(user)
        .filter(country=country, framework__slug=framework_slug, area=area)
        .select_related("framework")
        .order_by("round", "created_at")
    )
    results = _batched_results(rounds)
    items = []
    for assessment in rounds:
        fw = framework_frames(assessment.framework)
        primary = analysis.primary_dimension(fw.dimensions) or fw.dimensions["code"].iloc[0]
        scores = analysis.category_scores(
            results[assessment.pk], fw.memberships, fw.categories, primary, fw.aggregation
        )
        items.append(
            analysis.Round(
                assessment.round,
                assessment.framework.version,
                results[assessment.pk],
                _overall(assessment, results[assessment.pk]),
                scores,
            )
        )
    trend = analysis.trend(items)
    versions = [a.framework.version for a in rounds]
    return {
        "country": country,
        "area": area,
        "framework": framework_slug,
        "rounds": [
            {
                "assessment": a.pk,
                "round": a.round,
                "status": a.status,
                "framework_version": a.framework.version,
                "version_changed": i > 0 and versions[i] != versions[i - 1],
                "overall": json_number(items[i].overall),
                "change": json_number(trend.overall.iloc[i]["change"]) if "change" in trend.overall else None,
                "categories": {
                    code: json_number(score) for code, score in items[i].category_scores["score"].items()
                },
            }
            for i, a in enumerate(rounds)
        ],
    }


# -- Comparison ---------------------------------------------------------------------------------


class ComparisonError(Exception):
    """Two assessments that cannot be compared; the message says why."""


def compare_for(a: Assessment, b: Assessment) -> dict:
    """Two assessments of one framework side by side, indicator by indicator (b minus a)."""
    if a.framework.slug != b.framework.slug:
        raise ComparisonError(_("Only assessments of the same framework can be compared."))
    results = {}
    for assessment in (a, b):
        frames = assessment_frames(assessment)
        results[assessment.pk] = analysis.indicator_results(
            frames.responses, frames.consensus, frames.framework.indicators
        )
    comparison = analysis.compare(results[a.pk], results[b.pk])
    return {
        "a": {"id": a.pk, "label": str(a), "overall": json_number(_overall(a, results[a.pk]))},
        "b": {"id": b.pk, "label": str(b), "overall": json_number(_overall(b, results[b.pk]))},
        "indicators": [
            {
                "code": code,
                "value_a": json_number(row["value_a"]),
                "value_b": json_number(row["value_b"]),
                "difference": json_number(row["difference"]),
            }
            for code, row in comparison.indicators.iterrows()
        ],
        "mean_absolute_difference": comparison.mean_absolute_difference,
    }
