"""Charts as SVG strings, rendered on the server, with presentation attributes only.

The Content-Security-Policy of the web pages forbids style attributes and
elements, so every colour and size is an SVG attribute. Each chart carries a
<title> and a <desc> for screen readers; a hidden (suppressed) value is drawn
as an empty bar labelled with the caller's text.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

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


def bar_chart(bars: Sequence[Bar], *, title: str, ident: str, width: float = 640, empty_text: str = "") -> str:
    """Horizontal bars, longest first as given, the value printed at each bar's end."""
    label_width = min(220.0, max([60.0] + [7.0 * len(b.label) for b in bars]))
    value_width = 90.0
    row = 24.0
    top = 30.0
    height = top + max(1, len(bars)) * row + 10
    plot = width - label_width - value_width - 10
    top_value = max([b.value for b in bars if b.value is not None] + [0])
    description = "; ".join(f"{b.label}: {b.text}" for b in bars) or empty_text
    parts = [_open("bar-chart", width, height, title, description, ident)]
    parts.append(f'<text x="0" y="16" font-size="14" font-weight="600" fill="{INK}">{escape(title)}</text>')
    if not bars:
        parts.append(f'<text x="0" y="{top + 16}" font-size="12" fill="{INK}">{escape(empty_text)}</text>')
    for i, bar in enumerate(bars):
        y = top + i * row
        length = 0.0 if not bar.value or not top_value else plot * bar.value / top_value
        fill = HIGHLIGHT_FILL if bar.highlight else BAR_FILL
        parts.append(
            f'<text x="{label_width - 6:g}" y="{y + 15:g}" font-size="12" text-anchor="end" fill="{INK}">{escape(bar.label)}</text>'
        )
        if bar.value is None:
            parts.append(
                f'<rect class="bar hidden" x="{label_width:g}" y="{y + 3:g}" width="{plot:g}" height="16" '
                f'fill="none" stroke="{AXIS}" stroke-dasharray="3 3"/>'
            )
        else:
            parts.append(
                f'<rect class="bar" x="{label_width:g}" y="{y + 3:g}" width="{max(length, 1):.1f}" height="16" fill="{fill}"/>'
            )
        parts.append(
            f'<text x="{label_width + (plot if bar.value is None else length) + 6:.1f}" y="{y + 15:g}" '
            f'font-size="12" fill="{INK}">{escape(bar.text)}</text>'
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
    """A trend over time; hidden values break the line."""
    left, right, top, bottom = 56.0, 16.0, 30.0, 34.0
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p.value for p in points if p.value is not None]
    ceiling = max(values + [0]) or 1
    description = "; ".join(f"{p.label}: {p.text}" for p in points) or empty_text
    parts = [_open("line-chart", width, height, title, description, ident)]
    parts.append(f'<text x="0" y="16" font-size="14" font-weight="600" fill="{INK}">{escape(title)}</text>')
    for i in range(5):
        tick = ceiling * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{left:g}" y1="{y:.1f}" x2="{width - right:g}" y2="{y:.1f}" stroke="#e3e6eb"/>'
            f'<text x="{left - 6:g}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{INK}">{escape(format_tick(tick))}</text>'
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
