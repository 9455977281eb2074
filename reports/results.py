"""The results of one assessment as one JSON-ready dict (docs/results-format.md): every figure, unrounded.

This is the single place where the analysis functions are put together, so the command, the API,
the dashboards and the PDF all show the same numbers.
"""

import math
from dataclasses import dataclass

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


@dataclass(frozen=True)
class _Core:
    """The figures every other figure is built from, computed once."""

    results: pd.DataFrame  # one row per indicator (analysis.indicator_results)
    responses: pd.DataFrame  # answers on indicators that apply (none settled not applicable)
    indicators: pd.DataFrame  # indicators that apply
    done: analysis.Completeness


def _core(frames: AssessmentFrames) -> _Core:
    fw = frames.framework
    results = analysis.indicator_results(frames.responses, frames.consensus, fw.indicators)
    responses = analysis.without_not_applicable(frames.responses, results)
    excluded = analysis.not_applicable_codes(results)
    indicators = fw.indicators.loc[~fw.indicators["code"].isin(excluded)]
    done = analysis.completeness(responses, frames.participants, indicators, fw.memberships, fw.categories)
    return _Core(results, responses, indicators, done)


def _overall(frames: AssessmentFrames, core: _Core) -> dict:
    fw = frames.framework
    score = analysis.overall_score(core.results, fw.memberships, fw.categories, fw.dimensions, fw.aggregation)
    basis = analysis.overall_basis(core.results, core.done.overall, fw.min_overall_completeness)
    return {
        "score": score,
        # A score below the framework's minimum is shown as insufficient, never with a band.
        "band": None if basis["insufficient"] else analysis.band_of(score, fw.bands),
        "completeness": core.done.overall,
        **basis,
    }


def _dimensions(frames: AssessmentFrames, core: _Core, lang: str) -> tuple[dict, dict[str, pd.DataFrame]]:
    """Every category's score and what it rests on, per dimension; also the score frames, for reuse."""
    fw = frames.framework
    category_done = {
        (row["dimension"], row["category"]): row["completeness"]
        for row in core.done.by_category.to_dict("records")
    }
    dimensions, frames_by_dimension = {}, {}
    for dimension in fw.dimensions["code"]:
        scores = analysis.category_scores(
            core.results,
            fw.memberships,
            fw.categories,
            dimension,
            fw.aggregation,
            min_coverage=fw.min_category_coverage,
        )
        frames_by_dimension[dimension] = scores
        paper = _records(analysis.paper_only_share(core.responses, fw.memberships, dimension, fw.categories))
        dimensions[dimension] = [
            {
                "code": code,
                "label": tr(fw.labels.get((dimension, code)), lang),
                "parent": row["parent"] if isinstance(row["parent"], str) else None,
                "score": json_number(row["score"]),
                "band": None if row["insufficient"] else analysis.band_of(row["score"], fw.bands),
                "completeness": json_number(category_done.get((dimension, code), 0.0)),
                "n_indicators": int(row["n_indicators"]),
                "n_total": int(row["n_total"]),
                "weight_share": json_number(row["weight_share"]),
                "insufficient": bool(row["insufficient"]),
                "paper_only_share": json_number(paper.get(code, {}).get("share")),
            }
            for code, row in scores.iterrows()
        ]
    return dimensions, frames_by_dimension


def _matrix(frames: AssessmentFrames, core: _Core) -> dict | None:
    fw = frames.framework
    criteria = analysis.dimension_with_role(fw.dimensions, analysis.CRITERIA)
    stages = analysis.dimension_with_role(fw.dimensions, analysis.LIFECYCLE)
    if not (criteria and stages):
        return None
    order = fw.categories.sort_values("position")
    table = analysis.cross_scores(core.results, fw.memberships, criteria, stages)
    rows = [c for c in order.loc[order["dimension"] == criteria, "code"] if c in table.index]
    columns = [c for c in order.loc[order["dimension"] == stages, "code"] if c in table.columns]
    table = table.reindex(index=rows, columns=columns)
    counts = analysis.cross_counts(core.results, fw.memberships, criteria, stages).reindex(
        index=rows, columns=columns, fill_value=0
    )
    return {
        "rows": criteria,
        "columns": stages,
        "row_codes": rows,
        "column_codes": columns,
        "scores": [[json_number(v) for v in row] for row in table.to_numpy().tolist()],
        "n_indicators": [[int(v) for v in row] for row in counts.to_numpy().tolist()],
    }


