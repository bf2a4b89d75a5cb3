"""Two years' published counts set side by side: the change and the change in percent of each key.

Counts are the published ones (perturbed, or None where disclosure control hid them): a change is worked out
from what is published only, so a hidden count gives an unknown change, never one computed from the hidden
number.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class YearChange:
    key: str
    earlier: int | None
    later: int | None
    change: int | None  # later - earlier; None when either is hidden
    percent: float | None  # change / earlier, as a share; None when unknown or the earlier count is 0


def year_change(key: str, earlier: int | None, later: int | None) -> YearChange:
    if earlier is None or later is None:
        return YearChange(key, earlier, later, None, None)
    change = later - earlier
    return YearChange(key, earlier, later, change, change / earlier if earlier else None)


def year_changes(
    earlier: Mapping[str, int | None], later: Mapping[str, int | None], order: Sequence[str] | None = None
) -> list[YearChange]:
    """One YearChange per key of either year. A key a year's table does not list counts 0 in it (tables list
    only groups with cases). Keys follow `order` (a dimension's natural order) when given, else the later
    year's count, largest first, then the earlier year's."""
    keys = set(earlier) | set(later)
    changes = {key: year_change(key, earlier.get(key, 0), later.get(key, 0)) for key in keys}
    if order is not None:
        position = {key: i for i, key in enumerate(order)}
        ranked = sorted(keys, key=lambda k: (position.get(k, len(position)), k))
    else:
        ranked = sorted(keys, key=lambda k: (_descending(changes[k].later), _descending(changes[k].earlier), k))
    return [changes[key] for key in ranked]


def _descending(count: int | None) -> tuple[bool, int]:
    """Sort key putting large counts first and hidden ones last."""
    return (count is None, -(count or 0))
