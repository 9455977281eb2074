"""plotly figures of the results: one function per chart, each taking plain results data, returning a figure.

No ORM and no request here. Colours come from the Okabe-Ito palette and a sequential scale that
colour-blind readers can tell apart, and every chart prints its numbers: colour is never the only cue.
"""

import plotly.graph_objects as go

# Okabe-Ito: distinguishable with every common form of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SEQUENTIAL = "Cividis"
NO_VALUE = "\u2013"  # an en dash where there is no value
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 13}


def _layout(fig: go.Figure, *, height: int = 420, **kwargs) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        font=FONT,
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        **kwargs,
    )
    return fig


def _fmt(value: float | None) -> str:
    return NO_VALUE if value is None else f"{value:.0f}"


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


def radar(categories: list[dict], *, name: str = "") -> go.Figure:
    """Scores of the criteria (or any one dimension) around a circle."""
    rows = [c for c in categories if c.get("parent") is None]
    labels = [wrap(c["label"]) for c in rows]
    scores = [c["score"] if c["score"] is not None else 0 for c in rows]
    fig = go.Figure(
        go.Scatterpolar(
            r=[*scores, scores[0]] if scores else [],
            theta=[*labels, labels[0]] if labels else [],
            fill="toself",
            name=name,
            line={"color": PALETTE[0]},
            mode="lines+markers+text",
            text=[_fmt(c["score"]) for c in rows] + ([_fmt(rows[0]["score"])] if rows else []),
            textposition="top center",
            hovertemplate="%{theta}: %{r:.1f}<extra></extra>",
        )
    )
    return _layout(
        fig, polar={"radialaxis": {"range": [0, 100], "tickvals": [0, 25, 50, 75, 100]}}, showlegend=False
    )


def heatmap(
    *, row_labels: list[str], column_labels: list[str], scores: list[list[float | None]]
) -> go.Figure:
    """Criterion x stage: the score in each cell, printed, on a colour-blind-safe scale."""
    text = [[_fmt(v) for v in row] for row in scores]
    fig = go.Figure(
        go.Heatmap(
            z=scores,
            x=column_labels,
            y=row_labels,
            zmin=0,
            zmax=100,
            colorscale=SEQUENTIAL,
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}: %{z:.1f}<extra></extra>",
            colorbar={"title": {"text": "0-100"}},
        )
    )
    return _layout(
        fig, height=80 + 45 * len(row_labels), yaxis={"autorange": "reversed"}, xaxis={"side": "top"}
    )


def bars(categories: list[dict], *, color: str = PALETTE[0]) -> go.Figure:
    """One horizontal bar per category, with its score printed on it."""
    rows = [c for c in categories if c.get("parent") is None]
    fig = go.Figure(
        go.Bar(
            x=[c["score"] for c in rows],
            y=[c["label"] for c in rows],
            orientation="h",
            marker={"color": color},
            text=[_fmt(c["score"]) for c in rows],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.1f}<extra></extra>",
        )
    )
    return _layout(
        fig,
        height=60 + 38 * len(rows),
        xaxis={"range": [0, 105], "title": {"text": "0-100"}},
        yaxis={"autorange": "reversed"},
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


def benchmark(countries: list[dict], *, highlight: str | None = None, ranking: bool = True) -> go.Figure:
    """Countries' scores; the person's own country stands out. Without ranking, alphabetical order."""
    rows = countries if ranking else sorted(countries, key=lambda c: c["name"])
    fig = go.Figure(
        go.Bar(
            x=[c["name"] for c in rows],
            y=[c["score"] for c in rows],
            marker={"color": [PALETTE[5] if c["country"] == highlight else PALETTE[0] for c in rows]},
            text=[_fmt(c["score"]) for c in rows],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:.1f}<extra></extra>",
        )
    )
    return _layout(fig, yaxis={"range": [0, 110]}, xaxis={"type": "category", "tickangle": -45})


def comparison(indicators: list[dict], *, label_a: str, label_b: str) -> go.Figure:
    """Per indicator, the two values side by side."""
    shown = [i for i in indicators if i["value_a"] is not None or i["value_b"] is not None]
    fig = go.Figure()
    for n, (key, label) in enumerate((("value_a", label_a), ("value_b", label_b))):
        fig.add_trace(
            go.Bar(
                x=[i["code"] for i in shown],
                y=[i[key] for i in shown],
                name=label,
                marker={"color": PALETTE[n * 5]},
                text=[_fmt(i[key]) for i in shown],
                textposition="outside",
                cliponaxis=False,
            )
        )
    return _layout(fig, barmode="group", yaxis={"range": [0, 110]}, legend={"orientation": "h", "y": 1.12})


def to_html(fig: go.Figure, div_id: str) -> str:
    """The figure as an HTML fragment that uses the page's own plotly.js (served locally, never a CDN)."""
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )
