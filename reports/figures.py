"""The figures pages show: results data in, figure specs out (a plotly chart as JSON, its caption and its
numbers as a table). Pure: no ORM, no request; views choose which figures to show and render them.

A chart is sent to the page as JSON in a data block and drawn by the static `charts.js` with the
locally served plotly.js, so that no inline script is needed (Content Security Policy) and a live
refresh updates a chart in place rather than drawing it again.
"""

import json
from dataclasses import dataclass, field

import plotly.io as pio
from django.utils.translation import gettext as _

from indicators.display import NO_VALUE, percent_text, score_text
from indicators.models import Dimension
from indicators.text import tr
from reports import charts
from reports.charts import ChartBand


@dataclass
class Figure:
    """A chart with what makes it readable without the picture: a caption and its numbers as a table."""

    id: str
    title: str
    caption: str
    spec: dict
    headers: list[str]
    rows: list[list] = field(default_factory=list)

    @property
    def method(self) -> str:
        """The numbered definition in the methodology that says how this figure is computed ('' if none)."""
        return METHOD_OF.get(self.id.split("-")[0], "")

    @property
    def data_id(self) -> str:
        return f"figure-data-{self.id}"


@dataclass(frozen=True)
class DimensionInfo:
    """What the figures need to know about a framework's dimension."""

    code: str
    label: str
    role: str = ""
    primary: bool = False


# Figure id (its first part) -> the numbered definition in docs/methodology.md behind it.
METHOD_OF = {
    "radar": "3",
    "heatmap": "3",
    "stages": "3",
    "chosen": "3",
    "agreement": "6",
    "trend": "16",
    "benchmark": "16",
    "comparison": "16",
    "compare": "16",
}

CONFIG = {"displaylogo": False, "responsive": True}


def spec_of(fig, narrow: dict | None = None) -> dict:
    """A plotly figure as plain JSON data for the page (`uirevision` keeps zoom and legend choices
    when a live refresh updates it); `narrow` holds the changes charts.js applies on a phone-width
    screen ({"layout": {...}, "traces": [{...}, ...]})."""
    spec = json.loads(pio.to_json(fig, validate=False))
    spec.setdefault("layout", {})["uirevision"] = "keep"
    spec["config"] = CONFIG
    if narrow:
        spec["narrow"] = narrow
    return spec


def no_band_label() -> str:
    return _("Too few indicators scored")


def _band_label(code, bands: list[ChartBand]) -> str:
    return next((b.label for b in bands if b.code == code), NO_VALUE)


def _categories_table(
    categories: list[dict], label: str, bands: list[ChartBand]
) -> tuple[list[str], list[list]]:
    headers = [label, _("Score"), _("Band"), _("Indicators scored"), _("Completeness")]
    rows = [
        [
            c["label"],
            score_text(c["score"]),
            _band_label(c["band"], bands)
            if c["band"]
            else (no_band_label() if c.get("insufficient") else NO_VALUE),
            f"{c.get('n_indicators', NO_VALUE)} / {c.get('n_total', NO_VALUE)}",
            percent_text(c["completeness"]),
        ]
        for c in categories
    ]
    return headers, rows


def dashboard_figures(
    results: dict, dimensions: list[DimensionInfo], bands: list[ChartBand] = ()
) -> list[Figure]:
    """Radar of the criteria, criterion x stage heatmap, stage bars, institutions' agreement."""
    bands = list(bands)
    labels = {d.code: d.label for d in dimensions}
    by_role = {d.role: d.code for d in dimensions if d.role}
    figures = []
    criteria = by_role.get(Dimension.Role.CRITERIA) or next((d.code for d in dimensions if d.primary), None)
    if criteria:
        categories = results["dimensions"].get(criteria, [])
        headers, rows = _categories_table(categories, labels[criteria], bands)
        figures.append(
            Figure(
                "radar",
                labels[criteria],
                _("Score of each %(dimension)s, 0 to 100, coloured by band.")
                % {"dimension": labels[criteria].lower()},
                spec_of(
                    charts.radar(categories, bands=bands, no_band=no_band_label()),
                    charts.radar_narrow(categories),
                ),
                headers,
                rows,
            )
        )
    matrix = results.get("matrix")
    if matrix:
        names = {
            dimension: {c["code"]: c["label"] for c in results["dimensions"].get(dimension, [])}
            for dimension in (matrix["rows"], matrix["columns"])
        }
        row_labels = [names[matrix["rows"]].get(c, c) for c in matrix["row_codes"]]
        column_labels = [names[matrix["columns"]].get(c, c) for c in matrix["column_codes"]]
        # Codes on the axes keep the grid readable on a phone; the table under it spells them out.
        axis_rows = [f"{c} · {label[:18]}" for c, label in zip(matrix["row_codes"], row_labels, strict=True)]
        figures.append(
            Figure(
                "heatmap",
                _("%(rows)s by %(columns)s")
                % {"rows": labels[matrix["rows"]], "columns": labels[matrix["columns"]].lower()},
                _("Weighted mean score of the indicators in each cell; empty cells have no scored one."),
                spec_of(
                    charts.heatmap(
                        row_labels=axis_rows,
                        column_labels=matrix["column_codes"],
                        scores=matrix["scores"],
                        bands=bands,
                        hover_rows=row_labels,
                        hover_columns=column_labels,
                    ),
                    charts.heatmap_narrow(row_labels=axis_rows, row_codes=matrix["row_codes"]),
                ),
                [
                    "",
                    *(
                        f"{c} · {label}"
                        for c, label in zip(matrix["column_codes"], column_labels, strict=True)
                    ),
                ],
                [
                    [label, *(score_text(v) for v in row)]
                    for label, row in zip(row_labels, matrix["scores"], strict=True)
                ],
            )
        )
    stages = by_role.get(Dimension.Role.LIFECYCLE)
    if stages:
        categories = results["dimensions"].get(stages, [])
        headers, rows = _categories_table(categories, labels[stages], bands)
        figures.append(
            Figure(
                "stages",
                labels[stages],
                _("Score of each stage of the migration life cycle, 0 to 100, coloured by band."),
                spec_of(charts.bars(categories, bands=bands, no_band=no_band_label())),
                headers,
                rows,
            )
        )
    with_institutions = [i for i in results["indicators"] if len(i["institution_values"]) >= 2]
    if with_institutions:
        figures.append(
            Figure(
                "agreement",
                _("Agreement between institutions"),
                _(
                    "Each institution's level on the indicators answered by two or more institutions, "
                    "disagreements (a spread of 50 or more) first; the open circle is the indicator's value."
                ),
                spec_of(charts.agreement(results["indicators"])),
                [_("Indicator"), _("Value"), _("Spread"), _("Disagreement"), _("Institutions")],
                [
                    [
                        i["code"],
                        score_text(i["value"]),
                        score_text(i["spread"]),
                        _("yes") if i["disagreement"] else _("no"),
                        "; ".join(f"{k}: {v:.0f}" for k, v in i["institution_values"].items()),
                    ]
                    for i in sorted(with_institutions, key=lambda i: (not i["disagreement"], i["code"]))
                ],
            )
        )
    return figures


