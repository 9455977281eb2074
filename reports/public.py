"""What the public site shows: the published countries (home page), and one country's profile, framework
by framework. Built only from public assessments (`assessments.visibility.public_q`, the one place that
decides) and their stored published figures, so it reads one row per assessment.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django_countries import countries as country_names

from assessments.models import Assessment
from assessments.visibility import public_q
from indicators.models import Framework
from indicators.text import tr
from reports.models import PublishedFigures
from reports.publication import published_figures
from reports.regions import region_label, region_of


@dataclass
class PublicEntry:
    """One public assessment with its headline figures, as the public sees it."""

    assessment: Assessment
    figures: PublishedFigures
    band_label: str

    @property
    def official(self) -> bool:
        return self.assessment.is_official


@dataclass
class FrameworkProfile:
    """A country's public assessments on one framework (every version): the latest official one, the
    earlier official rounds, and the others beside them (independent, workshop, not endorsed, subnational)."""

    slug: str
    title: str
    framework: Framework  # the version of the latest official assessment, else of the latest one
    official: PublicEntry | None
    rounds: list[PublicEntry] = field(default_factory=list)  # official national rounds, oldest first
    beside: list[PublicEntry] = field(default_factory=list)  # newest first


@dataclass
class CountryRow:
    """A row of the home page's table of published countries."""

    code: str
    name: str
    region: str
    framework: str
    entry: PublicEntry
    others: int


def public_assessments() -> QuerySet[Assessment]:
    return Assessment.objects.filter(public_q()).select_related("framework").order_by("-round", "-created_at")


def _entries(assessments: list[Assessment]) -> list[PublicEntry]:
    figures = published_figures(assessments)
    bands: dict[tuple[int, str], str] = {}
    for framework in {a.framework for a in assessments}:
        for band in framework.bands.all():
            bands[(framework.pk, band.code)] = tr(band.label)
    return [
        PublicEntry(a, figures[a.pk], bands.get((a.framework_id, figures[a.pk].band), ""))
        for a in assessments
    ]


def _headline(entries: list[PublicEntry]) -> PublicEntry:
    """The entry that stands for a country on a framework: its latest official national assessment, else
    its latest national one, else its latest one."""
    national = [e for e in entries if not e.assessment.area]
    return next((e for e in national if e.official), None) or (national or entries)[0]


def published_countries() -> list[CountryRow]:
    """Every country with a public assessment, one row per country and framework, by region then name."""
    assessments = list(public_assessments())
    by_key: dict[tuple[str, str], list[PublicEntry]] = {}
    for entry in _entries(assessments):
        key = (entry.assessment.country.code, entry.assessment.framework.slug)
        by_key.setdefault(key, []).append(entry)
    rows = []
    for (code, _slug), entries in by_key.items():
        headline = _headline(entries)
        rows.append(
            CountryRow(
                code=code,
                name=str(country_names.name(code)),
                region=region_label(region_of(code)[1]),
                framework=tr(headline.assessment.framework.title),
                entry=headline,
                others=len(entries) - 1,
            )
        )
    return sorted(rows, key=lambda r: (r.region or "~", r.name, r.framework))


def country_profile(code: str) -> list[FrameworkProfile]:
    """One country's public assessments, grouped by framework (a country can have ILO and SDG 10.7.2
    assessments), newest first within each."""
    assessments = list(public_assessments().filter(country=code))
    groups: dict[str, list[PublicEntry]] = {}
    for entry in _entries(assessments):
        groups.setdefault(entry.assessment.framework.slug, []).append(entry)
    profiles = []
    for slug, entries in groups.items():
        official_rounds = [e for e in entries if e.official and not e.assessment.area]
        official = official_rounds[0] if official_rounds else None
        headline = official or entries[0]
        profiles.append(
            FrameworkProfile(
                slug=slug,
                title=tr(headline.assessment.framework.title),
                framework=headline.assessment.framework,
                official=official,
                rounds=list(reversed(official_rounds)),
                beside=[e for e in entries if e not in official_rounds],
            )
        )
    return sorted(profiles, key=lambda p: p.title)
