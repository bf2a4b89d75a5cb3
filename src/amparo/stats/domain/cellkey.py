"""Cell-key perturbation: protected counts that differencing cannot undo.

Small-cell suppression hides counts of 1 to 4, but a hidden cell comes back by
subtraction: from a total, from a year range minus one year, from a department
minus its provinces, from a filtered table minus the unfiltered one. Cell-key
perturbation (the method of the Australian Bureau of Statistics' TableBuilder
and of the 2021 census of England and Wales) publishes every cell, each with a
small noise of its own, so that no sum of published cells equals a sum of true
ones:

- every record (case) carries a random key, drawn once when it is stored, an
  integer in [0, KEY_RANGE);
- a cell's key is the sum of the keys of the records it counts, modulo
  KEY_RANGE, read as a fraction u in [0, 1) (the sum of independent uniform
  keys is uniform, whatever the cell);
- its noise is looked up in the perturbation table by (true count, u): the row
  of the true count lists the possible noises with their probabilities, and u
  picks one by their cumulative probabilities.

The same records always give the same key, so the same cell always shows the
same value: asking again, in another order or another table, returns the same
number, and averaging repeated answers learns nothing. Two different sets of
records (2010 and 2010-2011, a department and the sum of its provinces) get
unrelated keys, so their noises do not cancel. Zero stays zero (an empty cell
has no records), no published count is negative, and no noise exceeds the
table's ``max_noise``. Totals are perturbed as cells of their own, so a table
need not add up; a group perturbed to zero is not listed (the engine), so that
its row does not say it has cases.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from amparo.core.record_keys import KEY_RANGE


@dataclass(frozen=True)
class PerturbationTable:
    """Noises and their probabilities for each true count; the last row holds for every larger count.

    Probabilities are exact fractions so that the cumulative bounds, and therefore every published
    value, are the same on every machine.
    """

    name: str
    rows: tuple[tuple[tuple[int, Fraction], ...], ...]

    def __post_init__(self):
        if self.rows[0] != ((0, Fraction(1)),):
            raise ValueError(f"perturbation table {self.name}: a count of zero must stay zero")
        for count, row in enumerate(self.rows):
            if sum(p for _, p in row) != 1:
                raise ValueError(f"perturbation table {self.name}: the probabilities of count {count} do not add to 1")
            if any(count + noise < 0 for noise, p in row if p):
                raise ValueError(f"perturbation table {self.name}: count {count} could become negative")
            if sum(noise * p for noise, p in row) != 0:
                raise ValueError(f"perturbation table {self.name}: the noise of count {count} is biased")

    @property
    def max_noise(self) -> int:
        """No published count differs from the true one by more than this."""
        return max(abs(noise) for row in self.rows for noise, p in row if p)

    def row(self, count: int) -> tuple[tuple[int, Fraction], ...]:
        return self.rows[min(count, len(self.rows) - 1)]


# Unbiased noise of at most 3 either way. Every count c from 1 on can move anywhere in [-min(c, 3), +3], so
# whatever value is published, the true counts that could have given it are all of [p - 3, p + 3] (from 1 when p
# is above zero): an attacker's bound from one cell is tight only where its noise was extreme. The extremes (±3,
# and a 3 falling to 0) come up once in a hundred draws each, so a cell is pinned by differencing only in the rare
# case that an extreme noise lands where it closes the gap (docs/publication.md). Small counts are perturbed, not
# hidden: a 1 is shown as 0 almost half of the time, and as 2 or more a third of the time.
EXTREME = Fraction(1, 100)
AMPARO_TABLE = PerturbationTable(
    name="amparo-ckm-3",
    rows=(
        ((0, Fraction(1)),),
        (
            (-1, Fraction(45, 100)),
            (0, Fraction(20, 100) + EXTREME / 2),
            (1, Fraction(25, 100)),
            (2, Fraction(10, 100) - 3 * EXTREME / 2),
            (3, EXTREME),
        ),
        (
            (-2, Fraction(15, 100)),
            (-1, Fraction(20, 100)),
            (0, Fraction(30, 100) + EXTREME / 2),
            (1, Fraction(20, 100)),
            (2, Fraction(15, 100) - 3 * EXTREME / 2),
            (3, EXTREME),
        ),
        (
            (-3, EXTREME),
            (-2, Fraction(10, 100)),
            (-1, Fraction(20, 100)),
            (0, Fraction(40, 100) - 2 * EXTREME),
            (1, Fraction(20, 100)),
            (2, Fraction(10, 100)),
            (3, EXTREME),
        ),
    ),
)


def perturb(counts: Sequence[int], key_sums: Sequence[int], table: PerturbationTable = AMPARO_TABLE) -> list[int]:
    """The published value of each cell, given its true count and the sum of its records' keys."""
    true = np.asarray(counts, dtype=np.int64)
    if (true < 0).any():
        raise ValueError("a count cannot be negative")
    # The position of the cell's key in [0, 1), as an exact integer compared with integer cumulative bounds.
    position = np.asarray(key_sums, dtype=np.int64) % KEY_RANGE
    noise = np.zeros_like(true)
    rows = np.minimum(true, len(table.rows) - 1)
    for index, row in enumerate(table.rows):
        chosen = rows == index
        if not chosen.any():
            continue
        cumulative = np.cumsum([p for _, p in row])
        bounds = np.array([int(c * KEY_RANGE) for c in cumulative[:-1]], dtype=np.int64)
        picks = np.searchsorted(bounds, position[chosen], side="right")
        noise[chosen] = np.array([n for n, _ in row], dtype=np.int64)[picks]
    return [int(v) for v in true + noise]