def dimension_figure(results: dict, dimension: DimensionInfo, bands: list[ChartBand] = ()) -> Figure:
    """The scores of the categories of one chosen dimension."""
    categories = results["dimensions"].get(dimension.code, [])
    return Figure(
        "chosen",
        dimension.label,
        _("Score of each category of the chosen dimension, 0 to 100."),
        spec_of(charts.bars(categories, bands=list(bands), no_band=no_band_label())),
        [dimension.label, _("Score")],
        [[c["label"], score_text(c["score"])] for c in categories if c.get("parent") is None],
    )


def trend_figure(rounds: list[dict]) -> Figure:
    return Figure(
        "trend",
        _("Overall score by round"),
        _("A dotted line marks a new framework version: scores on either side are not strictly comparable."),
        spec_of(charts.trend(rounds)),
        [_("Round"), _("Framework version"), _("Overall score"), _("Change")],
        [
            [r["round"], r["framework_version"], score_text(r["overall"]), score_text(r["change"])]
            for r in rounds
        ],
    )


def benchmark_figure(
    countries: list[dict], *, ranking: bool, highlight: str | None, bands: list[ChartBand] = ()
) -> Figure:
    bands = list(bands)
    shown = [c for c in countries if c.get("official")]
    return Figure(
        "benchmark",
        _("Countries"),
        _("Overall score of each country's official assessment (latest published round), coloured by band.")
        if ranking
        else _(
            "Overall score of each country's official assessment, in alphabetical order: "
            "this framework shows no ranking."
        ),
        spec_of(
            charts.benchmark(
                shown, highlight=highlight, ranking=ranking, bands=bands, no_band=no_band_label()
            )
        ),
        [_("Country"), _("Round"), _("Score"), _("Band")],
        [
            [
                c["name"],
                c["round"],
                score_text(c["score"]),
                _band_label(c["band"], bands)
                if c["band"]
                else (no_band_label() if c["insufficient"] else NO_VALUE),
            ]
            for c in shown
        ],
    )


def category_comparison_figure(
    dimension: DimensionInfo,
    rows: list[tuple[str, float | None, float | None]],
    *,
    label_a: str,
    label_b: str,
) -> Figure:
    """Two assessments' scores on each category of one dimension (criteria, or stages)."""
    return Figure(
        f"compare-{dimension.code}",
        dimension.label,
        _("The score of each %(dimension)s in both assessments, 0 to 100.")
        % {"dimension": dimension.label.lower()},
        spec_of(charts.paired_bars(rows, label_a=label_a, label_b=label_b)),
        [dimension.label, label_a, label_b, _("Difference")],
        [
            [
                label,
                score_text(a),
                score_text(b),
                score_text(b - a) if a is not None and b is not None else NO_VALUE,
            ]
            for label, a, b in rows
        ],
    )


def chart_bands(framework) -> list[ChartBand]:
    """A framework's bands for the charts, labels in the reader's language (framework rows: no query if
    prefetched)."""
    return [ChartBand(b.code, tr(b.label), b.lower, b.upper) for b in framework.bands.all()]


def room_figure(keys: list[tuple[str, str]], institutions: list[tuple[str, dict[str, int]]]) -> Figure:
    """The projector's chart of the room's answers to the current indicator, by institution."""
    return Figure(
        id="room",
        title=_("Answers in the room, by institution"),
        caption=_(
            "Each bar counts the people who gave that answer, coloured by the institution they speak for."
        ),
        spec=spec_of(charts.room(keys, institutions)),
        headers=[_("Institution"), *[label for _key, label in keys]],
        rows=[[name, *[counts.get(key, 0) for key, _label in keys]] for name, counts in institutions],
    )