def _coherence(frames: AssessmentFrames, core: _Core, by_dimension: dict[str, pd.DataFrame]) -> dict:
    fw = frames.framework
    stages = analysis.dimension_with_role(fw.dimensions, analysis.LIFECYCLE)
    criteria = analysis.dimension_with_role(fw.dimensions, analysis.CRITERIA)
    coherence = analysis.coherence(
        results=core.results,
        responses=core.responses,
        memberships=fw.memberships,
        categories=fw.categories,
        dimensions=fw.dimensions,
        aggregation=fw.aggregation,
        scale_values=fw.scale_values,
        stage_scores=by_dimension.get(stages),
        criterion_scores=by_dimension.get(criteria),
    )
    return {
        "horizontal": coherence.horizontal,
        "lifecycle": coherence.lifecycle,
        "criteria_balance": coherence.criteria_balance,
        "elements": coherence.elements,
        "index": coherence.index,
        "parts_used": coherence.parts_used,
        "based_on": coherence.based_on,
        "krippendorff_alpha": coherence.krippendorff_alpha,
        "krippendorff_pairable": coherence.krippendorff_pairable,
    }


def _indicators(frames: AssessmentFrames, core: _Core) -> list[dict]:
    label_of = {pk: institution.label for pk, institution in frames.institutions.items()}
    evidence_count = frames.evidence.groupby("indicator").size() if not frames.evidence.empty else pd.Series()
    return [
        {
            "code": code,
            "value": json_number(row["value"]),
            "source": row["source"],
            "consensus": row["consensus_answer"],
            "n_answers": int(row["n_answers"]),
            "n_institutions": int(row["n_institutions"]),
            "institution_values": {
                label_of.get(k, str(k)): json_number(v)
                for k, v in sorted(
                    row["institution_values"].items(), key=lambda item: label_of.get(item[0], "")
                )
            },
            "positions": sorted(json_number(v) for v in row["institution_values"].values()),
            "agreement": json_number(row["agreement"]),
            "spread": json_number(row["spread"]),
            "disagreement": row["disagreement"],
            "evidence_count": int(evidence_count.get(code, 0)),
        }
        for code, row in core.results.iterrows()
    ]


def _institutions(frames: AssessmentFrames, core: _Core) -> list[dict]:
    """Each institution of the assessment: its completeness and the score of its own answers (no consensus).
    Told apart by identifier: two institutions with the same name are two voices."""
    fw = frames.framework
    own_scores = analysis.institution_scores(
        core.responses, fw.indicators, fw.memberships, fw.categories, fw.dimensions, fw.aggregation
    )
    people = core.done.by_participant
    rows = []
    for pk, institution in sorted(frames.institutions.items(), key=lambda item: item[1].label):
        mine = people.loc[people["institution"].eq(pk)]
        expected = int(mine["expected"].sum())
        answered = int(mine["answered"].sum())
        rows.append(
            {
                "id": pk,
                "name": institution.label,
                "kind": institution.kind,
                "completeness": answered / expected if expected else 0.0,
                "answered": answered > 0,
                "score": json_number(own_scores.get(pk)),
            }
        )
    return rows


def results_compute(frames: AssessmentFrames, *, lang: str) -> dict:
    """Every figure of an assessment from its frames, as its participants see them
    (`assessments.visibility` decides what the public sees of them)."""
    fw = frames.framework
    core = _core(frames)
    dimensions, by_dimension = _dimensions(frames, core, lang)
    gaps = analysis.priority_gaps(core.results)
    return {
        "overall": _overall(frames, core),
        "minimums": {
            "category_coverage": fw.min_category_coverage,
            "completeness": fw.min_overall_completeness,
        },
        "dimensions": dimensions,
        "matrix": _matrix(frames, core),
        "indicators": _indicators(frames, core),
        "coherence": _coherence(frames, core, by_dimension),
        "evidence_coverage": analysis.evidence_coverage(core.results, frames.evidence),
        "priority_gaps": [
            {
                "code": row["code"],
                "value": json_number(row["value"]),
                "weight": json_number(row["weight"]),
                "priority": json_number(row["priority"]),
            }
            for row in gaps.to_dict("records")
        ],
        "institutions": _institutions(frames, core),
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
