"""Writes to the framework catalogue: load a framework file, export it back, copy it as a new version."""

import hashlib
from dataclasses import dataclass
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from indicators.loader import FrameworkInvalid, FrameworkProblem, framework_parse
from indicators.models import Band, Category, Dimension, Framework, Indicator, Level, Reference, Scale


class FrameworkError(Exception):
    """A framework operation that was refused; the message says why, in the user's language."""


@dataclass(frozen=True)
class LoadResult:
    framework: Framework
    created: bool


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def framework_load(*, text: str, user=None) -> LoadResult:
    """Check and load a framework file. All or nothing: a bad file raises FrameworkInvalid and writes no row.

    A slug + version already loaded is refused unless the file is byte-for-byte the same, which is a no-op.
    """
    data = framework_parse(text)
    _check_continuity(data)
    digest = _sha256(text)
    existing = Framework.objects.filter(slug=data["slug"], version=data["version"]).first()
    if existing is not None:
        if existing.source_sha256 == digest:
            return LoadResult(existing, created=False)
        raise FrameworkInvalid(
            [
                FrameworkProblem(
                    "version",
                    _(
                        "%(slug)s version %(version)s is already loaded with different content; "
                        "give this file a new version"
                    )
                    % {"slug": data["slug"], "version": data["version"]},
                )
            ]
        )

    framework = Framework.objects.create(
        slug=data["slug"],
        version=data["version"],
        title=data["title"],
        description=data.get("description", {}),
        languages=data["languages"],
        aggregation=data["aggregation"],
        ranking=data.get("ranking", True),
        min_category_coverage=data.get("coverage", {}).get("category", 0.5),
        min_overall_completeness=data.get("coverage", {}).get("overall", 0.5),
        weighting=data.get("weighting", {}),
        continuity=data.get("continuity", {}),
        source=text,
        source_sha256=digest,
        loaded_by=user if user is not None and user.is_authenticated else None,
    )
    scale = Scale.objects.create(
        framework=framework, code=data["scale"]["code"], label=data["scale"]["label"]
    )
    Level.objects.bulk_create(
        Level(
            scale=scale,
            position=i,
            code=level["code"],
            value=level["value"],
            label=level["label"],
            descriptor=level.get("descriptor", {}),
        )
        for i, level in enumerate(data["scale"]["levels"])
    )
    Band.objects.bulk_create(
        Band(
            framework=framework,
            position=i,
            code=b["code"],
            lower=b["lower"],
            upper=b["upper"],
            label=b["label"],
        )
        for i, b in enumerate(data["bands"])
    )
    references = {
        ref.code: ref
        for ref in Reference.objects.bulk_create(
            Reference(
                framework=framework,
                position=i,
                code=r["code"],
                kind=r.get("kind", Reference.Kind.OTHER),
                title=r["title"],
                url=r.get("url", ""),
            )
            for i, r in enumerate(data.get("references", []))
        )
    }
    categories: dict[tuple[str, str], Category] = {}
    for i, spec in enumerate(data["dimensions"]):
        dimension = Dimension.objects.create(
            framework=framework,
            position=i,
            code=spec["code"],
            label=spec["label"],
            role=spec.get("role", ""),
            primary=spec.get("primary", False),
            required=spec.get("required", False),
            multiple=spec.get("multiple", False),
        )
        _create_categories(dimension, spec["categories"], None, categories, iter(range(10_000)))

    indicators = Indicator.objects.bulk_create(
        Indicator(
            framework=framework,
            position=i,
            code=spec["code"],
            weight=spec.get("weight", 1),
            question=spec["question"],
            guidance=spec.get("guidance", {}),
            evidence=spec.get("evidence", {}),
            levels=spec.get("levels", {}),
        )
        for i, spec in enumerate(data["indicators"])
    )
    category_links, reference_links = [], []
    for indicator, spec in zip(indicators, data["indicators"], strict=True):
        for dim_code, value in spec["categories"].items():
            for code in value if isinstance(value, list) else [value]:
                category_links.append(
                    Indicator.categories.through(indicator=indicator, category=categories[(dim_code, code)])
                )
        for code in spec.get("references", []):
            reference_links.append(
                Indicator.references.through(indicator=indicator, reference=references[code])
            )
    Indicator.categories.through.objects.bulk_create(category_links)
    Indicator.references.through.objects.bulk_create(reference_links)
    return LoadResult(framework, created=True)


