"""Charts: each function draws the numbers it is given, printed, not only as colour."""

import json
import re
from pathlib import Path

from reports import charts
from reports.figures import spec_of

ROOT = Path(__file__).resolve().parents[2]

CATEGORIES = [
    {"code": "RL", "label": "Rule of law and international standards", "parent": None, "score": 25.0},
    {"code": "PC", "label": "Policy coherence", "parent": None, "score": 275 / 3},
    {"code": "PC1", "label": "Child", "parent": "PC", "score": 10.0},
]


def test_the_radar_closes_its_shape_and_prints_each_score():
    fig = charts.radar(CATEGORIES)
    [trace] = fig.data
    assert list(trace.r) == [25.0, 275 / 3, 25.0]
    assert list(trace.text) == ["25", "92", "25"]
    assert "<br>" in trace.theta[0]  # long labels wrap instead of being clipped


def test_bars_show_top_level_categories_with_their_scores():
    [trace] = charts.bars(CATEGORIES).data
    assert list(trace.x) == [25.0, 275 / 3]
    assert list(trace.text) == ["25", "92"]


def test_the_heatmap_prints_every_cell_and_a_dash_for_empty_ones():
    [trace] = charts.heatmap(
        row_labels=["RL", "PC"], column_labels=["PD", "RR"], scores=[[25.0, None], [None, 100.0]]
    ).data
    assert [list(row) for row in trace.text] == [["25", charts.NO_VALUE], [charts.NO_VALUE, "100"]]
    assert (trace.zmin, trace.zmax) == (0, 100)


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
        {"country": "XB", "name": "Samplestan", "score": 80.0},
        {"country": "XA", "name": "Demoland", "score": 40.0},
    ]
    [trace] = charts.benchmark(countries, highlight="XA", ranking=False).data
    assert list(trace.x) == ["Demoland", "Samplestan"]
    assert trace.marker.color[0] != trace.marker.color[1]


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
