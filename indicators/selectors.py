"""Reads from the framework catalogue for pages: prefetched indicators, the criterion x stage matrix."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from indicators.models import Category, Dimension, Framework, Indicator


def framework_list() -> QuerySet[Framework]:
    return Framework.objects.only(
        "slug", "version", "title", "languages", "loaded_at", "aggregation", "ranking"
    ).order_by("slug", "-loaded_at")


def framework_get(*, slug: str, version: str) -> Framework:
    return Framework.objects.select_related("scale").get(slug=slug, version=version)


def framework_dimensions(*, framework: Framework) -> list[Dimension]:
    return list(
        framework.dimensions.prefetch_related(
            Prefetch("categories", queryset=Category.objects.order_by("position"))
        )
    )


def framework_indicators(*, framework: Framework, category_ids: list[int] | None = None) -> list[Indicator]:
    """Indicators in order with categories (and their dimension) and references prefetched.

    With `category_ids`, only the indicators in every one of those categories (or their sub-categories).
    """
    indicators = framework.indicators.prefetch_related(
        Prefetch("categories", queryset=Category.objects.select_related("dimension")), "references"
    )
    for category_id in category_ids or []:
        indicators = indicators.filter(categories__in=_with_descendants(category_id))
    return list(indicators.distinct())


def _with_descendants(category_id: int) -> list[int]:
    ids, frontier = [category_id], [category_id]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


@dataclass(frozen=True)
class Matrix:
    row_dimension: Dimension
    column_dimension: Dimension
    rows: list[Category]
    columns: list[Category]
    counts: dict[tuple[int, int], int]

    def cells(self) -> list[tuple[Category, list[tuple[Category, int]]]]:
        return [
            (row, [(col, self.counts.get((row.pk, col.pk), 0)) for col in self.columns]) for row in self.rows
        ]

    @property
    def empty_cells(self) -> list[tuple[Category, Category]]:
        return [(r, c) for r in self.rows for c in self.columns if not self.counts.get((r.pk, c.pk))]


def framework_matrix(
    *,
    dimensions: list[Dimension],
    indicators: list[Indicator],
    rows_role: str = "criteria",
    columns_role="lifecycle",
) -> Matrix | None:
    """Counts of indicators in each criterion x stage cell, or None if the framework lacks either role."""
    by_role = {d.role: d for d in dimensions if d.role}
    if rows_role not in by_role or columns_role not in by_role:
        return None
    rows = _leaves(by_role[rows_role])
    columns = _leaves(by_role[columns_role])
    counts: dict[tuple[int, int], int] = {}
    row_ids, column_ids = {c.pk for c in rows}, {c.pk for c in columns}
    for indicator in indicators:
        mine = [c.pk for c in indicator.categories.all()]
        for r in (pk for pk in mine if pk in row_ids):
            for c in (pk for pk in mine if pk in column_ids):
                counts[(r, c)] = counts.get((r, c), 0) + 1
    return Matrix(by_role[rows_role], by_role[columns_role], rows, columns, counts)


def _leaves(dimension: Dimension) -> list[Category]:
    categories = list(dimension.categories.all())
    parents = {c.parent_id for c in categories}
    return [c for c in categories if c.pk not in parents]
