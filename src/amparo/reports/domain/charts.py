"""Charts as SVG strings, rendered on the server, with presentation attributes only.

The Content-Security-Policy of the web pages forbids style attributes and
elements, so every colour and size is an SVG attribute. Each chart carries a
<title> and a <desc> for screen readers. Every text is given the room it needs
(svg_text): titles wrap, long labels are shortened with their full text in a
tooltip. A hidden (suppressed) value is a count known only to be small, so it
is drawn as a short dashed stub labelled with the caller's text, never as a bar
whose length would mean something.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from amparo.reports.domain.svg_text import shorten, text_width, title_text

BAR_FILL = "#0b5f83"
HIGHLIGHT_FILL = "#9b1c1c"
AXIS = "#8a94a6"
INK = "#1d2433"
FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: hidden by disclosure control
    text: str  # the value as printed beside the bar
    highlight: bool = False


def _open(kind: str, width: float, height: float, title: str, description: str, ident: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-labelledby="{ident}-title {ident}-desc" {FONT}>'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(description)}</desc>'
    )


LABEL_SIZE = 12
HIDDEN_STUB = 8  # the length of a hidden value's stub: short, as the counts that are hidden are


def bar_chart(bars: Sequence[Bar], *, title: str, ident: str, width: float = 640, empty_text: str = "") -> str:
    """Horizontal bars, longest first as given, the value printed at each bar's end."""
    label_room = min(0.45 * width, max([60.0] + [text_width(b.label, LABEL_SIZE) for b in bars]))
    label_width = label_room + 6
    value_width = max([40.0] + [text_width(b.text, LABEL_SIZE) for b in bars]) + 6
    row = 24.0
    heading, title_height = title_text(title, width, INK)
    top = 30.0 + title_height
    height = top + max(1, len(bars)) * row + 10
    plot = width - label_width - value_width
    top_value = max([b.value for b in bars if b.value is not None] + [0])
    description = "; ".join(f"{b.label}: {b.text}" for b in bars) or empty_text
    parts = [_open("bar-chart", width, height, title, description, ident), heading]
    if not bars:
        parts.append(f'<text x="0" y="{top + 16}" font-size="{LABEL_SIZE}" fill="{INK}">{escape(empty_text)}</text>')
    for i, bar in enumerate(bars):
        y = top + i * row
        fill = HIGHLIGHT_FILL if bar.highlight else BAR_FILL
        label = shorten(bar.label, label_room, LABEL_SIZE)
        tooltip = f"<title>{escape(bar.label)}</title>" if label != bar.label else ""
        parts.append(
            f'<text class="label" x="{label_width - 6:g}" y="{y + 15:g}" font-size="{LABEL_SIZE}" text-anchor="end" '
            f'fill="{INK}">{tooltip}{escape(label)}</text>'
        )
        if bar.value is None:
            length = HIDDEN_STUB
            parts.append(
                f'<rect class="bar hidden" x="{label_width:g}" y="{y + 3:g}" width="{length:g}" height="16" '
                f'fill="none" stroke="{AXIS}" stroke-dasharray="3 3"/>'
            )
        else:
            length = 0.0 if not bar.value or not top_value else plot * bar.value / top_value
            parts.append(
                f'<rect class="bar" x="{label_width:g}" y="{y + 3:g}" width="{max(length, 1):.1f}" height="16" fill="{fill}"/>'
            )
        parts.append(
            f'<text class="value" x="{label_width + max(length, 1) + 6:.1f}" y="{y + 15:g}" '
            f'font-size="{LABEL_SIZE}" fill="{INK}">{escape(bar.text)}</text>'
        )
    parts.append(
        f'<line x1="{label_width:g}" y1="{top - 2:g}" x2="{label_width:g}" y2="{height - 8:g}" stroke="{AXIS}"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Point:
    label: str  # x-axis label (a year)
    value: float | None
    text: str


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    ident: str,
    format_tick: Callable[[float], str],
    width: float = 640,
    height: float = 240,
    empty_text: str = "",
) -> str:
    """A trend over time; hidden values break the line, and a point no line reaches (one year alone) is
    labelled with its value, so that a trend of one year is not an empty-looking chart."""
    values = [p.value for p in points if p.value is not None]
    ceiling = max(values + [0]) or 1
    ticks = [format_tick(ceiling * i / 4) for i in range(5)]
    heading, title_height = title_text(title, width, INK)
    left, right, top, bottom = max(40.0, max(text_width(t, 11) for t in ticks) + 10), 16.0, 30.0 + title_height, 34.0
    height += title_height
    plot_w, plot_h = width - left - right, height - top - bottom
    description = "; ".join(f"{p.label}: {p.text}" for p in points) or empty_text
    parts = [_open("line-chart", width, height, title, description, ident), heading]
    for i, tick in enumerate(ticks):
        y = top + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{left:g}" y1="{y:.1f}" x2="{width - right:g}" y2="{y:.1f}" stroke="#e3e6eb"/>'
            f'<text x="{left - 6:g}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{INK}">{escape(tick)}</text>'
        )
    if not points:
        parts.append(f'<text x="{left:g}" y="{top + 20:g}" font-size="12" fill="{INK}">{escape(empty_text)}</text>')
    step = plot_w / max(1, len(points) - 1)
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, point in enumerate(points):
        x = left + (step * i if len(points) > 1 else plot_w / 2)
        parts.append(
            f'<text x="{x:.1f}" y="{height - 12:g}" font-size="11" text-anchor="middle" fill="{INK}">{escape(point.label)}</text>'
        )
        if point.value is None:
            segments.append(segment)
            segment = []
            continue
        y = top + plot_h - plot_h * point.value / ceiling
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{BAR_FILL}">'
            f"<title>{escape(point.label)}: {escape(point.text)}</title></circle>"
        )
        lone = all(j < 0 or j >= len(points) or points[j].value is None for j in (i - 1, i + 1))
        if lone and x + 8 + text_width(point.text, 11) <= width:  # no line reaches it: say its value
            parts.append(
                f'<text class="point-value" x="{x + 8:.1f}" y="{y + 4:.1f}" font-size="11" fill="{INK}">'
                f"{escape(point.text)}</text>"
            )
    segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(
                f'<polyline class="line" points="{" ".join(seg)}" fill="none" stroke="{BAR_FILL}" stroke-width="2"/>'
            )
    parts.append(
        f'<line x1="{left:g}" y1="{top + plot_h:g}" x2="{width - right:g}" y2="{top + plot_h:g}" stroke="{AXIS}"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
