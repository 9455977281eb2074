"""Charts: each function draws the numbers it is given, printed, not only as colour."""

import json
import re
from pathlib import Path

from indicators.display import NO_VALUE
from reports import charts
from reports.figures import spec_of

ROOT = Path(__file__).resolve().parents[2]

BANDS = [
    charts.ChartBand("low", "Low", 0, 50),
    charts.ChartBand("high", "High", 50, 100),
]
CATEGORIES = [
    {
        "code": "RL",
        "label": "Rule of law and international standards",
        "parent": None,
        "score": 25.0,
        "band": "low",
        "n_indicators": 4,
        "n_total": 4,
    },
    {
        "code": "PC",
        "label": "Policy coherence",
        "parent": None,
        "score": 275 / 3,
        "band": "high",
        "n_indicators": 3,
        "n_total": 3,
    },
    {
        "code": "GS",
        "label": "Gender sensitivity",
        "parent": None,
        "score": 32.5,
        "band": None,
        "insufficient": True,
        "n_indicators": 1,
        "n_total": 5,
    },
    {"code": "PC1", "label": "Child", "parent": "PC", "score": 10.0, "band": "low"},
]


def test_the_radar_closes_its_shape_and_colours_each_point_by_band_with_a_legend():
    fig = charts.radar(CATEGORIES, bands=BANDS, no_band="Too few")
    outline, *points = fig.data
    assert list(outline.r) == [25.0, 275 / 3, 32.5, 25.0]
    assert "<br>" in outline.theta[0]  # long labels wrap instead of being clipped
    assert [(t.name, list(t.text)) for t in points] == [
        ("Low", ["25"]),
        ("High", ["92"]),
        ("Too few", ["33"]),
    ]
    assert points[0].marker.color == charts.band_colours(BANDS)["low"] != points[1].marker.color
    assert fig.layout.showlegend and fig.layout.margin.l >= 60  # room for the labels
    assert "Rule of law and international standards (4/4)" in points[0].customdata  # full name in the hover


def test_bars_colour_by_band_and_a_thin_score_is_hatched_with_what_it_rests_on():
    fig = charts.bars(CATEGORIES, bands=BANDS, no_band="Too few")
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["Low"].x) == [25.0] and list(by_name["High"].text) == ["92"]
    thin = by_name["Too few"]
    assert list(thin.text) == ["33 (1/5)"] and thin.marker.pattern.shape == "/"
    assert list(fig.layout.yaxis.categoryarray) == [charts.wrap(c["label"], 22) for c in CATEGORIES[:3]]


def test_scores_are_rounded_half_up_everywhere():
    from indicators.display import score_text

    assert [score_text(v) for v in (32.5, 33.5, 0.5, 99.5, None)] == ["33", "34", "1", "100", NO_VALUE]


def test_the_heatmap_prints_every_cell_and_a_dash_for_empty_ones():
    [trace] = charts.heatmap(
        row_labels=["RL", "PC"], column_labels=["PD", "RR"], scores=[[25.0, None], [None, 100.0]], bands=BANDS
    ).data
    assert [list(row) for row in trace.text] == [["25", NO_VALUE], [NO_VALUE, "100"]]
    assert (trace.zmin, trace.zmax) == (0, 100)
    assert list(trace.colorbar.ticktext) == ["Low", "High"]  # the legend names the bands


def test_the_agreement_chart_has_a_trace_per_institution_and_lists_disagreements_first():
    indicators = [
        {
            "code": "A",
            "value": 50.0,
            "spread": 0.0,
            "disagreement": False,
            "institution_values": {"Gov": 50.0, "Union": 50.0},
        },
        {
            "code": "B",
            "value": 50.0,
            "spread": 100.0,
            "disagreement": True,
            "institution_values": {"Gov": 100.0, "Union": 0.0},
        },
        {
            "code": "C",
            "value": 75.0,
            "spread": None,
            "disagreement": False,
            "institution_values": {"Gov": 75.0},
        },
    ]
    fig = charts.agreement(indicators)
    assert [t.name for t in fig.data] == ["Gov", "Union", "S(i)"]
    assert list(fig.data[-1].y) == ["B", "A"]  # C has one institution only


def test_the_benchmark_highlights_the_country_and_sorts_by_name_without_ranking():
    countries = [
        {"country": "XB", "name": "Samplestan", "score": 80.0, "band": "high"},
        {"country": "XA", "name": "Demoland", "score": 40.0, "band": "low"},
    ]
    fig = charts.benchmark(countries, highlight="XA", ranking=False, bands=BANDS)
    assert list(fig.layout.xaxis.categoryarray) == ["Demoland", "Samplestan"]
    low, high = fig.data
    assert (low.name, list(low.x), list(low.marker.line.width)) == ("Low", ["Demoland"], [3])
    assert high.marker.color != low.marker.color


def test_the_trend_marks_a_change_of_framework_version():
    rounds = [
        {"round": "2024", "overall": 40.0, "version_changed": False, "framework_version": "1.0"},
        {"round": "2026", "overall": 55.0, "version_changed": True, "framework_version": "2.0"},
    ]
    fig = charts.trend(rounds)
    assert len(fig.layout.shapes) == 1
    assert fig.layout.annotations[0].text == "v2.0"


def test_a_figure_goes_to_the_page_as_plain_json_that_keeps_its_state_on_refresh():
    spec = spec_of(charts.bars(CATEGORIES))
    assert json.loads(json.dumps(spec)) == spec  # plain data, no numpy arrays
    assert spec["data"][0]["type"] == "bar"
    assert spec["layout"]["uirevision"] == "keep" and spec["config"]["displaylogo"] is False


def test_the_served_plotly_bundle_is_the_version_the_plotly_package_writes_for():
    import plotly

    package_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    wanted = re.search(r"plotly\.js v([0-9.]+)", package_js.read_text(encoding="utf-8")[:400]).group(1)
    bundle = ROOT / "coherence" / "static" / "vendor" / "plotly" / "plotly-coherence.min.js"
    text = bundle.read_text(encoding="utf-8")
    assert text.startswith(f"/*! plotly.js v{wanted} ")
    assert "new Function(" not in text and "eval(" not in text  # nothing that needs unsafe-eval
