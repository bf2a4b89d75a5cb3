"""The differencing auditor: what an attacker can prove about true counts from a set of published tables.

The attacker knows how the tables are made (which cases each cell counts) and how they were protected, and
nothing else. The unknowns are the true counts of the finest cells every published cell is a sum of ("atoms":
each combination of the attributes the tables use), nonnegative integers. Each published figure constrains the
sum of its atoms: exactly (a suppression's visible cell), within ±bound (a perturbed cell; the bound is the
output's own max noise), or not at all (a hidden cell). A figure above zero counts at least one case (zero stays
zero, under either method), and so does a row that a table lists (empty groups are not listed). For each target
cell, HiGHS finds the smallest and the largest true count consistent with all of that (an integer program each
way): when they meet, the cell is recovered exactly.

Written independently of the engine: it reads only the published numbers and the labels of their rows.
"""

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

Atom = dict[str, str]


@dataclass(frozen=True)
class Cell:
    """One published figure: the cases it counts (attribute -> the values it admits), its published value (None
    when hidden), the largest difference from the truth its output admits, and whether its row was listed."""

    where: tuple[tuple[str, frozenset[str]], ...]
    published: int | None
    bound: int
    listed: bool = False

    def counts(self, atom: Atom) -> bool:
        return all(atom[attribute] in values for attribute, values in self.where)


def cell(where: dict[str, Iterable[str]], published: int | None, bound: int, listed: bool = False) -> Cell:
    return Cell(tuple(sorted((a, frozenset(v)) for a, v in where.items())), published, bound, listed)


def atoms(universe: dict[str, list[str]], consistent: Callable[[Atom], bool] = lambda atom: True) -> list[Atom]:
    """Every combination of the attributes' values that could hold a case."""
    names = list(universe)
    combinations = (dict(zip(names, values)) for values in itertools.product(*universe.values()))
    return [atom for atom in combinations if consistent(atom)]


def differences(published: list[Cell], universe: list[Atom]) -> list[Cell]:
    """The cells an attacker gets by subtraction: where a published cell narrows another published cell on one
    attribute (a filter, a year, a province, the family-facilitated column), the cases of the wider cell that
    the narrower one leaves out (the men of "all minus women", the non-family cases of a row)."""
    values: dict[str, set[str]] = {}
    for atom in universe:
        for name, value in atom.items():
            values.setdefault(name, set()).add(value)
    wheres = {c.where for c in published}
    found = []
    for c in published:
        for index, (name, admitted) in enumerate(c.where):
            wider = c.where[:index] + c.where[index + 1 :]
            if wider in wheres:
                rest = values[name] - admitted
                found.append(Cell(tuple(sorted(wider + ((name, frozenset(rest)),))), None, 0))
    return found


class Auditor:
    def __init__(self, universe: list[Atom], published: list[Cell]):
        self.universe = universe
        rows, lower, upper = [], [], []
        for c in published:
            if c.published is not None:
                rows.append(self.membership(c))
                lower.append(max(int(c.published > 0), c.published - c.bound))
                upper.append(c.published + c.bound)
            if c.listed:
                rows.append(self.membership(c))
                lower.append(1)
                upper.append(np.inf)
        self.constraints = LinearConstraint(csr_array(np.array(rows)), lower, upper)

    def membership(self, target: Cell) -> np.ndarray:
        """1 for each atom the cell counts, 0 for the others."""
        return np.array([target.counts(a) for a in self.universe], dtype=float)

    def _extreme(self, target: Cell, sign: float) -> int:
        result = milp(
            sign * self.membership(target),
            constraints=self.constraints,
            integrality=np.ones(len(self.universe)),
            bounds=Bounds(0, np.inf),
        )
        if not result.success:
            raise AssertionError(f"no counts are consistent with the published tables: {result.message}")
        return round(sign * result.fun)

    def pins(self, target: Cell, true: int) -> bool:
        """Whether everything published leaves `true` as the only possible count of `target`. The true count is
        always feasible, so the second integer program is needed only when the first extreme equals it."""
        low = self._extreme(target, 1.0)
        if low > true:
            raise AssertionError(f"the true count {true} is below the smallest feasible one, {low}")
        return low == true and self._extreme(target, -1.0) == true

    def holds(self, truth: dict[tuple[str, ...], int], attributes: list[str]) -> bool:
        """Whether the true atom counts satisfy every constraint (the auditor's model is right)."""
        x = np.array([truth.get(tuple(a[n] for n in attributes), 0) for a in self.universe], dtype=float)
        values = self.constraints.A @ x
        return bool(np.all(values >= self.constraints.lb) and np.all(values <= self.constraints.ub))
