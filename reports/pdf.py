"""The PDF country report: a Django template rendered by WeasyPrint, with the dashboard's charts as SVG.

Every number comes from `reports.results` (the same as the JSON and the dashboard). User text is
escaped by the template engine, and WeasyPrint may fetch nothing but data: URLs, so a link someone
typed into a justification can never pull a file or a page into the report.
"""

import warnings
from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from assessments.models import Action, Assessment
from assessments.visibility import PARTICIPANTS, AssessmentView
from indicators.instruments import country_statuses
from indicators.text import tr
from reports import analysis, charts
from reports.results import assessment_view
from reports.texts import narratives

Progress = Callable[[int, str], None]
WELL_DEVELOPED = 75.0
NEEDS_DEVELOPMENT = 50.0


def chart_svg(fig) -> str:
    """A figure as inline SVG, drawn by kaleido with one persistent browser per process
    (started on first use; starting it again is a no-op), so each chart costs a fraction of a second."""
    import kaleido  # here, not at the top: only report rendering needs a browser

    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")  # plotly's, harmless
        svg = fig.to_image(format="svg", width=700, height=int(fig.layout.height or 420)).decode("utf-8")
    return svg[svg.index("<svg") :]


def _findings(categories: list[dict]) -> tuple[list[dict], list[dict]]:
    """Well-developed areas and areas with potential for further development, among scores that stand on
    their own (an insufficient score is never called a strength or a weakness)."""
    top = [
        c
        for c in categories
        if c.get("parent") is None and c["score"] is not None and not c.get("insufficient")
    ]
    strong = [c for c in top if c["score"] >= WELL_DEVELOPED]
    weak = [c for c in top if c["score"] < NEEDS_DEVELOPMENT]
    return sorted(strong, key=lambda c: -c["score"]), sorted(weak, key=lambda c: c["score"])


def report_context(
    view: AssessmentView, lang: str, progress: Progress | None = None, *, with_charts: str = "all"
) -> dict:
    """Everything the report templates show, from the view of one audience (never more than it may see).
    `with_charts`: "all" (the report), "radar" (the one-page summary) or "" (none)."""
    progress = progress or (lambda percent, message: None)
    progress(10, "results")
    assessment, results = view.assessment, view.results
    framework = assessment.framework
    dimensions = {d.code: d for d in framework.dimensions.prefetch_related("categories")}
    by_role = {d.role: d.code for d in dimensions.values() if d.role}
    criteria = by_role.get("criteria") or next((code for code, d in dimensions.items() if d.primary), None)
    stages = by_role.get("lifecycle")
    bands = {b.code: tr(b.label, lang) for b in framework.bands.all()}
    indicators = {i.code: i for i in framework.indicators.prefetch_related("categories")}
    levels = list(framework.scale.levels.all())
    value_to_level = {lv.value: lv for lv in levels}

    progress(30, "charts")
    band_rows = [analysis.Band(b.code, b.lower, b.upper) for b in framework.bands.all()]
    chart_bands = [
        charts.ChartBand(b.code, tr(b.label, lang), b.lower, b.upper) for b in framework.bands.all()
    ]
    no_band = _("Too few indicators scored")
    figures = {}
    if criteria and with_charts:
        figures["radar"] = chart_svg(
            charts.radar(results["dimensions"][criteria], bands=chart_bands, no_band=no_band)
        )
    if stages and with_charts == "all":
        figures["stages"] = chart_svg(
            charts.bars(results["dimensions"][stages], bands=chart_bands, no_band=no_band)
        )

    progress(60, "annex")
    evidence = view.evidence()
    justifications = view.justifications()
    annex, unvalued = [], []
    for row in results["indicators"]:
        if row["value"] is None:
            # Indicators without a value are listed once, not as pages of "no value".
            unvalued.append({**row, "question": tr(indicators[row["code"]].question, lang)})
            continue
        level = value_to_level.get(row["value"])
        annex.append(
            {
                **row,
                "question": tr(indicators[row["code"]].question, lang),
                "level": level,
                "justifications": justifications.get(row["code"], []),
                "evidence": evidence.get(row["code"], []),
            }
        )
    matrix = results.get("matrix")
    matrix_rows = []
    if matrix:
        labels = {c.code: tr(c.label, lang) for c in dimensions[matrix["rows"]].categories.all()}
        colour_of = charts.band_colours(chart_bands)
        matrix_rows = [
            (
                code,
                labels.get(code, code),
                [(v, colour_of.get(analysis.band_of(v, band_rows), "#ffffff")) for v in scores],
            )
            for code, scores in zip(matrix["row_codes"], matrix["scores"], strict=True)
        ]
    strengths, weaknesses = _findings(
        results["dimensions"].get(criteria, []) + results["dimensions"].get(stages, [])
    )
    # Where institutions still disagree (no consensus yet); those a consensus settled are named apart.
    flagged = sorted(
        (i for i in results["indicators"] if i["disagreement"]),
        key=lambda i: (-(i["spread"] or 0), i["code"]),
    )
    disagreements = [
        {**i, "question": tr(indicators[i["code"]].question, lang)}
        for i in flagged
        if i["source"] != "consensus"
    ][:10]
    resolved = [i["code"] for i in flagged if i["source"] == "consensus"]
    gaps = [
        {**g, "question": tr(indicators[g["code"]].question, lang)} for g in results["priority_gaps"][:15]
    ]
    progress(80, "layout")
    references = list(framework.references.values_list("code", flat=True))
    return {
        "ratifications": country_statuses(assessment.country.code, references),
        "assessment": assessment,
        "framework": framework,
        "results": results,
        "audience": view.audience,
        "public": view.public,
        "lang": lang,
        "bands": bands,
        "criteria": results["dimensions"].get(criteria, []) if criteria else [],
        "stages": results["dimensions"].get(stages, []) if stages else [],
        "figures": figures,
        "matrix": matrix,
        "matrix_rows": matrix_rows,
        "band_legend": [(b.label, charts.band_colours(chart_bands)[b.code]) for b in chart_bands],
        "strengths": strengths,
        "weaknesses": weaknesses,
        "disagreements": disagreements,
        "resolved": resolved,
        "unvalued": unvalued,
        "narratives": narratives(view, lang),
        "gaps": gaps,
        "actions": list(
            assessment.actions.select_related("owner")
            .prefetch_related("indicators")
            .order_by("due_date", "pk")
        ),
        "open_statuses": Action.OPEN_STATUSES,
        "annex": annex,
        "institutions_by_kind": _institutions_by_kind(assessment, results),
        "silent_institutions": _silent_institutions(assessment, results),
        "draft": assessment.status not in (Assessment.Status.VALIDATED, Assessment.Status.PUBLISHED),
        "generated": timezone.now(),
        "show_justifications": view.shows_justifications,
    }


