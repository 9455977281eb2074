"""plotly figures of the results: one function per chart, each taking plain results data, returning a figure.

No ORM and no request here. Colours come from the Okabe-Ito palette and a sequential scale that
colour-blind readers can tell apart, and every chart prints its numbers: colour is never the only cue.
"""

from dataclasses import dataclass

import plotly.graph_objects as go

from indicators.display import score_text

# Okabe-Ito: distinguishable with every common form of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SEQUENTIAL = "Cividis"
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 13}
# Band colours from the lowest band to the highest, Okabe-Ito colours readable with black text.
BAND_COLOURS = {
    1: ["#56B4E9"],
    2: ["#E69F00", "#009E73"],
    3: ["#D55E00", "#E69F00", "#009E73"],
    4: ["#D55E00", "#E69F00", "#56B4E9", "#009E73"],
    5: ["#D55E00", "#E69F00", "#F0E442", "#56B4E9", "#009E73"],
}
NO_BAND = "#BBBBBB"  # a score too thinly based to have a band, shown hatched


@dataclass(frozen=True)
class ChartBand:
    """A band of the framework, as charts colour and name it."""

    code: str
    label: str
    lower: float
    upper: float


def band_colours(bands: list[ChartBand]) -> dict[str, str]:
    ordered = sorted(bands, key=lambda b: (b.lower, b.upper))
    colours = BAND_COLOURS.get(len(ordered)) or [PALETTE[n % len(PALETTE)] for n in range(len(ordered))]
    return {band.code: colour for band, colour in zip(ordered, colours, strict=False)}


def _layout(fig: go.Figure, *, height: int = 420, margin: dict | None = None, **kwargs) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        font=FONT,
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10, **(margin or {})},
        **kwargs,
    )
    return fig


def _fmt(value: float | None) -> str:
    return score_text(value)


def wrap(label: str, width: int = 16) -> str:
    """Break a long label over lines (plotly takes <br>) so that it is not clipped."""
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def _basis(c: dict) -> str:
    """What a category's score rests on, for hover texts."""
    if "n_indicators" not in c:
        return ""
    return f" ({c['n_indicators']}/{c.get('n_total', c['n_indicators'])})"


def _by_band(rows: list[dict], bands: list[ChartBand]) -> list[tuple[str, str, list[dict]]]:
    """(legend name, colour, rows) for each band present, lowest first, then rows without a band."""
    colours = band_colours(bands)
    groups = []
    for band in sorted(bands, key=lambda b: (b.lower, b.upper)):
        mine = [r for r in rows if r.get("band") == band.code]
        if mine:
            groups.append((band.label, colours[band.code], mine))
    rest = [r for r in rows if r.get("band") not in colours]
    if rest:
        groups.append(("", NO_BAND, rest))
    return groups


