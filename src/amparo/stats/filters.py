"""Which cases a statistic covers: a plain filter turned into one condition on the snapshot.

Each field selects by the keys of a dimension (amparo.stats.dimensions), so a
filter means exactly what the matching table row counts; a filter on
multi-valued data (exploitation types, recruiter relationships) selects whole
cases, so a filtered case is never counted twice.
"""

from dataclasses import dataclass

import polars as pl

from amparo.core import age_bands
from amparo.stats.dimensions import UNKNOWN, dimension
from amparo.stats.snapshot import Snapshot


@dataclass(frozen=True)
class CaseFilter:
    """A selection of cases; an empty field means "no condition".

    Place codes are INEI ubigeo codes ("unknown" selects cases with no place);
    age groups are Peru band labels ("0-12", ..., "35+", "unknown"); sexes,
    exploitation types and relationships are codelist codes.
    """

    years: tuple[int, ...] = ()
    departments: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    exploitation_types: tuple[str, ...] = ()
    sexes: tuple[str, ...] = ()
    age_groups: tuple[str, ...] = ()
    recruiter_relationships: tuple[str, ...] = ()
    source_organisation_ids: tuple[int, ...] = ()
    family_facilitated: bool | None = None
    organised_network: tuple[str, ...] = ()
    synthetic: bool | None = None  # None: real and synthetic cases alike

    def expression(self, snapshot: Snapshot) -> pl.Expr:
        """The condition on snapshot.cases."""
        _check_age_groups(self.age_groups)
        by_dimension = (
            ("year", [str(y) for y in self.years]), ("department", self.departments), ("province", self.provinces),
            ("district", self.districts), ("exploitation", self.exploitation_types), ("sex", self.sexes),
            ("age_group", self.age_groups), ("recruiter_relationship", self.recruiter_relationships),
            ("source", [str(i) for i in self.source_organisation_ids]),
            ("organised_network", self.organised_network),
        )
        condition = pl.lit(True)
        for name, keys in by_dimension:
            if keys:
                condition &= dimension(name).selects(snapshot, keys)
        if self.family_facilitated is not None:
            condition &= pl.col("family_facilitated") == self.family_facilitated
        if self.synthetic is not None:
            condition &= pl.col("is_synthetic") == self.synthetic
        return condition


def _check_age_groups(labels: tuple[str, ...]) -> None:
    known = [b.label for b in age_bands.PERU_BANDS] + [UNKNOWN]
    for label in labels:
        if label not in known:
            raise ValueError(f"unknown age group {label!r}; expected one of " + ", ".join(known))
