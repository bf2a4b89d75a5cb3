"""How much room a line of SVG text needs, so that a chart drawn on the server leaves it that room.

There is no layout engine on the server, and the reader's font is not known:
widths are estimated generously, per kind of character, from the widest common
sans-serif (DejaVu Sans, Debian's default, measured in Chromium). A text wider
than its room is wrapped (titles) or shortened with an ellipsis (labels, whose
full text stays in a tooltip and in the chart's description).
"""

from html import escape
from textwrap import wrap as _wrap_words

# Width in em of each kind of character: (regular, bold).
_NARROW = frozenset("iljftrIJ.,;:'!|íÍ ")
_WIDE = frozenset("mwMW%…")
_WIDTHS = {"narrow": (0.40, 0.50), "wide": (1.0, 1.11), "upper": (0.80, 0.86), "other": (0.64, 0.72)}
ELLIPSIS = "…"


def _kind(character: str) -> str:
    if character in _NARROW:
        return "narrow"
    if character in _WIDE or not character.isascii() and not character.isalpha():
        return "wide"
    if character.isupper():
        return "upper"
    return "other"


def text_width(text: str, font_size: float, bold: bool = False) -> float:
    """The width, in pixels, that `text` may take at `font_size` (at most; usually a little less)."""
    return font_size * sum(_WIDTHS[_kind(character)][bold] for character in text)


def wrap(text: str, width: float, font_size: float, bold: bool = False) -> list[str]:
    """`text` in lines that each fit in `width`, broken between words (a word longer than the width is cut)."""
    for columns in range(max(1, len(text)), 0, -1):
        lines = _wrap_words(text, columns) or [""]
        if all(text_width(line, font_size, bold) <= width for line in lines):
            return lines
    return list(text)


def shorten(text: str, width: float, font_size: float, bold: bool = False) -> str:
    """`text`, or as much of it as fits in `width` followed by an ellipsis."""
    if text_width(text, font_size, bold) <= width:
        return text
    kept = text
    while kept and text_width(kept.rstrip() + ELLIPSIS, font_size, bold) > width:
        kept = kept[:-1]
    return kept.rstrip() + ELLIPSIS


TITLE_SIZE = 14
TITLE_LINE = 18  # pixels from one line of a title to the next


def title_text(title: str, width: float, ink: str) -> tuple[str, float]:
    """A chart's or map's title at its top left, wrapped to `width`: the SVG and the height its lines add
    below the first (what the drawing beneath moves down by)."""
    lines = wrap(title, width, TITLE_SIZE, bold=True)
    svg = "".join(
        f'<text class="title" x="0" y="{16 + TITLE_LINE * i}" font-size="{TITLE_SIZE}" font-weight="600" '
        f'fill="{ink}">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    return svg, TITLE_LINE * (len(lines) - 1)