def radar(categories: list[dict], *, bands: list[ChartBand] = (), no_band: str = "") -> go.Figure:
    """Scores of the criteria (or any one dimension) around a circle; each point in its band's colour."""
    rows = [c for c in categories if c.get("parent") is None]
    labels = [wrap(c["label"], 14) for c in rows]
    scores = [c["score"] if c["score"] is not None else 0 for c in rows]
    fig = go.Figure(
        go.Scatterpolar(
            r=[*scores, scores[0]] if scores else [],
            theta=[*labels, labels[0]] if labels else [],
            fill="toself",
            line={"color": PALETTE[0]},
            mode="lines",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    by_label = dict(zip((c["code"] for c in rows), labels, strict=True))
    for name, colour, group in _by_band(rows, list(bands)):
        fig.add_trace(
            go.Scatterpolar(
                r=[c["score"] if c["score"] is not None else 0 for c in group],
                theta=[by_label[c["code"]] for c in group],
                mode="markers+text",
                name=name or no_band,
                marker={"size": 12, "color": colour, "line": {"width": 1, "color": "#000"}},
                text=[_fmt(c["score"]) for c in group],
                textposition="top center",
                customdata=[f"{c['label']}{_basis(c)}" for c in group],
                hovertemplate="%{customdata}: %{r:.0f}<extra></extra>",
            )
        )
    return _layout(
        fig,
        height=460,
        margin={"l": 70, "r": 70, "t": 50, "b": 40},
        polar={
            "radialaxis": {"range": [0, 100], "tickvals": [0, 25, 50, 75, 100]},
            "angularaxis": {"tickfont": {"size": 11}},
        },
        showlegend=bool(bands),
        legend={"orientation": "h", "y": -0.08},
    )


def radar_narrow(categories: list[dict]) -> dict:
    """Layout changes for a phone-width radar: smaller, tighter labels that stay inside the frame."""
    rows = [c for c in categories if c.get("parent") is None]
    return {
        "layout": {
            "margin": {"l": 74, "r": 74, "t": 40, "b": 30},
            "polar": {
                "radialaxis": {"showticklabels": False},
                "angularaxis": {
                    "tickfont": {"size": 9},
                    "tickmode": "array",
                    "tickvals": [wrap(c["label"], 14) for c in rows],
                    "ticktext": [wrap(c["label"], 10) for c in rows],
                },
            },
        }
    }


def heatmap_narrow(*, row_labels: list[str], row_codes: list[str]) -> dict:
    """Changes for a phone-width heatmap: codes for the rows, no colour bar, smaller numbers (the legend
    and the full names are in the table under the chart)."""
    return {
        "layout": {
            "margin": {"l": 40, "r": 8, "t": 40, "b": 20},
            "yaxis": {"tickmode": "array", "tickvals": row_labels, "ticktext": row_codes},
        },
        "traces": [{"showscale": False, "textfont": {"size": 11, "color": "#000"}}],
    }


def heatmap(
    *,
    row_labels: list[str],
    column_labels: list[str],
    scores: list[list[float | None]],
    bands: list[ChartBand] = (),
    hover_rows: list[str] | None = None,
    hover_columns: list[str] | None = None,
) -> go.Figure:
    """Criterion x stage: the score in each cell, printed, coloured by band (a legend names them)."""
    text = [[_fmt(v) for v in row] for row in scores]
    colorscale, colorbar = SEQUENTIAL, {"title": {"text": "0-100"}}
    if bands:
        colours = band_colours(list(bands))
        ordered = sorted(bands, key=lambda b: (b.lower, b.upper))
        colorscale = []
        for band in ordered:
            low, high = band.lower / 100, max(band.upper, band.lower) / 100
            colorscale += [[low, colours[band.code]], [high, colours[band.code]]]
        colorbar = {
            "tickvals": [(b.lower + max(b.upper, b.lower)) / 2 for b in ordered],
            "ticktext": [b.label for b in ordered],
            "title": {"text": ""},
        }
    customdata = [
        [
            f"{(hover_rows or row_labels)[r]} · {(hover_columns or column_labels)[c]}"
            for c in range(len(column_labels))
        ]
        for r in range(len(row_labels))
    ]
    fig = go.Figure(
        go.Heatmap(
            z=scores,
            x=column_labels,
            y=row_labels,
            zmin=0,
            zmax=100,
            colorscale=colorscale,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 14, "color": "#000"},
            customdata=customdata,
            hovertemplate="%{customdata}: %{z:.0f}<extra></extra>",
            colorbar=colorbar,
            xgap=2,
            ygap=2,
        )
    )
    return _layout(
        fig, height=90 + 48 * len(row_labels), yaxis={"autorange": "reversed"}, xaxis={"side": "top"}
    )


def bars(categories: list[dict], *, bands: list[ChartBand] = (), no_band: str = "") -> go.Figure:
    """One horizontal bar per category, its score printed on it and its colour its band's (with a legend);
    a score resting on too few indicators is grey and hatched, with what it rests on printed beside it."""
    rows = [c for c in categories if c.get("parent") is None]
    order = [wrap(c["label"], 22) for c in rows]
    fig = go.Figure()
    for name, colour, group in _by_band(rows, list(bands)):
        thin = colour == NO_BAND
        fig.add_trace(
            go.Bar(
                x=[c["score"] for c in group],
                y=[wrap(c["label"], 22) for c in group],
                orientation="h",
                name=name or no_band,
                marker={"color": colour, "pattern": {"shape": "/" if thin else ""}, "line": {"width": 0}},
                text=[f"{_fmt(c['score'])}{_basis(c) if thin else ''}" for c in group],
                textposition="outside",
                cliponaxis=False,
                customdata=[f"{c['label']}{_basis(c)}" for c in group],
                hovertemplate="%{customdata}: %{x:.0f}<extra></extra>",
            )
        )
    return _layout(
        fig,
        height=80 + 42 * len(rows),
        barmode="overlay",
        xaxis={"range": [0, 112], "title": {"text": "0-100"}},
        yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": order},
        showlegend=bool(bands),
        legend={"orientation": "h", "y": -0.15},
    )


def agreement(indicators: list[dict], *, limit: int = 25) -> go.Figure:
    """Each institution's value on each indicator side by side, disagreements first."""
    shown = [i for i in indicators if len(i["institution_values"]) >= 2]
    shown.sort(key=lambda i: (not i["disagreement"], -(i["spread"] or 0), i["code"]))
    shown = shown[:limit]
    institutions = sorted({name for i in shown for name in i["institution_values"]})
    fig = go.Figure()
    for n, institution in enumerate(institutions):
        points = [
            (i["code"], i["institution_values"][institution])
            for i in shown
            if institution in i["institution_values"]
        ]
        fig.add_trace(
            go.Scatter(
                x=[value for _, value in points],
                y=[code for code, _ in points],
                mode="markers",
                name=institution,
                marker={"size": 11, "color": PALETTE[n % len(PALETTE)], "symbol": n % 12},
                hovertemplate=f"{institution}<br>%{{y}}: %{{x:.0f}}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[i["value"] for i in shown],
            y=[i["code"] for i in shown],
            mode="markers+text",
            name="S(i)",
            marker={"size": 16, "color": "rgba(0,0,0,0)", "line": {"width": 2, "color": "#000"}},
            text=[_fmt(i["value"]) for i in shown],
            textposition="middle right",
            hovertemplate="%{y}: %{x:.1f}<extra></extra>",
        )
    )
    return _layout(
        fig,
        height=120 + 28 * len(shown),
        xaxis={"range": [-5, 110], "tickvals": [0, 25, 50, 75, 100]},
        yaxis={"autorange": "reversed", "type": "category"},
        legend={"orientation": "h", "y": -0.1},
    )


def trend(rounds: list[dict]) -> go.Figure:
    """Overall score across rounds; a dotted line marks a change of framework version."""
    fig = go.Figure(
        go.Scatter(
            x=[r["round"] for r in rounds],
            y=[r["overall"] for r in rounds],
            mode="lines+markers+text",
            text=[_fmt(r["overall"]) for r in rounds],
            textposition="top center",
            line={"color": PALETTE[0]},
            hovertemplate="%{x}: %{y:.1f}<extra></extra>",
            name="overall",
        )
    )
    for r in rounds:
        if r["version_changed"]:
            fig.add_vline(x=r["round"], line_dash="dot", line_color=PALETTE[5])
            fig.add_annotation(
                x=r["round"], y=100, text=f"v{r['framework_version']}", showarrow=False, yshift=10
            )
    return _layout(fig, yaxis={"range": [0, 105]}, xaxis={"type": "category"}, showlegend=False)


def benchmark(
    countries: list[dict],
    *,
    highlight: str | None = None,
    ranking: bool = True,
    bands: list[ChartBand] = (),
    no_band: str = "",
) -> go.Figure:
    """Countries' scores coloured by band (with a legend); the person's own country is outlined. Without
    ranking, alphabetical order."""
    rows = countries if ranking else sorted(countries, key=lambda c: c["name"])
    order = [c["name"] for c in rows]
    fig = go.Figure()
    for name, colour, group in _by_band(rows, list(bands)):
        fig.add_trace(
            go.Bar(
                x=[c["name"] for c in group],
                y=[c["score"] for c in group],
                name=name or no_band,
                marker={
                    "color": colour,
                    "pattern": {"shape": "/" if colour == NO_BAND else ""},
                    "line": {
                        "width": [3 if c["country"] == highlight else 0 for c in group],
                        "color": "#000",
                    },
                },
                text=[_fmt(c["score"]) for c in group],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x}: %{y:.0f}<extra></extra>",
            )
        )
    return _layout(
        fig,
        yaxis={"range": [0, 110]},
        xaxis={"type": "category", "tickangle": -45, "categoryorder": "array", "categoryarray": order},
        showlegend=bool(bands),
        legend={"orientation": "h", "y": 1.1},
    )