def _check_continuity(data: dict) -> None:
    """When the earlier version a file continues is loaded here, every one of its indicators must be
    accounted for, and no other code named."""
    spec = data.get("continuity")
    if not spec:
        return
    earlier = Framework.objects.filter(slug=data["slug"], version=spec["from"]).first()
    if earlier is None:
        return
    old_codes = set(earlier.indicators.values_list("code", flat=True))
    named = set(spec["indicators"])
    problems = [
        FrameworkProblem(
            f"continuity.indicators.{code}",
            _("%(code)s is not an indicator of version %(version)s")
            % {"code": code, "version": spec["from"]},
        )
        for code in sorted(named - old_codes)
    ]
    problems += [
        FrameworkProblem(
            "continuity.indicators",
            _("indicator %(code)s of version %(version)s is not accounted for")
            % {"code": code, "version": spec["from"]},
        )
        for code in sorted(old_codes - named)
    ]
    if problems:
        raise FrameworkInvalid(problems)


def _create_categories(dimension, specs, parent, registry, positions) -> None:
    for spec in specs:
        category = Category.objects.create(
            dimension=dimension,
            parent=parent,
            position=next(positions),
            code=spec["code"],
            label=spec["label"],
            description=spec.get("description", {}),
            cross_cutting=spec.get("cross_cutting", False),
        )
        registry[(dimension.code, spec["code"])] = category
        _create_categories(dimension, spec.get("children", []), category, registry, positions)


def framework_data(framework: Framework) -> dict[str, Any]:
    """The framework as the data of a framework file (the inverse of loading)."""
    data: dict[str, Any] = {
        "format": 1,
        "slug": framework.slug,
        "version": framework.version,
        "languages": framework.languages,
        "title": framework.title,
    }
    if framework.description:
        data["description"] = framework.description
    data["aggregation"] = framework.aggregation
    data["ranking"] = framework.ranking
    if (framework.min_category_coverage, framework.min_overall_completeness) != (0.5, 0.5):
        data["coverage"] = {
            "category": _number(framework.min_category_coverage),
            "overall": _number(framework.min_overall_completeness),
        }
    if framework.weighting:
        data["weighting"] = framework.weighting
    if framework.continuity:
        data["continuity"] = framework.continuity
    scale = framework.scale
    data["scale"] = {
        "code": scale.code,
        "label": scale.label,
        "levels": [
            _compact(
                {"code": lv.code, "value": _number(lv.value), "label": lv.label, "descriptor": lv.descriptor}
            )
            for lv in scale.levels.all()
        ],
    }
    data["bands"] = [
        {"code": b.code, "lower": _number(b.lower), "upper": _number(b.upper), "label": b.label}
        for b in framework.bands.all()
    ]
    data["references"] = [
        _compact({"code": r.code, "kind": r.kind, "title": r.title, "url": r.url})
        for r in framework.references.all()
    ]
    dimensions = list(framework.dimensions.prefetch_related("categories"))
    data["dimensions"] = []
    for dim in dimensions:
        children: dict[int | None, list[Category]] = {}
        for category in dim.categories.all():
            children.setdefault(category.parent_id, []).append(category)
        spec = {"code": dim.code}
        if dim.role:
            spec["role"] = dim.role
        spec.update(primary=dim.primary, required=dim.required, multiple=dim.multiple, label=dim.label)
        spec["categories"] = _category_specs(children, None)
        data["dimensions"].append(spec)
    multiple = {dim.code: dim.multiple for dim in dimensions}
    indicators = framework.indicators.prefetch_related("categories__dimension", "references")
    data["indicators"] = []
    for ind in indicators:
        categories: dict[str, Any] = {}
        for dim in dimensions:
            codes = [c.code for c in ind.categories.all() if c.dimension_id == dim.pk]
            if codes:
                categories[dim.code] = codes if multiple[dim.code] else codes[0]
        data["indicators"].append(
            _compact(
                {
                    "code": ind.code,
                    "weight": _number(ind.weight),
                    "categories": categories,
                    "question": ind.question,
                    "guidance": ind.guidance,
                    "evidence": ind.evidence,
                    "levels": ind.levels,
                    "references": [r.code for r in ind.references.all()],
                }
            )
        )
    return data


def _category_specs(children: dict, parent_id) -> list[dict]:
    specs = []
    for category in children.get(parent_id, []):
        spec = {"code": category.code, "label": category.label}
        if category.description:
            spec["description"] = category.description
        if category.cross_cutting:
            spec["cross_cutting"] = True
        if category.pk in children:
            spec["children"] = _category_specs(children, category.pk)
        specs.append(spec)
    return specs


def _compact(mapping: dict) -> dict:
    return {k: v for k, v in mapping.items() if v not in ({}, [], "", None)}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def framework_dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def framework_export(*, framework: Framework) -> str:
    """The framework as a framework file (YAML text)."""
    return framework_dump(framework_data(framework))


def framework_new_version(*, framework: Framework, version: str, user=None) -> Framework:
    """Copy a framework under a new version, for editing when the original is frozen by use."""
    if Framework.objects.filter(slug=framework.slug, version=version).exists():
        raise FrameworkError(
            _("%(slug)s version %(version)s already exists") % {"slug": framework.slug, "version": version}
        )
    data = framework_data(framework)
    data["version"] = version
    return framework_load(text=framework_dump(data), user=user).framework
