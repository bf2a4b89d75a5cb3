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
HATCH_INK = "#5b6475"


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


def hatch_id(ident: str) -> str:
    return f"{ident}-hatch"


def hatch_pattern(ident: str) -> str:
    """SVG defs of the hatching that marks a value not published (hidden by disclosure control): grey with
    diagonal lines, so that it reads as "unknown" and never as a class of the scale, in colour or in print.
    Its id is the map's ident's, unique on a page that shows several maps."""
    return (
        f'<defs><pattern id="{hatch_id(ident)}" class="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{HIDDEN_FILL}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH_INK}" stroke-width="1.5"/></pattern></defs>'
    )


def hatched(ident: str) -> str:
    """The fill of a value not published, on the map `ident` (whose SVG carries hatch_pattern(ident))."""
    return f"url(#{hatch_id(ident)})"


LEGEND_SIZE = 11
LEGEND_LINE = 18  # pixels from one swatch to the next
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


def legend_height(entries: int = len(PALETTE) + 2) -> float:
    return entries * LEGEND_LINE


def legend(
    scale: Scale,
    *,
    x: float,
    y: float,
    format_bound: Callable[[float], str],
    zero_label: str,
    hidden_label: str,
    hidden_fill: str = HIDDEN_FILL,
) -> str:
    """An SVG group: one swatch per class with its range, then 'none' and 'hidden' (drawn with `hidden_fill`,
    the map's hatching)."""
    parts = ['<g class="legend">']
    entries = _legend_entries(scale, format_bound, zero_label, hidden_label)
    entries[-1] = (hidden_fill, hidden_label)
    for i, (colour, text) in enumerate(entries):
        top = y + i * LEGEND_LINE
        parts.append(
            f'<rect x="{x}" y="{top}" width="14" height="14" fill="{colour}" stroke="#8a94a6" stroke-width="0.6"/>'
            f'<text x="{x + SWATCH_ROOM}" y="{top + 11}" font-size="{LEGEND_SIZE}" fill="{INK}">{escape(text)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)
