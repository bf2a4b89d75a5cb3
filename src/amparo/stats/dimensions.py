"""The dimensions a case count can be broken down by, each as a Polars expression over the snapshot.

A single-valued dimension gives, for each case of ``snapshot.cases``, its key:
a column, a band from core.age_bands, a class of place. A multi-valued one
(exploitation types, recruiter relationships) gives (id, key) pairs, one per
distinct value of a case. Missing values ("", NULL, no perpetrator, no
exploitation recorded) become the key "unknown". Filters select by the same
keys, so a dimension is defined once for counting and for filtering.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
from django.utils.translation import gettext_lazy as _

from amparo.core import age_bands, codelists, geography
from amparo.core.countries import country_names
from amparo.registry.models import Organisation
from amparo.stats.snapshot import Snapshot

UNKNOWN = "unknown"


class UnknownDimension(ValueError):
    """A dimension name the engine does not know."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"unknown dimension {name!r}; expected one of {', '.join(DIMENSIONS)}")


@dataclass(frozen=True)
class Dimension:
    name: str
    title: str
    labels: Callable[[], dict[str, str]]  # key -> label, under the active language
    key: Callable[[], pl.Expr] | None = None  # single-valued: each case's key, over snapshot.cases
    pairs: Callable[[Snapshot], pl.DataFrame] | None = None  # multi-valued: distinct (id, key) per case with values
    ordered: bool = False  # keys have a natural order (years, age bands, codelists)
    order: Callable[[], list[str]] = field(default=list)
    note: str = ""  # what a reader of its tables must know to read them right

    @property
    def multi_valued(self) -> bool:
        return self.pairs is not None

    @property
    def columns(self) -> set[str]:
        """The columns of snapshot.cases a single-valued key is made from."""
        return set(self.key().meta.root_names())

    def cases_by_key(self, snapshot: Snapshot) -> pl.DataFrame:
        """snapshot.cases with a "key" column, one row per distinct value of a multi-valued dimension
        ("unknown" for a case that has none); kept with the snapshot, so filters apply to it directly."""

        def compute(current: Snapshot) -> pl.DataFrame:
            joined = current.cases.join(self.distinct_pairs(current), on="id", how="left")
            return joined.with_columns(pl.col("key").fill_null(UNKNOWN))

        return snapshot.derived(f"cases:{self.name}", compute)

    def distinct_pairs(self, snapshot: Snapshot) -> pl.DataFrame:
        return snapshot.derived(f"pairs:{self.name}", self.pairs)

    def selects(self, snapshot: Snapshot, keys) -> pl.Expr:
        """The condition on snapshot.cases that a case has one of these keys."""
        keys = list(keys)
        if self.pairs is None:
            return self.key().is_in(keys)
        pairs = self.distinct_pairs(snapshot)
        condition = pl.col("id").is_in(pairs.filter(pl.col("key").is_in(keys))["id"].unique().implode())
        if UNKNOWN in keys:
            condition |= ~pl.col("id").is_in(pairs["id"].unique().implode())
        return condition

    def label(self, key: str) -> str:
        return self.labels().get(key, key)


def _unknown_label() -> dict[str, str]:
    return {UNKNOWN: str(_("Unknown"))}


def _codelist_labels(codelist: codelists.Codelist) -> Callable[[], dict[str, str]]:
    return lambda: {**_unknown_label(), **{c.code: str(c.label) for c in codelist}}


def _codelist_order(codelist: codelists.Codelist) -> Callable[[], list[str]]:
    return lambda: [*codelist.values, *([] if UNKNOWN in codelist else [UNKNOWN])]


def _known(column: str) -> pl.Expr:
    """A text column as a key: empty or missing is "unknown"."""
    return pl.when(pl.col(column).is_null() | (pl.col(column) == "")).then(pl.lit(UNKNOWN)).otherwise(pl.col(column))


def _band_expression(bands: tuple[age_bands.AgeBand, ...]) -> Callable[[], pl.Expr]:
    def expression():
        age = pl.col("age")
        band = pl.lit(UNKNOWN)
        for b in reversed(bands):
            inside = (age >= b.lower) if b.upper is None else age.is_between(b.lower, b.upper)
            band = pl.when(inside).then(pl.lit(b.label)).otherwise(band)
        return band

    return expression


def _band_labels(bands) -> Callable[[], dict[str, str]]:
    return lambda: {**{b.label: b.label for b in bands}, **_unknown_label()}


def _place_labels(level: str) -> Callable[[], dict[str, str]]:
    listing = {
        "department": geography.departments,
        "province": geography.provinces,
        "district": geography.districts,
    }[level]
    return lambda: {**{p.ubigeo: p.name for p in listing()}, **_unknown_label()}


