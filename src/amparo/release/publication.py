"""What the public site shows of a release: its tables, charts, map and sentences, read from the release only.

Everything here is computed from what the release stores (its differentially private tables and its
accuracy), never from the live registry, so a published page says the same thing however the registry
changes after approval. Labels and sentences follow the reader's language.
"""

from dataclasses import dataclass

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from amparo.core import geography
from amparo.release.domain.dp_tables import OTHER
from amparo.release.models import Release
from amparo.reports.domain.charts import Bar, bar_chart
from amparo.reports.domain.choropleth import choropleth, peru_departments
from amparo.reports.domain.colours import count_scale
from amparo.reports.domain.numbers import format_decimal, format_int, format_percent
from amparo.reports.sentences import annual_sentences
from amparo.stats.dimensions import DIMENSIONS, UNKNOWN
from amparo.stats.engine import Headline, Row, Table

# The release's dimension names, and the statistics dimension whose labels they share.
LABELS_OF = {
    "department": "department",
    "sex": "sex",
    "age_group": "age_group",
    "citizenship": "citizenship",
    "family_facilitated": "family_facilitated",
    "recruiter_relationship_group": "relationship_group",
    "exploitation": "exploitation",
}
TITLES = {
    "department": _("Cases by department"),
    "sex": _("Cases by sex"),
    "age_group": _("Cases by age group"),
    "citizenship": _("Cases by citizenship"),
    "family_facilitated": _("Cases facilitated by family members"),
    "recruiter_relationship_group": _("Cases by the recruiter's relationship to the victim"),
    "exploitation": _("Cases by type of exploitation"),
    "department_relationship": _("Department by the recruiter's relationship to the victim"),
    "department_exploitation": _("Department by type of exploitation"),
    "age_exploitation": _("Age group by type of exploitation"),
    "family_department_exploitation": _("Family-facilitated cases: department by type of exploitation"),
}
# The microdata's columns and the levels of generalisation release.json names, as a reader says them.
COLUMN_NAMES = {
    "year": _("Year"),
    "sex": _("Sex"),
    "age_band": _("Age"),
    "citizenship": _("Citizenship"),
    "department": _("Department"),
    "recruiter_relationship_group": _("Recruiter's relationship (group)"),
    "family_facilitated": _("Family-facilitated"),
    "exploitation": _("Type of exploitation"),
}
LEVEL_NAMES = {
    "year": _("as recorded"),
    "group": _("as recorded"),
    "0/1": _("as recorded"),
    "every type": _("as recorded"),
    "year of age": _("year of age"),
    "5-year band": _("5-year bands"),
    "10-year band": _("10-year bands"),
    "20-year band": _("20-year bands"),
    "country": _("country"),
    "Peruvian or foreign": _("Peruvian or foreign"),
    "department": _("department"),
    "macro-region": _("macro-region"),
    "leading types": _("the four leading types, the others together"),
    "suppressed": _("hidden"),
}
# A case may have several types of exploitation, so those tables add up to more than the cases.
SEVERAL_PER_CASE = {"exploitation", "department_exploitation", "age_exploitation", "family_department_exploitation"}


def _lang() -> str:
    return get_language() or "en"


def _labels(dimension: str) -> dict[str, str]:
    labels = DIMENSIONS[LABELS_OF[dimension]].labels()
    if dimension == "citizenship":
        labels[OTHER] = gettext("Other countries")
    return labels


@dataclass(frozen=True)
class PublicTable:
    slug: str
    title: str
    dimensions: tuple[str, ...]
    error_bound: int
    several_per_case: bool
    column_labels: tuple[str, ...]  # a cross-table's columns; empty for a one-way table
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (label, counts as printed)
    chart: str  # SVG, one-way tables only


def _one_way(table: dict, lang: str) -> PublicTable:
    dimension = table["dimensions"][0]
    labels, bound = _labels(dimension), table["error_bound_95"]
    rows = [(labels.get(row[dimension], row[dimension]), row["count"]) for row in table["rows"]]
    title = str(TITLES[table["slug"]])
    bars = [
        Bar(label, count, f"{format_int(count, lang)} ± {format_int(bound, lang)}")
        for label, count in sorted(rows, key=lambda r: -r[1])
        if count
    ]
    chart = bar_chart(bars, title=title, ident=f"chart-{table['slug']}", empty_text=gettext("no cases"))
    return PublicTable(
        table["slug"],
        title,
        (dimension,),
        bound,
        table["slug"] in SEVERAL_PER_CASE,
        (),
        tuple((label, (format_int(count, lang),)) for label, count in rows),
        chart,
    )


