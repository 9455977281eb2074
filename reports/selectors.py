"""Build the analysis frames of an assessment from the database, in a fixed, small number of queries.

The framework's structure (indicators, categories, bands, scale) never changes once an assessment
uses it, so it is read once and kept in Django's cache; an assessment's own rows (answers, consensus,
respondents, evidence links) are read on every call, four queries.
"""

from dataclasses import dataclass

import pandas as pd
from django.core.cache import cache

from assessments.models import Assessment, Consensus, Evidence, Participant, Response
from assessments.selectors import session_scope
from indicators.models import Band as BandRow
from indicators.models import Category, Framework, Indicator, Level
from reports.analysis import Band

RESPONSE_COLUMNS = ["indicator", "participant", "institution", "answer", "value", "implementation"]
RESPONSE_FIELDS = (
    "indicator__code",
    "participant_id",
    "participant__institution_id",
    "answer",
    "level__value",
    "implementation",
)
CONSENSUS_FIELDS = ("indicator__code", "answer", "level__value")


def rows_frame(queryset, fields: tuple, columns: list[str], *, per_assessment: bool = False) -> pd.DataFrame:
    """Rows of responses or consensus as an analysis frame (with an `assessment` column when asked), values
    as floats (NaN where there is no level)."""
    if per_assessment:
        fields, columns = ("assessment_id", *fields), ["assessment", *columns]
    frame = pd.DataFrame(list(queryset.values_list(*fields)), columns=columns)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    return frame


def responses_frame(queryset, *, per_assessment: bool = False) -> pd.DataFrame:
    return rows_frame(queryset, RESPONSE_FIELDS, RESPONSE_COLUMNS, per_assessment=per_assessment)


def consensus_frame(queryset, *, per_assessment: bool = False) -> pd.DataFrame:
    return rows_frame(
        queryset, CONSENSUS_FIELDS, ["indicator", "answer", "value"], per_assessment=per_assessment
    )


@dataclass(frozen=True)
class FrameworkFrames:
    indicators: pd.DataFrame
    memberships: pd.DataFrame
    categories: pd.DataFrame
    dimensions: pd.DataFrame
    bands: list[Band]
    scale_values: list[float]
    aggregation: str
    labels: dict  # (dimension, category code) -> translated label mapping; dimension code -> label mapping
    min_category_coverage: float = 0.5
    min_overall_completeness: float = 0.5
    ranking: bool = True


@dataclass(frozen=True)
class Institution:
    id: int
    name: str
    kind: str
    label: str  # the name, made unique within the assessment when two institutions share it


@dataclass(frozen=True)
class AssessmentFrames:
    framework: FrameworkFrames
    responses: pd.DataFrame  # the `institution` column holds institution ids: same names are two voices
    consensus: pd.DataFrame
    participants: pd.DataFrame  # people whose role answers, with what they are expected to answer
    evidence: pd.DataFrame
    institutions: dict[int, Institution]


def _structure_key(framework: Framework) -> str:
    return f"coherence:framework-frames:{framework.pk}:{framework.source_sha256}"


def framework_frames(framework: Framework) -> FrameworkFrames:
    """The framework's structure as frames, cached: a framework in use is frozen."""
    key = _structure_key(framework)
    frames = cache.get(key)
    if frames is None:
        frames = _read_framework(framework)
        cache.set(key, frames, timeout=None)
    return frames


def forget_framework_frames(framework: Framework) -> None:
    cache.delete(_structure_key(framework))


