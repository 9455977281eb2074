"""Compute every figure Coherence shows (scores, completeness, agreement, coherence) from plain DataFrames.

The functions here are pure: they take DataFrames built by a selector and return DataFrames, small
dataclasses or plain numbers. There is no database, request or file access, so each definition can be
checked against frames written by hand. docs/methodology.md states every definition for readers.

Conventions shared by all functions:

- scores are on 0-100 and never rounded here; rounding is for display;
- a figure that cannot be computed is ``None`` (``NaN`` inside a DataFrame), never 0;
- "not applicable" answers are left out of every figure, "don't know" answers out of every score.
"""

from reports.analysis.across import Benchmark, Comparison, Round, Trend, benchmark, compare, trend
from reports.analysis.base import (
    COHERENCE_ELEMENTS,
    COHERENCE_PARTS,
    CRITERIA,
    DISAGREEMENT_SPREAD,
    DONT_KNOW,
    EVIDENCED_FROM,
    FLAT,
    FULL_SCORE,
    HIERARCHICAL,
    IMPLEMENTATION_MARKS,
    LARGEST_SD,
    LEVEL,
    LIFECYCLE,
    NOT_APPLICABLE,
    PAPER,
    Band,
    dimension_with_role,
    not_applicable_codes,
    primary_dimension,
    without_not_applicable,
)
from reports.analysis.coherence import (
    Coherence,
    coherence,
    coherence_elements_score,
    criteria_balance,
    horizontal_coherence,
    krippendorff_alpha,
    lifecycle_coherence,
)
from reports.analysis.completeness import Completeness, completeness
from reports.analysis.findings import evidence_coverage, paper_only_share, priority_gaps
from reports.analysis.scores import (
    DEFAULT_MIN_CATEGORY_COVERAGE,
    DEFAULT_MIN_OVERALL_COMPLETENESS,
    band_of,
    category_scores,
    cross_counts,
    cross_scores,
    overall_basis,
    overall_score,
)
from reports.analysis.values import agreement, indicator_results, institution_levels, institution_scores

__all__ = [
    "COHERENCE_ELEMENTS",
    "COHERENCE_PARTS",
    "CRITERIA",
    "DEFAULT_MIN_CATEGORY_COVERAGE",
    "DEFAULT_MIN_OVERALL_COMPLETENESS",
    "DISAGREEMENT_SPREAD",
    "DONT_KNOW",
    "EVIDENCED_FROM",
    "FLAT",
    "FULL_SCORE",
    "HIERARCHICAL",
    "IMPLEMENTATION_MARKS",
    "LARGEST_SD",
    "LEVEL",
    "LIFECYCLE",
    "NOT_APPLICABLE",
    "PAPER",
    "Band",
    "Benchmark",
    "Coherence",
    "Comparison",
    "Completeness",
    "Round",
    "Trend",
    "agreement",
    "band_of",
    "benchmark",
    "category_scores",
    "coherence",
    "coherence_elements_score",
    "compare",
    "completeness",
    "criteria_balance",
    "cross_counts",
    "cross_scores",
    "dimension_with_role",
    "evidence_coverage",
    "horizontal_coherence",
    "indicator_results",
    "institution_levels",
    "institution_scores",
    "krippendorff_alpha",
    "lifecycle_coherence",
    "not_applicable_codes",
    "overall_basis",
    "overall_score",
    "paper_only_share",
    "primary_dimension",
    "priority_gaps",
    "trend",
    "without_not_applicable",
]