def _cross(table: dict, lang: str) -> PublicTable:
    """Rows of the first dimension, columns of the second; rows and columns that are zero throughout are left
    out (a reading aid: the counts themselves are published in full in tables.json)."""
    first, second = table["dimensions"]
    row_keys = list(dict.fromkeys(r[first] for r in table["rows"]))
    column_keys = list(dict.fromkeys(r[second] for r in table["rows"]))
    counts = {(r[first], r[second]): r["count"] for r in table["rows"]}
    row_keys = [k for k in row_keys if any(counts[(k, c)] for c in column_keys)]
    column_keys = [c for c in column_keys if any(counts[(k, c)] for k in row_keys)]
    row_labels, column_labels = _labels(first), _labels(second)
    return PublicTable(
        table["slug"],
        str(TITLES[table["slug"]]),
        (first, second),
        table["error_bound_95"],
        table["slug"] in SEVERAL_PER_CASE,
        tuple(column_labels.get(c, c) for c in column_keys),
        tuple((row_labels.get(k, k), tuple(format_int(counts[(k, c)], lang) for c in column_keys)) for k in row_keys),
        "",
    )


def public_tables(release: Release) -> list[PublicTable]:
    lang = _lang()
    return [_one_way(t, lang) if len(t["dimensions"]) == 1 else _cross(t, lang) for t in release.tables["tables"]]


def _table(release: Release, slug: str) -> dict:
    return next(t for t in release.tables["tables"] if t["slug"] == slug)


def department_table(release: Release) -> Table:
    """The release's department counts as a statistics table, so the report's sentences can be written from it."""
    total, labels = release.tables["total"], _labels("department")
    rows = tuple(
        Row(
            key=r["department"],
            label=labels.get(r["department"], r["department"]),
            count=r["count"],
            share=r["count"] / total if total else None,
            ci_low=None,
            ci_high=None,
            family_facilitated=None,
        )
        for r in _table(release, "department")["rows"]
    )
    return Table(dimension="department", unit=release.unit, total=total, family_facilitated_total=None, rows=rows)


def release_sentences(release: Release) -> list[str]:
    """The report's sentences, from the release's noisy counts, and how far those counts may be from the truth."""
    total = release.tables["total"]
    family = next(r["count"] for r in _table(release, "family_facilitated")["rows"] if r["family_facilitated"] == "yes")
    headline = Headline(
        unit=release.unit,
        total=total,
        family_facilitated=family,
        family_facilitated_share=family / total if total else None,
        family_facilitated_ci=None,
        top_departments=(),
        organised_network_yes=None,
        organised_network_known=None,
        departments=department_table(release),
    )
    lang = _lang()
    sentences = annual_sentences(release.year, headline)
    sentences.append(
        gettext(
            "Every figure carries random noise that protects the children it counts: the total is within "
            "%(total_bound)s cases of the true count, and each other count within %(bound)s cases, with 95%% probability."
        )
        % {
            "total_bound": format_int(release.tables["total_error_bound_95"], lang),
            "bound": format_int(_table(release, "department")["error_bound_95"], lang),
        }
    )
    return sentences


def department_map(release: Release) -> str:
    """The map of the release's department counts on Peru's department boundaries: a release counts Lima
    Metropolitana within Lima, as the boundaries draw it."""
    lang = _lang()
    values = {r["department"]: r["count"] for r in _table(release, "department")["rows"] if r["department"] != UNKNOWN}
    names = {p.ubigeo: p.name for p in geography.departments()}

    def as_count(value):
        return format_int(int(value), lang)

    return choropleth(
        peru_departments(),
        values,
        names=names,
        scale=count_scale(list(values.values())),
        title=gettext("Cases by department"),
        ident="map-cases",
        format_value=as_count,
        format_bound=as_count,
        zero_label=gettext("no cases"),
        hidden_label=gettext("hidden"),
    )


def accuracy_facts(release: Release) -> dict:
    """The accuracy of the release's three outputs, as the methods page and the year page print it."""
    lang = _lang()
    microdata, synthetic = release.accuracy["microdata"], release.accuracy["synthetic"]
    errors = {e["columns"]: e for e in synthetic["marginal_errors"]}
    return {
        "epsilon_tables": format_decimal(release.parameters["epsilon_tables"], lang),
        "epsilon_synthetic": format_decimal(release.parameters["epsilon_synthetic"], lang),
        "epsilon_spent": format_decimal(release.epsilon_spent, lang),
        "k": release.parameters["k"],
        "total_bound": format_int(release.tables["total_error_bound_95"], lang),
        "cell_bound": format_int(_table(release, "department")["error_bound_95"], lang),
        "rows_published": format_int(microdata["rows_published"], lang),
        "rows_suppressed": format_int(microdata["rows_suppressed"], lang),
        "suppressed_share": format_percent(microdata["suppressed_share"], lang, 1),
        "information_loss": format_percent(microdata["information_loss"], lang),
        "generalisation": [
            (str(COLUMN_NAMES.get(column, column)), str(LEVEL_NAMES.get(level, level)))
            for column, level in microdata["generalisation"].items()
        ],
        "synthetic_rows": format_int(synthetic["rows"], lang),
        "synthetic_errors": [
            {
                "columns": columns,
                "tvd": format_decimal(errors[columns]["total_variation_distance"], lang, 3),
                "cell_error": format_decimal(errors[columns]["mean_absolute_error_per_cell"], lang),
            }
            for columns in sorted(errors)
        ],
    }
