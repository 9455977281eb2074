"""The results of one assessment as one JSON-ready dict (docs/results-format.md): every figure, unrounded.

This is the single place where the analysis functions are put together, so the command, the API,
the dashboards and the PDF all show the same numbers.
"""

import math

import pandas as pd

from assessments.models import Assessment
from assessments.visibility import AssessmentView, audience_of, project_results
from indicators.text import tr
from reports import analysis
from reports.selectors import AssessmentFrames, assessment_frames


def json_number(value) -> float | None:
    """A float for JSON: None for a missing value (JSON has no NaN)."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _records(scores: pd.DataFrame) -> dict[str, dict]:
    return {str(code): row for code, row in scores.to_dict("index").items()}


def results_compute(frames: AssessmentFrames, *, lang: str) -> dict:
    """Every figure of an assessment from its frames, as its participants see them
    (`reports.visibility` decides what the public sees of them)."""
    fw = frames.framework
    results = analysis.indicator_results(frames.responses, frames.consensus, fw.indicators)
    done = analysis.completeness(
        frames.responses, frames.participants, fw.indicators, fw.memberships, fw.categories
    )
    overall = analysis.overall_score(results, fw.memberships, fw.categories, fw.dimensions, fw.aggregation)
    evidence_count = frames.evidence.groupby("indicator").size() if not frames.evidence.empty else pd.Series()

    category_done = {
        (row["dimension"], row["category"]): row["completeness"]
        for row in done.by_category.to_dict("records")
    }
    dimensions = {}
    for dimension in fw.dimensions["code"]:
        scores = analysis.category_scores(results, fw.memberships, fw.categories, dimension, fw.aggregation)
        paper = _records(
            analysis.paper_only_share(frames.responses, fw.memberships, dimension, fw.categories)
        )
        dimensions[dimension] = [
            {
                "code": code,
                "label": tr(fw.labels.get((dimension, code)), lang),
                "parent": row["parent"] if isinstance(row["parent"], str) else None,
                "score": json_number(row["score"]),
                "band": analysis.band_of(row["score"], fw.bands),
                "completeness": json_number(category_done.get((dimension, code), 0.0)),
                "n_indicators": int(row["n_indicators"]),
                "paper_only_share": json_number(paper.get(code, {}).get("share")),
            }
            for code, row in scores.iterrows()
        ]

    matrix = None
    criteria = analysis.dimension_with_role(fw.dimensions, analysis.CRITERIA)
    stages = analysis.dimension_with_role(fw.dimensions, analysis.LIFECYCLE)
    if criteria and stages:
        table = analysis.cross_scores(results, fw.memberships, criteria, stages)
        order = fw.categories.sort_values("position")
        table = table.reindex(
            index=[c for c in order.loc[order["dimension"] == criteria, "code"] if c in table.index],
            columns=[c for c in order.loc[order["dimension"] == stages, "code"] if c in table.columns],
        )
        matrix = {
            "rows": criteria,
            "columns": stages,
            "row_codes": list(table.index),
            "column_codes": list(table.columns),
            "scores": [[json_number(v) for v in row] for row in table.to_numpy().tolist()],
        }
    coherence = analysis.coherence(
        results=results,
        responses=frames.responses,
        memberships=fw.memberships,
        categories=fw.categories,
        dimensions=fw.dimensions,
        aggregation=fw.aggregation,
        scale_values=fw.scale_values,
    )
    gaps = analysis.priority_gaps(results)
    own_scores = analysis.institution_scores(
        frames.responses, fw.indicators, fw.memberships, fw.categories, fw.dimensions, fw.aggregation
    )
    institutions = []
    for name, group in frames.participants.groupby("institution", sort=True):
        people = done.by_participant[done.by_participant["participant"].isin(group["participant"])]
        expected = people["expected"].sum()
        institutions.append(
            {
                "name": name,
                "kind": frames.institution_kinds.get(name),
                "completeness": float(people["answered"].sum() / expected) if expected else 0.0,
                "answered": bool(people["answered"].sum() > 0),
                "score": json_number(own_scores.get(name)),
            }
        )
    return {
        "overall": {
            "score": overall,
            "band": analysis.band_of(overall, fw.bands),
            "completeness": done.overall,
        },
        "dimensions": dimensions,
        "matrix": matrix,
        "indicators": [
            {
                "code": code,
                "value": json_number(row["value"]),
                "source": row["source"],
                "n_answers": int(row["n_answers"]),
                "institution_values": {
                    k: json_number(v) for k, v in sorted(row["institution_values"].items())
                },
                "positions": sorted(json_number(v) for v in row["institution_values"].values()),
                "agreement": json_number(row["agreement"]),
                "spread": json_number(row["spread"]),
                "disagreement": bool(row["disagreement"]),
                "evidence_count": int(evidence_count.get(code, 0)),
            }
            for code, row in results.iterrows()
        ],
        "coherence": {
            "horizontal": coherence.horizontal,
            "lifecycle": coherence.lifecycle,
            "criteria_balance": coherence.criteria_balance,
            "elements": coherence.elements,
            "index": coherence.index,
            "parts_used": coherence.parts_used,
            "krippendorff_alpha": coherence.krippendorff_alpha,
        },
        "evidence_coverage": analysis.evidence_coverage(results, frames.evidence),
        "priority_gaps": [
            {
                "code": row["code"],
                "value": json_number(row["value"]),
                "weight": json_number(row["weight"]),
                "priority": json_number(row["priority"]),
            }
            for row in gaps.to_dict("records")
        ],
        "institutions": institutions,
    }


def assessment_results(assessment: Assessment, *, lang: str | None = None) -> dict:
    """Every figure of the assessment, as its participants see them."""
    frames = assessment_frames(assessment)
    framework = assessment.framework
    return {
        "assessment": {
            "id": assessment.pk,
            "country": assessment.country.code,
            "area": assessment.area,
            "round": assessment.round,
            "framework": framework.slug,
            "framework_version": framework.version,
            "kind": assessment.kind,
            "status": assessment.status,
            "visibility": "participants",
        },
        **results_compute(frames, lang=lang or assessment.language),
    }


def results_for(assessment: Assessment, *, audience: str, lang: str | None = None) -> dict:
    """The results JSON as this audience may see it (`assessments.visibility` decides)."""
    return project_results(assessment_results(assessment, lang=lang), audience)


def assessment_view(assessment: Assessment, *, audience: str, lang: str | None = None) -> AssessmentView:
    """Results and text of an assessment as this audience may see them: what every output is built from."""
    return AssessmentView(assessment, audience, results_for(assessment, audience=audience, lang=lang))


def view_for(user, assessment: Assessment, *, lang: str | None = None) -> AssessmentView:
    return assessment_view(assessment, audience=audience_of(user, assessment), lang=lang)
