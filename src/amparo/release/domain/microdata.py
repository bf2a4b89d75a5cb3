"""k-anonymous microdata: one row per published case, every column a quasi-identifier.

The hierarchies say how each column is coarsened when a combination of values
is too rare:

- age: year of age -> 5-year band -> 10-year band -> 20-year band -> hidden
  (bands from core.age_bands);
- department: INEI code -> macro-region (core.geography) -> hidden;
- citizenship: ISO alpha-2 -> "PE" or "foreign" -> hidden;
- sex, recruiter relationship group, family facilitation, year: value -> hidden;
- exploitation (all its 0/1 columns together, as one profile): every type ->
  the leading types, the others folded into exploitation_Other (their own
  columns left empty) -> hidden.

A hidden value is written empty. Rows that would still be in a combination of
fewer than k rows are left out (kanonymity.anonymise), at most 5% of them.
"""

import polars as pl
import pycountry

from amparo.core import age_bands, codelists, geography
from amparo.release.domain.cases import EXPLOITATION_COLUMNS, UNKNOWN
from amparo.release.domain.kanonymity import (
    Anonymisation,
    Generalised,
    Hierarchy,
    anonymise,
)

MICRODATA_COLUMNS = (
    "year",
    "sex",
    "age_band",
    "citizenship",
    "department",
    "recruiter_relationship_group",
    "family_facilitated",
    *EXPLOITATION_COLUMNS,
)
# Kept apart at the middle level of the exploitation profile; the rest fold into "Other".
LEADING_EXPLOITATION_TYPES = ("SexualExploitation", "ForcedLabour", "ChildLabour", "Servitude")
PROFILE = "exploitation"
PROFILE_SEPARATOR = "|"
# Ages are counted up to this one when measuring how much a band hides; older ones are in the open band.
OLDEST_AGE = 99
AGE_STEPS = (age_bands.FIVE_YEAR_BANDS, age_bands.TEN_YEAR_BANDS, age_bands.TWENTY_YEAR_BANDS)
FOREIGN = "foreign"
# Age is what a child-protection registry's figures turn on (minors, Peru's age bands), and its
# loss is measured over a century of ages most victims never reach: it counts double.
AGE_WEIGHT = 2.0


def _exact(value: str, level: int) -> Generalised:
    return Generalised(value, 1)


def _age(value: str, level: int) -> Generalised:
    if level == 0 or value == UNKNOWN:
        return Generalised(value, 1)
    band = next(b for b in AGE_STEPS[level - 1] if b.contains(int(value)))
    upper = OLDEST_AGE if band.upper is None else band.upper
    return Generalised(band.label, upper - band.lower + 1)


def _department(value: str, level: int) -> Generalised:
    if level == 0 or value not in geography.MACRO_REGION_OF:
        return Generalised(value, 1)
    region = geography.MACRO_REGION_OF[value]
    return Generalised(region, len(geography.MACRO_REGIONS[region]))


COUNTRIES = len(pycountry.countries)


def _citizenship(value: str, level: int) -> Generalised:
    if level == 0 or value in (UNKNOWN, "PE"):
        return Generalised(value, 1)
    return Generalised(FOREIGN, COUNTRIES - 1)


_CODES = codelists.EXPLOITATION_TYPE.values
_FOLDED = tuple(code for code in _CODES if code not in LEADING_EXPLOITATION_TYPES)


def _profile(value: str, level: int) -> Generalised:
    if level == 0:
        return Generalised(value, 1)
    flags = dict(zip(_CODES, value.split(PROFILE_SEPARATOR)))
    folded = "1" if any(flags[code] == "1" for code in _FOLDED) else "0"
    kept = {code: flags[code] for code in LEADING_EXPLOITATION_TYPES} | {"Other": folded}
    label = PROFILE_SEPARATOR.join(kept.get(code, "") for code in _CODES)
    return Generalised(label, 2 ** len(_FOLDED) - 1 if folded == "1" else 1)


def hierarchies(years: int) -> list[Hierarchy]:
    """The hierarchy of each column of the table to anonymise, in MICRODATA order (exploitation as one profile)."""
    return [
        Hierarchy("year", ("year",), _exact, years),
        Hierarchy("sex", ("sex",), _exact, len(codelists.KNOWN_GENDERS) + 1),
        Hierarchy(
            "age_band",
            ("year of age", "5-year band", "10-year band", "20-year band"),
            _age,
            OLDEST_AGE + 2,
            weight=AGE_WEIGHT,
        ),
        Hierarchy("citizenship", ("country", "Peruvian or foreign"), _citizenship, COUNTRIES + 1),
        Hierarchy("department", ("department", "macro-region"), _department, len(geography.MACRO_REGION_OF) + 1),
        Hierarchy("recruiter_relationship_group", ("group",), _exact, len(codelists.RELATIONSHIP_GROUP)),
        Hierarchy("family_facilitated", ("0/1",), _exact, 2),
        Hierarchy(PROFILE, ("every type", "leading types"), _profile, 2 ** len(_CODES)),
    ]


def quasi_identifiers(case_table: pl.DataFrame) -> pl.DataFrame:
    """The case table as the text columns the lattice search generalises."""
    return case_table.select(
        "year",
        "sex",
        pl.col("age").cast(pl.String).fill_null(UNKNOWN).alias("age_band"),
        "citizenship",
        "department",
        "recruiter_relationship_group",
        pl.col("family_facilitated").cast(pl.String),
        pl.concat_str([pl.col(c).cast(pl.String) for c in EXPLOITATION_COLUMNS], separator=PROFILE_SEPARATOR).alias(
            PROFILE
        ),
    )


def k_anonymous_microdata(
    case_table: pl.DataFrame, k: int, max_suppression: float | None = None
) -> tuple[pl.DataFrame, Anonymisation]:
    """The microdata file's rows (MICRODATA_COLUMNS, text) and the anonymisation that produced them."""
    table = quasi_identifiers(case_table)
    options = {} if max_suppression is None else {"max_suppression": max_suppression}
    result = anonymise(table, hierarchies(max(1, table["year"].n_unique())), k, **options)
    flags = pl.col(PROFILE).str.split_exact(PROFILE_SEPARATOR, len(_CODES) - 1)
    rows = (
        result.frame.with_columns(flags.struct.rename_fields(list(EXPLOITATION_COLUMNS)).alias(PROFILE))
        .unnest(PROFILE)
        .with_columns(pl.col(EXPLOITATION_COLUMNS).fill_null(""))
    )
    return rows.select(MICRODATA_COLUMNS), result


def write_microdata_csv(rows: pl.DataFrame, path) -> None:
    """The microdata file: UTF-8 CSV with a header, a hidden value as an empty field, no row identifier."""
    rows.select(MICRODATA_COLUMNS).write_csv(path, null_value="")
