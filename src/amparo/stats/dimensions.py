"""The dimensions a case count can be broken down by, each as SQL the database groups by.

A dimension gives an expression over the Case table (a column, a band built
with Case/When from core.age_bands, or a column of a joined table), how to
turn what the database returns into a key, and the translated label of each
key. Missing values ("", NULL, no perpetrator, no exploitation recorded)
become the key "unknown".
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import CharField, F, FilteredRelation, Func, Q, Value, When
from django.db.models import Case as CaseWhen
from django.db.models.functions import Cast, Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from amparo.core import age_bands, codelists, geography
from amparo.core.countries import country_names
from amparo.registry.models import CaseCode, Organisation

UNKNOWN = "unknown"


class UnknownDimension(ValueError):
    """A dimension name the engine does not know."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"unknown dimension {name!r}; expected one of {', '.join(DIMENSIONS)}")


class RegistrationYear(Func):
    """Year of the registration date as 4-digit text, with each database's native function.

    Django's ExtractYear runs a Python function per row on SQLite; substr on the
    stored ISO date does the same work in SQLite itself.
    """

    output_field = CharField()

    def __init__(self, expression="registration_date"):
        super().__init__(F(expression))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 4)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY')", **extra)

    def as_sql(self, compiler, connection, **extra):
        if "template" not in extra:
            return Cast(ExtractYear(self.source_expressions[0]), CharField()).as_sql(compiler, connection)
        return super().as_sql(compiler, connection, **extra)


@dataclass(frozen=True)
class Dimension:
    name: str
    title: str
    expression: Callable[[], object]  # a field path or an expression over Case, None-free for multi-valued
    labels: Callable[[], dict[str, str]]  # key -> label, under the active language
    multi_valued: bool = False
    repeats_per_case: bool = False  # a case can join the same value twice (two perpetrators who are parents)
    relations: Callable[[], dict[str, FilteredRelation]] = field(default=dict)
    ordered: bool = False  # keys have a natural order (years, age bands, codelists)
    order: Callable[[], list[str]] = field(default=list)

    key_of: Callable[[object], str] | None = None  # raw database value -> key, when not its text

    def key(self, raw) -> str:
        if self.key_of is not None:
            return self.key_of(raw)
        return UNKNOWN if raw in (None, "") else str(raw)

    def label(self, key: str) -> str:
        return self.labels().get(key, key)


def _unknown_label() -> dict[str, str]:
    return {UNKNOWN: str(_("Unknown"))}


def _codelist_labels(codelist: codelists.Codelist) -> Callable[[], dict[str, str]]:
    return lambda: {**_unknown_label(), **{c.code: str(c.label) for c in codelist}}


def _codelist_order(codelist: codelists.Codelist) -> Callable[[], list[str]]:
    return lambda: [*codelist.values, *([] if UNKNOWN in codelist else [UNKNOWN])]


def _band_expression(bands: tuple[age_bands.AgeBand, ...]) -> Callable[[], CaseWhen]:
    def expression():
        whens = [
            When(Q(age_when_trafficked__gte=b.lower)
                 & (Q() if b.upper is None else Q(age_when_trafficked__lte=b.upper)), then=Value(b.label))
            for b in bands
        ]
        return CaseWhen(*whens, default=Value(UNKNOWN), output_field=CharField())
    return expression


def _band_labels(bands) -> Callable[[], dict[str, str]]:
    return lambda: {**{b.label: b.label for b in bands}, **_unknown_label()}


def _place_labels(level: str) -> Callable[[], dict[str, str]]:
    listing = {
        "department": geography.departments, "province": geography.provinces, "district": geography.districts,
    }[level]
    return lambda: {**{p.ubigeo: p.name for p in listing()}, **_unknown_label()}


LIMA_AREAS = ("metropolitana", "provincias", "callao", "rest_of_peru")


def _lima_area_expression():
    return CaseWhen(
        When(department_code=geography.CALLAO, then=Value("callao")),
        When(province_code=geography.LIMA_METROPOLITANA, then=Value("metropolitana")),
        When(department_code=geography.LIMA_DEPARTMENT, then=Value("provincias")),
        When(department_code="", then=Value(UNKNOWN)),
        default=Value("rest_of_peru"),
        output_field=CharField(),
    )


def _lima_area_labels():
    return {
        "metropolitana": str(_("Lima Metropolitana")),
        "provincias": str(_("Rest of Lima department")),
        "callao": str(_("Callao")),
        "rest_of_peru": str(_("Rest of Peru")),
        **_unknown_label(),
    }


