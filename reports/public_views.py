"""Pages of the public site: the published countries, a country's profile and the methodology. (The home
page is the site shell's; it lists the published countries from `reports.public` too.)"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries as country_names

from reports.figures import trend_figure
from reports.methodology import methodology
from reports.public import country_profile, published_countries
from reports.regions import region_label, region_of


def _trend(profile) -> list[dict]:
    """The official rounds of a profile as the trend chart takes them (from the stored figures)."""
    rounds, previous = [], None
    for entry in profile.rounds:
        overall = entry.figures.overall
        version = entry.assessment.framework.version
        rounds.append(
            {
                "round": entry.assessment.round,
                "framework_version": version,
                "version_changed": previous is not None and previous["framework_version"] != version,
                "overall": overall,
                "change": None
                if previous is None or previous["overall"] is None or overall is None
                else overall - previous["overall"],
            }
        )
        previous = rounds[-1]
    return rounds


def country(request: HttpRequest, code: str) -> HttpResponse:
    """A country's public assessments, framework by framework: the official figure, earlier rounds,
    independent, workshop and subnational assessments beside it, and what to download."""
    code = code.upper()
    if code not in country_names:
        raise Http404(_("No such country."))
    sections = []
    for profile in country_profile(code):
        rounds = _trend(profile)
        sections.append(
            {
                "profile": profile,
                "trend": trend_figure(rounds) if len(rounds) > 1 else None,
                "previous": profile.rounds[-2] if len(profile.rounds) > 1 else None,
            }
        )
    return render(
        request,
        "reports/country.html",
        {
            "code": code,
            "name": country_names.name(code),
            "region": region_label(region_of(code)[1]),
            "sections": sections,
            "report_languages": settings.LANGUAGES,
        },
    )


def countries(request: HttpRequest) -> HttpResponse:
    """Every country with published results, by region."""
    return render(request, "reports/public/countries.html", {"rows": published_countries()})


def methodology_page(request: HttpRequest) -> HttpResponse:
    lang = get_language()
    return render(request, "reports/methodology.html", {"doc": methodology(lang), "lang": lang})
