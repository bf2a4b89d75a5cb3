"""A tile-grid map of Peru: one square per department, Lima Metropolitana apart.

It needs no boundary data, so it works offline and in every report. Tiles sit
roughly where the regions lie (coast on the left, Amazon on the right). The
Lima tile stands for the rest of Lima department when Lima Metropolitana
(province 1501) has its own tile.
"""

from collections.abc import Callable, Mapping
from html import escape

from amparo.core.geography import LIMA_METROPOLITANA
from amparo.reports.domain.colours import INK, ZERO_FILL, Scale, hatch_pattern, hatched, legend, legend_width
from amparo.reports.domain.svg_text import title_text

# (code, column, row, abbreviation from ISO 3166-2:PE)
TILES: tuple[tuple[str, int, int, str], ...] = (
    ("24", 0, 0, "TUM"),
    ("16", 3, 0, "LOR"),
    ("20", 0, 1, "PIU"),
    ("06", 1, 1, "CAJ"),
    ("01", 2, 1, "AMA"),
    ("14", 0, 2, "LAM"),
    ("13", 1, 2, "LAL"),
    ("22", 2, 2, "SAM"),
    ("02", 1, 3, "ANC"),
    ("10", 2, 3, "HUC"),
    ("25", 3, 3, "UCA"),
    ("15", 1, 4, "LIM"),
    ("19", 2, 4, "PAS"),
    ("07", 0, 5, "CAL"),
    (LIMA_METROPOLITANA, 1, 5, "LMA"),
    ("12", 2, 5, "JUN"),
    ("11", 1, 6, "ICA"),
    ("09", 2, 6, "HUV"),
    ("08", 3, 6, "CUS"),
    ("17", 4, 6, "MDD"),
    ("05", 2, 7, "AYA"),
    ("03", 3, 7, "APU"),
    ("21", 4, 7, "PUN"),
    ("04", 2, 8, "ARE"),
    ("18", 3, 8, "MOQ"),
    ("23", 3, 9, "TAC"),
)
TILE = 56
GAP = 4


def tile_map(
    values: Mapping[str, float | None],
    *,
    names: Mapping[str, str],
    scale: Scale,
    title: str,
    ident: str,
    format_value: Callable[[float], str],
    format_bound: Callable[[float], str],
    zero_label: str,
    hidden_label: str,
    absent_text: str | None = None,
    links: Mapping[str, str] | None = None,
) -> str:
    """The SVG map. `values` by tile code: None means not published (hidden by disclosure control), drawn
    hatched with a dash for its number; an absent code
    means zero, or no cases at all when `absent_text` is given (a share of nothing). `links` makes
    tiles links (the dashboard's drill-down)."""
    columns = 1 + max(c for _, c, _, _ in TILES)
    rows = 1 + max(r for _, _, r, _ in TILES)
    grid_w = columns * (TILE + GAP)
    width = grid_w + 20 + max(150, legend_width(scale, format_bound, zero_label, hidden_label))
    heading, title_height = title_text(title, width, INK)
    top = 30 + title_height
    height = top + rows * (TILE + GAP)
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="map tile-map" viewBox="0 0 {width:g} {height:g}" '
            f'width="{width:g}" height="{height:g}" role="img" aria-labelledby="{ident}-title" font-family="system-ui, sans-serif">'
            f'<title id="{ident}-title">{escape(title)}</title>{hatch_pattern(ident)}{heading}'
        )
    ]
    for code, column, row, abbreviation in TILES:
        absent = code not in values and absent_text is not None
        value = values.get(code, 0)
        x, y = column * (TILE + GAP), top + row * (TILE + GAP)
        shown = absent_text if absent else hidden_label if value is None else format_value(value)
        hidden = value is None and not absent
        fill = ZERO_FILL if absent else hatched(ident) if hidden else scale.fill(value)
        ink = INK if absent or hidden else scale.ink(value)
        tile = (
            f'<g class="tile{" hidden" if hidden else ""}" data-code="{code}"><title>{escape(names.get(code, code))}: {escape(shown)}</title>'
            f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="4" fill="{fill}" stroke="#8a94a6" stroke-width="0.8"/>'
            f'<text x="{x + TILE / 2:g}" y="{y + 22}" font-size="12" font-weight="600" text-anchor="middle" fill="{ink}">{abbreviation}</text>'
            f'<text x="{x + TILE / 2:g}" y="{y + 40}" font-size="11" text-anchor="middle" fill="{ink}">{escape("—" if hidden else shown)}</text>'
            "</g>"
        )
        if links and code in links:
            tile = f'<a href="{escape(links[code])}">{tile}</a>'
        parts.append(tile)
    parts.append(
        legend(
            scale,
            x=grid_w + 20,
            y=top + 10,
            format_bound=format_bound,
            zero_label=zero_label,
            hidden_label=hidden_label,
            hidden_fill=hatched(ident),
        )
    )
    parts.append("</svg>")
    return "".join(parts)