def _minor_expression():
    return CaseWhen(
        When(age_when_trafficked__lt=age_bands.ADULT_AGE, then=Value("minor")),
        When(age_when_trafficked__gte=age_bands.ADULT_AGE, then=Value("adult")),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def _relationship_group_expression():
    groups = {}
    for relationship in codelists.RELATIONSHIPS:
        groups.setdefault(relationship.group, []).append(relationship.code)
    return CaseWhen(
        *(When(perpetrators__relationship__in=codes, then=Value(group)) for group, codes in groups.items()),
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def _citizenship_labels():
    return {**country_names(), **_unknown_label()}


def _source_labels():
    return {str(pk): name for pk, name in Organisation.objects.values_list("pk", "name")} | _unknown_label()


def _exploitation_relation():
    condition = Q(coded_values__field=CaseCode.Field.EXPLOITATION)
    return {"exploitation_code": FilteredRelation("coded_values", condition=condition)}


def _yes_no_labels():
    return {"yes": str(_("Yes")), "no": str(_("No"))}


DIMENSIONS: dict[str, Dimension] = {d.name: d for d in (
    Dimension("year", _("Year"), lambda: RegistrationYear(), dict, ordered=True),
    Dimension("department", _("Department"), lambda: "department_code", _place_labels("department")),
    Dimension("lima_area", _("Lima and Callao"), _lima_area_expression, _lima_area_labels, ordered=True,
              order=lambda: [*LIMA_AREAS, UNKNOWN]),
    Dimension("province", _("Province"), lambda: "province_code", _place_labels("province")),
    Dimension("district", _("District"), lambda: "district_code", _place_labels("district")),
    Dimension("exploitation", _("Type of exploitation"), lambda: Coalesce(F("exploitation_code__code"), Value(UNKNOWN)),
              _codelist_labels(codelists.EXPLOITATION_TYPE), multi_valued=True, relations=_exploitation_relation),
    Dimension("sex", _("Sex"), lambda: "victim__gender", _codelist_labels(codelists.GENDER), ordered=True,
              order=_codelist_order(codelists.GENDER)),
    Dimension("age_group", _("Age group"), _band_expression(age_bands.PERU_BANDS), _band_labels(age_bands.PERU_BANDS),
              ordered=True, order=lambda: [b.label for b in age_bands.PERU_BANDS] + [UNKNOWN]),
    Dimension("age_broad", _("Age (CTDC bands)"), _band_expression(age_bands.CTDC_AGE_BROAD),
              _band_labels(age_bands.CTDC_AGE_BROAD), ordered=True,
              order=lambda: [b.label for b in age_bands.CTDC_AGE_BROAD] + [UNKNOWN]),
    Dimension("minor", _("Minor or adult"), _minor_expression,
              lambda: {"minor": str(_("Minor")), "adult": str(_("Adult")), **_unknown_label()}, ordered=True,
              order=lambda: ["minor", "adult", UNKNOWN]),
    Dimension("citizenship", _("Citizenship"), lambda: "victim__citizenship", _citizenship_labels),
    Dimension("recruiter_relationship", _("Recruiter's relationship to the victim"),
              lambda: Coalesce(F("perpetrators__relationship"), Value(UNKNOWN)),
              _codelist_labels(codelists.RECRUITER_RELATIONSHIP), multi_valued=True, repeats_per_case=True,
              ordered=True, order=_codelist_order(codelists.RECRUITER_RELATIONSHIP)),
    Dimension("relationship_group", _("Recruiter's relationship (group)"), _relationship_group_expression,
              _codelist_labels(codelists.RELATIONSHIP_GROUP), multi_valued=True, repeats_per_case=True,
              ordered=True, order=_codelist_order(codelists.RELATIONSHIP_GROUP)),
    Dimension("family_facilitated", _("Family-facilitated"), lambda: "family_facilitated", _yes_no_labels,
              ordered=True, order=lambda: ["yes", "no"], key_of=lambda raw: "yes" if raw else "no"),
    Dimension("organised_network", _("Organised network involved"), lambda: "organised_network",
              _codelist_labels(codelists.ORGANISED_NETWORK), ordered=True,
              order=_codelist_order(codelists.ORGANISED_NETWORK)),
    Dimension("trafficking_status", _("Trafficking status"), lambda: "trafficking_status",
              _codelist_labels(codelists.TRAFFICKING_STATUS), ordered=True,
              order=_codelist_order(codelists.TRAFFICKING_STATUS)),
    Dimension("source", _("Source organisation"), lambda: "source_organisation_id", _source_labels),
)}


def dimension(name: str) -> Dimension:
    try:
        return DIMENSIONS[name]
    except KeyError:
        raise UnknownDimension(name) from None
