"""Inline SVG charts: horizontal bars, one or two series, drawn from numbers with their labels.

Each bar is a ``<rect class="bar s0">`` (``s1`` for the second series) whose width is proportional
to its value; labels and formatted values are ``<text>``. No script, no fonts to fetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

LABEL_WIDTH = 260
BAR_WIDTH = 420
VALUE_WIDTH = 140
ROW = 22
LABEL_CHARS = 36
COLOURS = ("#1f6f8b", "#c9a227")


@dataclass(frozen=True)
class Bar:
    """One row of a chart: a label, and for each series its value and how to show it."""

    label: str
    values: tuple[int, ...]
    shown: tuple[str, ...]


def bar_chart(chart_id: str, title: str, bars: list[Bar], series: tuple[str, ...] = ()) -> str:
    """A horizontal bar chart; ``series`` names the series for a legend when there are two."""
    n = max((len(b.values) for b in bars), default=1)
    top = max((v for b in bars for v in b.values), default=0) or 1
    band = ROW * n + 6
    legend = 20 if len(series) > 1 else 0
    height = legend + band * len(bars) + 4
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [f'<svg id="{escape(chart_id)}" class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    if legend:
        for i, name in enumerate(series):
            x = LABEL_WIDTH + i * 240
            parts.append(f'<rect class="key" x="{x}" y="4" width="12" height="12" fill="{COLOURS[i]}"/>'
                         f'<text x="{x + 18}" y="14">{escape(name)}</text>')
    for row, b in enumerate(bars):
        y0 = legend + row * band
        short = b.label if len(b.label) <= LABEL_CHARS else b.label[:LABEL_CHARS - 1] + "…"
        parts.append(f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y0 + band / 2 + 4:.0f}" '
                     f'text-anchor="end">{escape(short)}<title>{escape(b.label)}</title></text>')
        for i, (value, shown) in enumerate(zip(b.values, b.shown, strict=True)):
            w = max(BAR_WIDTH * value / top, 1.0 if value else 0.0)
            y = y0 + 3 + i * ROW
            parts.append(f'<rect class="bar s{i}" x="{LABEL_WIDTH}" y="{y}" width="{w:.1f}" height="{ROW - 4}" '
                         f'fill="{COLOURS[i % 2]}"><title>{escape(b.label)}: {escape(shown)}</title></rect>'
                         f'<text class="value" x="{LABEL_WIDTH + w + 6:.1f}" y="{y + ROW - 8}">{escape(shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)