def paired_bars(
    rows: list[tuple[str, float | None, float | None]], *, label_a: str, label_b: str
) -> go.Figure:
    """Categories down the page, the two assessments' scores side by side (horizontal: long names stay
    readable on a phone)."""
    labels = [wrap(label, 28) for label, _a, _b in rows]
    fig = go.Figure()
    for n, (index, label) in enumerate(((1, label_a), (2, label_b))):
        values = [row[index] for row in rows]
        fig.add_trace(
            go.Bar(
                y=labels,
                x=values,
                name=label,
                orientation="h",
                marker={"color": PALETTE[n * 5]},
                text=[_fmt(v) for v in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{x:.1f}<extra>" + label.replace("%", "%%") + "</extra>",
            )
        )
    height = max(260, 70 + 56 * len(rows))
    return _layout(
        fig,
        height=height,
        barmode="group",
        xaxis={"range": [0, 110], "title": None},
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "y": -0.12},
    )


def to_html(fig: go.Figure, div_id: str) -> str:
    """The figure as an HTML fragment that uses the page's own plotly.js (served locally, never a CDN)."""
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )


def room(keys: list[tuple[str, str]], institutions: list[tuple[str, dict[str, int]]]) -> go.Figure:
    """The room's answers to one indicator: how many people of each institution gave each answer,
    stacked, one colour per institution, in large type for the back of the room."""
    fig = go.Figure()
    labels = [wrap(label, 28) for _key, label in keys]
    for n, (name, counts) in enumerate(institutions):
        fig.add_trace(
            go.Bar(
                name=name,
                y=labels,
                x=[counts.get(key, 0) for key, _label in keys],
                orientation="h",
                marker={"color": PALETTE[n % len(PALETTE)]},
                hovertemplate=f"{name}: %{{x}}<extra></extra>",
            )
        )
    _layout(
        fig,
        height=max(360, 70 * len(keys) + 120),
        margin={"l": 220, "r": 20, "t": 20, "b": 60},
        barmode="stack",
        showlegend=True,
        legend={"orientation": "h", "y": -0.12, "font": {"size": 20}},
    )
    fig.update_layout(font={**FONT, "size": 22})
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    fig.update_xaxes(dtick=1, rangemode="tozero", title=None)
    return fig