# A case's place is chosen by registry.records.case_place; a table by place says how.
PLACE_NOTE = _(
    "A case is placed where the victim was exploited in Peru; a case exploited abroad, or with no place of "
    "exploitation recorded, is placed where the victim was moved through or recruited in Peru."
)

ABROAD = "abroad"


def _route_expression(prefix: str) -> Callable[[], pl.Expr]:
    """The department where a case's victim was recruited (or exploited), "abroad" when only a place in
    another country is recorded, "unknown" when none is (see snapshot.routes)."""

    def expression():
        department = pl.col(f"{prefix}_department")
        return (
            pl.when(department.is_not_null() & (department != ""))
            .then(department.cast(pl.String))
            .when(pl.col(f"{prefix}_abroad"))
            .then(pl.lit(ABROAD))
            .otherwise(pl.lit(UNKNOWN))
        )

    return expression


def _route_labels():
    return {**_place_labels("department")(), ABROAD: str(_("Abroad"))}


RECRUITMENT_NOTE = _(
    "A case is placed where the victim was recruited, as recorded by its recruitment event: the most precise "
    "place in Peru, or abroad when only a place in another country is recorded."
)
EXPLOITATION_PLACE_NOTE = _(
    "A case is placed where the victim was exploited, as recorded by its exploitation event: the most precise "
    "place in Peru, or abroad when only a place in another country is recorded."
)

LIMA_AREAS = ("metropolitana", "provincias", "callao", "rest_of_peru")


def _lima_area_expression():
    """Callao, Lima Metropolitana (province 1501), the rest of Lima department, the rest of Peru. A case known
    only as "Lima", with no province, may be in Lima Metropolitana or not: it is unknown, as is no place."""
    department, province = pl.col("department_code"), pl.col("province_code")
    return (
        pl.when(department == geography.CALLAO)
        .then(pl.lit("callao"))
        .when(province == geography.LIMA_METROPOLITANA)
        .then(pl.lit("metropolitana"))
        .when((department == geography.LIMA_DEPARTMENT) & province.is_not_null() & (province != ""))
        .then(pl.lit("provincias"))
        .when(department.is_null() | department.is_in(["", geography.LIMA_DEPARTMENT]))
        .then(pl.lit(UNKNOWN))
        .otherwise(pl.lit("rest_of_peru"))
    )


def _lima_area_labels():
    return {
        "metropolitana": str(_("Lima Metropolitana")),
        "provincias": str(_("Rest of Lima department")),
        "callao": str(_("Callao")),
        "rest_of_peru": str(_("Rest of Peru")),
        **_unknown_label(),
    }


def _sex_expression():
    """The victim's sex; empty and the standard's own "not specified / unknown" are the one "unknown"."""
    gender = pl.col("gender")
    return (
        pl.when(gender.is_null() | gender.is_in(["", codelists.GENDER_UNKNOWN]))
        .then(pl.lit(UNKNOWN))
        .otherwise(gender.cast(pl.String))
    )


def _sex_labels():
    """Labels of the keys in display order; the standard's unknown code keeps its label for releases that
    counted it apart."""
    labels = {code: str(codelists.GENDER.label(code)) for code in codelists.KNOWN_GENDERS}
    unknown = str(codelists.GENDER.label(codelists.GENDER_UNKNOWN))
    return {**labels, UNKNOWN: unknown, codelists.GENDER_UNKNOWN: unknown}


def _minor_expression():
    age = pl.col("age")
    return (
        pl.when(age < age_bands.ADULT_AGE)
        .then(pl.lit("minor"))
        .when(age >= age_bands.ADULT_AGE)
        .then(pl.lit("adult"))
        .otherwise(pl.lit(UNKNOWN))
    )


def _exploitation_pairs(snapshot: Snapshot) -> pl.DataFrame:
    return snapshot.exploitation.rename({"code": "key"})


def _relationship_pairs(snapshot: Snapshot) -> pl.DataFrame:
    return snapshot.relationships.rename({"code": "key"})


def _relationship_group_pairs(snapshot: Snapshot) -> pl.DataFrame:
    group = {r.code: r.group for r in codelists.RELATIONSHIPS}
    pairs = snapshot.relationships.select("id", pl.col("code").replace_strict(group, default=UNKNOWN).alias("key"))
    return pairs.unique().sort("id")  # two relatives are one "family"; sorted like snapshot.cases: faster joins


def _citizenship_labels():
    return {**country_names(), **_unknown_label()}


def _source_labels():
    return {str(pk): name for pk, name in Organisation.objects.values_list("pk", "name")} | _unknown_label()


