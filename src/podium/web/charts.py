"""Charts as server-rendered SVG: pure functions from data to markup. Each chart is an image
to assistive technology (role="img", named by its <title>, described by its <desc>); the
page shows the same figures in a table beside it. Every text is escaped; no style
attributes (the CSP forbids them): the classes are styled in static/podium.css."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 32
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
ROW = 36  # height of one bar of a bar chart


def _n(value: float) -> str:
    """A coordinate: at most one decimal, no trailing zero."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _svg(markup: str) -> Markup:
    """Markup built here: every text in it went through escape(), every number is ours."""
    return Markup(markup)  # noqa: S704


def _open(chart_id: str, title: str, description: str, height: int) -> str:
    name = escape(chart_id)
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{name}-title {name}-desc" id="{name}">'
        f'<title id="{name}-title">{escape(title)}</title>'
        f'<desc id="{name}-desc">{escape(description)}</desc>'
    )


def _axes(top: int, first: str, last: str) -> str:
    bottom = TOP + PLOT_H
    return (
        f'<g class="chart__axis"><line x1="{LEFT}" y1="{bottom}" x2="{LEFT + PLOT_W}" '
        f'y2="{bottom}"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}"/></g>'
        f'<g class="chart__label"><text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">'
        f'{top}</text><text x="{LEFT - 6}" y="{bottom}" text-anchor="end">0</text>'
        f'<text x="{LEFT}" y="{HEIGHT - 10}">{escape(first)}</text>'
        f'<text x="{LEFT + PLOT_W}" y="{HEIGHT - 10}" text-anchor="end">{escape(last)}</text>'
        "</g>"
    )


def line_chart(
    chart_id: str, title: str, description: str, labels: Sequence[str], values: Sequence[int]
) -> Markup:
    """A line over equally spaced values (people present per minute), with its area."""
    top = max([*values, 1])
    step = PLOT_W / max(len(values) - 1, 1)
    points = " ".join(
        f"{_n(LEFT + i * step)},{_n(TOP + PLOT_H - value * PLOT_H / top)}"
        for i, value in enumerate(values)
    )
    bottom = TOP + PLOT_H
    last_x = _n(LEFT + (len(values) - 1) * step) if values else str(LEFT)
    area = f"{LEFT},{bottom} {points} {last_x},{bottom}"
    first, last = (labels[0], labels[-1]) if labels else ("", "")
    return _svg(
        _open(chart_id, title, description, HEIGHT)
        + _axes(top, first, last)
        + f'<polygon class="chart__area" points="{area}"/>'
        + f'<polyline class="chart__line" points="{points}"/>'
        + "</svg>"
    )


def column_chart(
    chart_id: str, title: str, description: str, columns: Sequence[tuple[str, int]]
) -> Markup:
    """One column per labelled count (registrations per day); each column names its
    figure in a <title> (a tooltip)."""
    top = max([count for _, count in columns] + [1])
    slot = PLOT_W / max(len(columns), 1)
    width = min(max(slot * 0.8, 1), 40)  # a lone day stays a column, not a wall
    bars = []
    for i, (label, count) in enumerate(columns):
        height = count * PLOT_H / top
        bars.append(
            f'<rect class="chart__bar" x="{_n(LEFT + i * slot + (slot - width) / 2)}" '
            f'y="{_n(TOP + PLOT_H - height)}" width="{_n(width)}" height="{_n(height)}">'
            f"<title>{escape(label)}: {count}</title></rect>"
        )
    first, last = (columns[0][0], columns[-1][0]) if columns else ("", "")
    return _svg(
        _open(chart_id, title, description, HEIGHT)
        + _axes(top, first, last)
        + "".join(bars)
        + "</svg>"
    )


def percent(count: int, total: int) -> int:
    """A whole percentage of `total` (0 when nobody answered)."""
    return round(100 * count / total) if total else 0


def bar_chart(
    chart_id: str, title: str, description: str, bars: Sequence[tuple[str, int]], total: int
) -> Markup:
    """Horizontal bars, one per answer, each with its count and share of `total`."""
    height = TOP + ROW * len(bars) + 8
    track = WIDTH - 2 * RIGHT
    rows = []
    for i, (label, count) in enumerate(bars):
        y = TOP + i * ROW
        share = percent(count, total)
        rows.append(
            f'<text class="chart__label" x="{RIGHT}" y="{y + 10}">{escape(label)}</text>'
            f'<text class="chart__label" x="{WIDTH - RIGHT}" y="{y + 10}" text-anchor="end">'
            f"{count} ({share}%)</text>"
            f'<rect class="chart__track" x="{RIGHT}" y="{y + 16}" width="{track}" height="10"/>'
            f'<rect class="chart__bar" x="{RIGHT}" y="{y + 16}" '
            f'width="{_n(track * count / total if total else 0)}" height="10"/>'
        )
    return _svg(_open(chart_id, title, description, height) + "".join(rows) + "</svg>")
