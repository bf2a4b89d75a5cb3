"""Which cases a statistic covers: the one case filter (amparo.registry.case_filter) as a condition on the snapshot.

Each field selects by the keys of a dimension (amparo.stats.dimensions), so a
filter means exactly what the matching table row counts; a filter on
multi-valued data (exploitation types, recruiter relationships) selects whole
cases, so a filtered case is never counted twice.
"""

import polars as pl

from amparo.registry.case_filter import CaseFilter
from amparo.stats.dimensions import dimension
from amparo.stats.snapshot import Snapshot


def snapshot_condition(selection: CaseFilter, snapshot: Snapshot) -> pl.Expr:
    """The condition on snapshot.cases that selects the filter's cases."""
    by_dimension = (
        ("year", [str(y) for y in selection.years]),
        ("department", selection.departments),
        ("province", selection.provinces),
        ("district", selection.districts),
        ("exploitation", selection.exploitation_types),
        ("sex", selection.sexes),
        ("age_group", selection.age_groups),
        ("recruiter_relationship", selection.recruiter_relationships),
        ("source", [str(i) for i in selection.source_organisation_ids]),
        ("organised_network", selection.organised_network),
    )
    condition = pl.lit(True)
    for name, keys in by_dimension:
        if keys:
            condition &= dimension(name).selects(snapshot, keys)
    if selection.family_facilitated is not None:
        condition &= pl.col("family_facilitated") == selection.family_facilitated
    if selection.synthetic is not None:
        condition &= pl.col("is_synthetic") == selection.synthetic
    return condition
