"""Sequential colour classes shared by the tile map and the choropleth, with their legend."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from amparo.reports.domain.svg_text import text_width

# ColorBrewer "Blues" (5 classes): readable in print and by people with colour-vision deficiency.
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
ZERO_FILL = "#ffffff"
HIDDEN_FILL = "#d9d9d9"
INK = "#1d2433"


@dataclass(frozen=True)
class Scale:
    """Class boundaries: a value v > 0 falls in the first class whose upper bound is >= v."""

    upper_bounds: tuple[float, ...]
    integers: bool = False  # counts: classes read 1-24, 25-48, ...
    zero_is_value: bool = False  # shares: 0 % of some cases is a value, unlike no cases at all

    def fill(self, value: float | None) -> str:
        if value is None:
            return HIDDEN_FILL
        if value <= 0 and not self.zero_is_value:
            return ZERO_FILL
        for colour, bound in zip(PALETTE, self.upper_bounds):
            if value <= bound:
                return colour
        return PALETTE[len(self.upper_bounds) - 1]

    def ink(self, value: float | None) -> str:
        """Text colour that stays legible on the value's fill."""
        return "#ffffff" if self.fill(value) in PALETTE[3:] else INK


def count_scale(values: Sequence[float | None]) -> Scale:
    """Five equal classes up to the largest count (at least 1 per class)."""
    top = max([v for v in values if v is not None] + [0])
    step = max(1, -(-int(top) // len(PALETTE)))
    return Scale(tuple(step * (i + 1) for i in range(len(PALETTE))), integers=True)


SHARE_SCALE = Scale((0.2, 0.4, 0.6, 0.8, 1.0), zero_is_value=True)


LEGEND_SIZE = 11
SWATCH_ROOM = 20  # the swatch and the gap before its text


def _legend_entries(
    scale: Scale, format_bound: Callable[[float], str], zero_label: str, hidden_label: str
) -> list[tuple[str, str]]:
    """(colour, text) of each line of the legend: the classes with their ranges, then 'none' and 'hidden'."""
    lower = 0.0
    entries = []
    for colour, bound in zip(PALETTE, scale.upper_bounds):
        start = lower + 1 if scale.integers else lower
        entries.append((colour, f"{format_bound(start)} – {format_bound(bound)}"))
        lower = bound
    return entries + [(ZERO_FILL, zero_label), (HIDDEN_FILL, hidden_label)]


def legend_width(scale: Scale, format_bound: Callable[[float], str], zero_label: str, hidden_label: str) -> float:
    """The room the legend needs, swatches and texts."""
    entries = _legend_entries(scale, format_bound, zero_label, hidden_label)
    return SWATCH_ROOM + max(text_width(text, LEGEND_SIZE) for _colour, text in entries)


def legend(
    scale: Scale, *, x: float, y: float, format_bound: Callable[[float], str], zero_label: str, hidden_label: str
) -> str:
    """An SVG group: one swatch per class with its range, then 'none' and 'hidden'."""
    parts = ['<g class="legend">']
    entries = _legend_entries(scale, format_bound, zero_label, hidden_label)
    for i, (colour, text) in enumerate(entries):
        top = y + i * 18
        parts.append(
            f'<rect x="{x}" y="{top}" width="14" height="14" fill="{colour}" stroke="#8a94a6" stroke-width="0.6"/>'
            f'<text x="{x + SWATCH_ROOM}" y="{top + 11}" font-size="{LEGEND_SIZE}" fill="{INK}">{escape(text)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)
