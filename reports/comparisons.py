"""Figures across assessments: a country's trend over rounds, the benchmark of countries, two side by side.

Rows are read in a few batched queries (never one query per assessment); the figures themselves come
from `reports.analysis`, exactly as for a single assessment.
"""

import pandas as pd
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from assessments.models import Assessment, Consensus, Response
from assessments.visibility import public_q, visible_assessments
from indicators.models import Framework
from reports import analysis
from reports.publication import published_figures
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


def _overall(assessment: Assessment, results: pd.DataFrame) -> float | None:
    fw = framework_frames(assessment.framework)
    return analysis.overall_score(results, fw.memberships, fw.categories, fw.dimensions, fw.aggregation)


# -- Benchmark ----------------------------------------------------------------------------------


def _benchmark_version(framework_slug: str, version: str | None) -> Framework:
    """The framework version the benchmark compares: the one asked for, else the version most official
    assessments use (else the newest). Versions are never mixed under one version's bands."""
    versions = Framework.objects.filter(slug=framework_slug).order_by("-loaded_at", "-pk")
    if version:
        chosen = versions.filter(version=version).first()
        if chosen is None:
            raise LookupError(f"{framework_slug} {version}")
        return chosen
    # The version most countries' official figures use (ties: the newest), so that a new version with a
    # single country does not hide all the others; the page offers the other versions.
    official = (
        Assessment.objects.filter(
            public_q(), framework__slug=framework_slug, kind=Assessment.Kind.SELF, area=""
        )
        .exclude(endorsed_at=None)
        .values("framework_id")
        .annotate(countries=Count("country", distinct=True), newest=Max("framework__loaded_at"))
        .order_by("-countries", "-newest")
        .values_list("framework_id", flat=True)
        .first()
    )
    newest = versions.filter(pk=official).first() if official else versions.first()
    if newest is None:
        raise LookupError(framework_slug)
    return newest


def _entry(assessment: Assessment, figures) -> dict:
    return {
        "assessment": assessment.pk,
        "round": assessment.round,
        "kind": assessment.kind,
        "author_organisation": assessment.author_organisation,
        "official": assessment.is_official,
        "score": json_number(figures.overall),
        "band": figures.band or None,
        "completeness": figures.completeness,
        "insufficient": figures.insufficient,
    }


def benchmark_for(*, framework_slug: str, round_label: str | None = None, version: str | None = None) -> dict:
    """The benchmark of one framework version: one figure per country, its official assessment (a
    self-assessment whose publication a site administrator endorsed), latest round unless a round is named.

    Independent and workshop assessments (and self-assessments not endorsed) of the same country are listed
    beside it, labelled with their kind and author organisation, never as the country's figure. A country
    whose official figure is below the framework's minimum completeness is listed with its completeness and
    left out of the band counts. Subnational assessments are not part of a national benchmark."""
    framework = _benchmark_version(framework_slug, version)
    public = (
        Assessment.objects.filter(public_q(), framework=framework, area="")
        .select_related("framework")
        .order_by("country", "-round", "-created_at")
    )
    if round_label:
        public = public.filter(round=round_label)
    official: dict[str, Assessment] = {}
    beside: dict[str, list[Assessment]] = {}
    for assessment in public:
        code = assessment.country.code
        if assessment.is_official:
            official.setdefault(code, assessment)
        else:
            beside.setdefault(code, []).append(assessment)
    figures = published_figures([*official.values(), *(a for group in beside.values() for a in group)])
    regions = country_regions().set_index("iso2")
    rows = []
    for code in sorted(set(official) | set(beside)):
        main = official.get(code)
        region = regions.loc[code] if code in regions.index else None
        country = (main or beside[code][0]).country
        entry = (
            _entry(main, figures[main.pk])
            if main
            else {
                "assessment": None,
                "round": None,
                "kind": None,
                "author_organisation": "",
                "official": False,
                "score": None,
                "band": None,
                "completeness": None,
                "insufficient": False,
            }
        )
        rows.append(
            {
                "country": code,
                "name": str(country.name),
                "framework_version": framework.version,
                "sdg_region": region["sdg_region"] if region is not None else "",
                "m49_region": region["m49_subregion"] if region is not None else "",
                **entry,
                "beside": [_entry(a, figures[a.pk]) for a in beside.get(code, [])],
            }
        )
    bands = framework_frames(framework).bands
    counted = pd.DataFrame(
        [r for r in rows if r["official"] and not r["insufficient"]],
        columns=["country", "sdg_region", "m49_region", "score", "band"],
    )
    counted["band"] = counted["band"].astype(object).where(counted["band"].notna(), None)
    sdg = analysis.benchmark(counted.rename(columns={"sdg_region": "region"}), bands)
    m49 = analysis.benchmark(counted.rename(columns={"m49_region": "region"}), bands)
    if framework.ranking:
        ranked = sorted(
            (r for r in rows if r["official"] and not r["insufficient"] and r["score"] is not None),
            key=lambda r: (-r["score"], r["name"]),
        )
        for position, row in enumerate(ranked, 1):
            row["rank"] = position
        rows.sort(key=lambda r: (r.get("rank") is None, r.get("rank") or 0, r["name"]))
    else:
        # Frameworks that refuse league tables (IOM's MGI, SDG 10.7.2) get no rank order at all.
        rows.sort(key=lambda r: r["name"])
    return {
        "framework": framework_slug,
        "framework_version": framework.version,
        "versions": list(
            Framework.objects.filter(slug=framework_slug)
            .order_by("-loaded_at")
            .values_list("version", flat=True)
        ),
        "round": round_label,
        "ranking": framework.ranking,
        "countries": rows,
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


def same_questions(frameworks: list[Framework]) -> frozenset[tuple[str, str, str]]:
    """(earlier version, later version, code) for every indicator a version's continuity maps as the same
    question under the same code, between the versions these rounds use."""
    same = set()
    for framework in {f.pk: f for f in frameworks}.values():
        continuity = framework.continuity or {}
        for code, link in (continuity.get("indicators") or {}).items():
            if link.get("relation") == "same" and link.get("to") == [code]:
                same.add((continuity["from"], framework.version, code))
    return frozenset(same)


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
    trend = analysis.trend(items, same=same_questions([a.framework for a in rounds]))
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