def _read_framework(framework: Framework) -> FrameworkFrames:
    indicators = pd.DataFrame(
        list(framework.indicators.values("code", "weight", "position")),
        columns=["code", "weight", "position"],
    )
    memberships = pd.DataFrame(
        list(
            Indicator.categories.through.objects.filter(indicator__framework=framework).values_list(
                "indicator__code", "category__dimension__code", "category__code"
            )
        ),
        columns=["indicator", "dimension", "category"],
    )
    rows = list(
        Category.objects.filter(dimension__framework=framework)
        .order_by("dimension__position", "position")
        .values(
            "dimension__code",
            "dimension__role",
            "dimension__primary",
            "dimension__label",
            "code",
            "parent__code",
            "position",
            "cross_cutting",
            "label",
        )
    )
    categories = pd.DataFrame(
        [
            {
                "dimension": r["dimension__code"],
                "code": r["code"],
                "parent": r["parent__code"],
                "position": r["position"],
                "cross_cutting": r["cross_cutting"],
            }
            for r in rows
        ],
        columns=["dimension", "code", "parent", "position", "cross_cutting"],
    )
    dimensions = pd.DataFrame(
        list(
            {
                r["dimension__code"]: {
                    "code": r["dimension__code"],
                    "role": r["dimension__role"],
                    "primary": r["dimension__primary"],
                }
                for r in rows
            }.values()
        ),
        columns=["code", "role", "primary"],
    )
    labels = {(r["dimension__code"], r["code"]): r["label"] for r in rows}
    labels.update({r["dimension__code"]: r["dimension__label"] for r in rows})
    bands = [
        Band(b.code, b.lower, b.upper)
        for b in BandRow.objects.filter(framework=framework).order_by("position")
    ]
    scale_values = list(
        Level.objects.filter(scale__framework=framework).order_by("position").values_list("value", flat=True)
    )
    return FrameworkFrames(
        indicators,
        memberships,
        categories,
        dimensions,
        bands,
        scale_values,
        framework.aggregation,
        labels,
        framework.min_category_coverage,
        framework.min_overall_completeness,
        framework.ranking,
    )


def institution_labels(rows: list[tuple[int, str, str]]) -> dict[int, Institution]:
    """Institutions by id, each with a label unique within the assessment: its name, or its name and
    kind (then its id) when another institution there has the same name."""
    names = [name for _, name, _ in rows]
    labels: dict[int, Institution] = {}
    for pk, name, kind in rows:
        label = name
        if names.count(name) > 1:
            same_kind = sum(1 for _, n, k in rows if n == name and k == kind)
            label = f"{name} ({kind})" if same_kind == 1 else f"{name} (#{pk})"
        labels[pk] = Institution(pk, name, kind, label)
    return labels


def assessment_frames(assessment: Assessment) -> AssessmentFrames:
    """Everything the analysis needs about one assessment (5 queries once the framework is cached)."""
    structure = framework_frames(assessment.framework)
    responses = responses_frame(Response.objects.filter(assessment=assessment))
    consensus = consensus_frame(Consensus.objects.filter(assessment=assessment))
    answering = list(
        Participant.objects.filter(
            assessment=assessment,
            institution__isnull=False,
            removed_at__isnull=True,
            role__in=[Participant.Role.RESPONDENT, Participant.Role.COORDINATOR],
        ).values_list("pk", "institution_id", "guest")
    )
    participants = pd.DataFrame(
        [(pk, institution) for pk, institution, _ in answering], columns=["participant", "institution"]
    )
    # A workshop guest is asked the indicators of the sessions they joined; everyone else, the framework.
    scopes = session_scope([pk for pk, _, guest in answering if guest])
    participants["scope"] = pd.Series(
        [scopes.get(pk, frozenset()) if guest else None for pk, _, guest in answering], dtype=object
    )
    institutions = institution_labels(
        list(assessment.institutions.order_by("name", "pk").values_list("pk", "name", "kind"))
    )
    evidence = pd.DataFrame(
        list(
            Evidence.indicators.through.objects.filter(evidence__assessment=assessment).values_list(
                "indicator__code", "evidence_id"
            )
        ),
        columns=["indicator", "evidence"],
    )
    return AssessmentFrames(structure, responses, consensus, participants, evidence, institutions)