def _institutions_by_kind(assessment: Assessment, results: dict) -> list[tuple[str, list[str]]]:
    """Institutions that answered, grouped by kind (names only, never their figures)."""
    answered = {i["name"] for i in results["institutions"] if i.get("answered", True)}
    groups: dict[str, list[str]] = {}
    for institution in assessment.institutions.all():
        if institution.name in answered:
            groups.setdefault(institution.get_kind_display(), []).append(institution.name)
    return sorted(groups.items())


def _silent_institutions(assessment: Assessment, results: dict) -> list[str]:
    """Institutions invited to take part that gave no answer."""
    answered = {i["name"] for i in results["institutions"] if i.get("answered", True)}
    return sorted(i.name for i in assessment.institutions.all() if i.name not in answered)


def render_report(
    assessment: Assessment,
    lang: str | None = None,
    progress: Progress | None = None,
    *,
    audience: str = PARTICIPANTS,
) -> bytes:
    """The country report as PDF bytes (tagged PDF/UA, A4), in the assessment's language unless told,
    showing what `audience` may see."""
    lang = lang or assessment.language
    with translation.override(lang):
        view = assessment_view(assessment, audience=audience, lang=lang)
        context = report_context(view, lang, progress, with_charts="all")
        html = render_to_string("reports/pdf/report.html", context)
    if progress:
        progress(90, "pdf")
    return _pdf(html)


def _pdf(html: str) -> bytes:
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf(
        pdf_variant="pdf/ua-1"
    )


def render_summary(assessment: Assessment, lang: str | None = None, *, audience: str = PARTICIPANTS) -> bytes:
    """A one-page summary: the key figures and findings, no charts (quick enough to make on request)."""
    lang = lang or assessment.language
    with translation.override(lang):
        view = assessment_view(assessment, audience=audience, lang=lang)
        context = report_context(view, lang, with_charts="radar")
        return _pdf(render_to_string("reports/pdf/summary.html", context))


def render_questionnaire(framework, lang: str) -> bytes:
    """A blank questionnaire of a framework, for paper workshops."""
    with translation.override(lang):
        context = {
            "framework": framework,
            "lang": lang,
            "levels": list(framework.scale.levels.all()),
            "indicators": list(framework.indicators.all()),
        }
        return _pdf(render_to_string("reports/pdf/questionnaire.html", context))