def _yes_no_labels():
    return {"yes": str(_("Yes")), "no": str(_("No"))}


DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension("year", _("Year"), dict, key=lambda: pl.col("year"), ordered=True),
        Dimension(
            "department",
            _("Department"),
            _place_labels("department"),
            key=lambda: _known("department_code"),
            note=PLACE_NOTE,
        ),
        Dimension(
            "lima_area",
            _("Lima and Callao"),
            _lima_area_labels,
            key=_lima_area_expression,
            ordered=True,
            order=lambda: [*LIMA_AREAS, UNKNOWN],
            note=PLACE_NOTE,
        ),
        Dimension(
            "province", _("Province"), _place_labels("province"), key=lambda: _known("province_code"), note=PLACE_NOTE
        ),
        Dimension(
            "district", _("District"), _place_labels("district"), key=lambda: _known("district_code"), note=PLACE_NOTE
        ),
        Dimension(
            "recruitment_department",
            _("Department of recruitment"),
            _route_labels,
            key=_route_expression("recruitment"),
            note=RECRUITMENT_NOTE,
        ),
        Dimension(
            "exploitation_department",
            _("Department of exploitation"),
            _route_labels,
            key=_route_expression("exploitation"),
            note=EXPLOITATION_PLACE_NOTE,
        ),
        Dimension(
            "exploitation",
            _("Type of exploitation"),
            _codelist_labels(codelists.EXPLOITATION_TYPE),
            pairs=_exploitation_pairs,
        ),
        Dimension(
            "sex",
            _("Sex"),
            _sex_labels,
            key=_sex_expression,
            ordered=True,
            order=lambda: [*codelists.KNOWN_GENDERS, UNKNOWN],
        ),
        Dimension(
            "age_group",
            _("Age group"),
            _band_labels(age_bands.PERU_BANDS),
            key=_band_expression(age_bands.PERU_BANDS),
            ordered=True,
            order=lambda: [b.label for b in age_bands.PERU_BANDS] + [UNKNOWN],
        ),
        Dimension(
            "age_broad",
            _("Age (CTDC bands)"),
            _band_labels(age_bands.CTDC_AGE_BROAD),
            key=_band_expression(age_bands.CTDC_AGE_BROAD),
            ordered=True,
            order=lambda: [b.label for b in age_bands.CTDC_AGE_BROAD] + [UNKNOWN],
        ),
        Dimension(
            "minor",
            _("Minor or adult"),
            lambda: {"minor": str(_("Minor")), "adult": str(_("Adult")), **_unknown_label()},
            key=_minor_expression,
            ordered=True,
            order=lambda: ["minor", "adult", UNKNOWN],
        ),
        Dimension("citizenship", _("Citizenship"), _citizenship_labels, key=lambda: _known("citizenship")),
        Dimension(
            "recruiter_relationship",
            _("Recruiter's relationship to the victim"),
            _codelist_labels(codelists.RECRUITER_RELATIONSHIP),
            pairs=_relationship_pairs,
            ordered=True,
            order=_codelist_order(codelists.RECRUITER_RELATIONSHIP),
        ),
        Dimension(
            "relationship_group",
            _("Recruiter's relationship (group)"),
            _codelist_labels(codelists.RELATIONSHIP_GROUP),
            pairs=_relationship_group_pairs,
            ordered=True,
            order=_codelist_order(codelists.RELATIONSHIP_GROUP),
        ),
        Dimension(
            "family_facilitated",
            _("Family-facilitated"),
            _yes_no_labels,
            key=lambda: pl.when(pl.col("family_facilitated")).then(pl.lit("yes")).otherwise(pl.lit("no")),
            ordered=True,
            order=lambda: ["yes", "no"],
        ),
        Dimension(
            "organised_network",
            _("Organised network involved"),
            _codelist_labels(codelists.ORGANISED_NETWORK),
            key=lambda: _known("organised_network"),
            ordered=True,
            order=_codelist_order(codelists.ORGANISED_NETWORK),
        ),
        Dimension(
            "trafficking_status",
            _("Trafficking status"),
            _codelist_labels(codelists.TRAFFICKING_STATUS),
            key=lambda: _known("trafficking_status"),
            ordered=True,
            order=_codelist_order(codelists.TRAFFICKING_STATUS),
        ),
        Dimension(
            "source",
            _("Source organisation"),
            _source_labels,
            key=lambda: pl.col("source_organisation_id").cast(pl.String),
        ),
    )
}


def dimension(name: str) -> Dimension:
    try:
        return DIMENSIONS[name]
    except KeyError:
        raise UnknownDimension(name) from None
