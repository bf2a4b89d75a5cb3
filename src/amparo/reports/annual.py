"""The annual report: every figure of a year, from the statistics engine, in one plain object.

The writers (HTML, XLSX, JSON, Markdown) only print what this builds, so the
command, the web download and the tests read the same numbers.
"""

from dataclasses import replace

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from amparo.linkage.selectors import latest_run, linked_sources
from amparo.registry.case_filter import provenance
from amparo.reports.domain.choropleth import Department
from amparo.reports.domain.presentation import AnnualReport, Figure
from amparo.reports.maps import BOUNDARIES, boundaries_for, department_maps
from amparo.reports.sentences import annual_sentences, linkage_sentence
from amparo.reports.tables import hidden_text, report_crosstab, report_table, unit_label
from amparo.reports.trend import trend
from amparo.stats import engine
from amparo.stats.engine import CaseFilter
from amparo.stats.presentation import protection_note

# One-way tables of the report, in reading order.
REPORT_DIMENSIONS = (
    "department",
    "lima_area",
    "exploitation",
    "sex",
    "age_group",
    "minor",
    "age_broad",
    "citizenship",
    "recruiter_relationship",
    "relationship_group",
    "family_facilitated",
    "organised_network",
    "trafficking_status",
    "source",
)


def _crosstabs(filters: CaseFilter, unit: str, suppress):
    yield report_crosstab(
        engine.crosstab("department", "exploitation", filters, unit, suppress=suppress),
        slug="department-exploitation",
        title=gettext("Department and type of exploitation"),
        definition=gettext("Cases by department and type of exploitation."),
    )
    yield report_crosstab(
        engine.crosstab(
            "department", "exploitation", replace(filters, family_facilitated=True), unit, suppress=suppress
        ),
        slug="family-department-exploitation",
        title=gettext("Family-facilitated cases by department and type of exploitation"),
        definition=gettext(
            "Cases in which a relative or household member took part, by department and type of exploitation."
        ),
    )
    yield report_crosstab(
        engine.crosstab("department", "relationship_group", filters, unit, suppress=suppress),
        slug="department-relationship",
        title=gettext("Department and recruiter's relationship"),
        definition=gettext("Cases by department and the recruiter's relationship to the victim (grouped)."),
    )
    yield report_crosstab(
        engine.crosstab("age_group", "exploitation", filters, unit, suppress=suppress),
        slug="age-exploitation",
        title=gettext("Age group and type of exploitation"),
        definition=gettext("Cases by the victim's age group when trafficked and type of exploitation."),
    )


def _figures(headline: engine.Headline, unit: str) -> tuple[Figure, ...]:
    network_share = None
    if headline.organised_network_known and headline.organised_network_yes is not None:
        network_share = headline.organised_network_yes / headline.organised_network_known
    return (
        Figure(
            "total",
            gettext("Cases registered"),
            headline.total,
            "count",
            gettext("Cases (reports) registered in the year, by registration date."),
        )
        if unit == "cases"
        else Figure(
            "total",
            gettext("Victims registered"),
            headline.total,
            "count",
            gettext("Unique persons with a case registered in the year, by registration date."),
        ),
        Figure(
            "family_facilitated",
            gettext("Family-facilitated cases"),
            headline.family_facilitated,
            "count",
            gettext("Cases in which a relative or a member of the victim's household took part."),
        ),
        Figure(
            "family_facilitated_share",
            gettext("Family-facilitated share"),
            headline.family_facilitated_share,
            "share",
            gettext("Family-facilitated cases divided by all cases, with its Wilson confidence interval (95%)."),
            headline.family_facilitated_ci,
        ),
        Figure(
            "organised_network_share",
            gettext("Organised network involved"),
            network_share,
            "share",
            gettext("Cases with an organised network involved, among the cases where this is known."),
        ),
    )


def build_annual_report(
    *,
    year: int,
    lang: str,
    suppress: bool | int = True,
    unit: str = "cases",
    map_kind: str = BOUNDARIES,
    boundaries: tuple[Department, ...] | None = None,
    filters: CaseFilter | None = None,
) -> AnnualReport:
    """Every table, chart, map and sentence of one year, in one language, protected as ``suppress`` asks
    (engine.protection: True, the default, perturbs every figure by the cell-key method).

    The maps are drawn on department boundaries (`boundaries`, else the ones Amparo ships) or, with
    map_kind "tiles", on the tile grid."""
    drawn_on = boundaries_for(map_kind, boundaries)
    base = replace(filters or CaseFilter(), years=(year,))
    protection = engine.protection(suppress)
    with translation.override(lang), engine.at_one_revision() as revision:
        tables = {name: engine.count_by(name, base, unit, suppress=suppress) for name in REPORT_DIMENSIONS}
        headline = engine.headline(base, unit, suppress=suppress)
        report_tables = [report_table(t, slug=name.replace("_", "-")) for name, t in tables.items()]
        report_tables += list(_crosstabs(base, unit, suppress))
        by_year = trend(base, unit, suppress=suppress, until=year)
        report_tables.append(by_year.table)
        notes = [protection_note(protection)]
        linkage = latest_run()
        sentences = annual_sentences(year, headline)
        if unit == "cases":
            notes.append(
                gettext(
                    "Each case is one report by one source; the same victim reported by two sources counts twice "
                    "until their records are linked."
                )
            )
        elif linkage is None:
            notes.append(
                gettext(
                    "No linkage run has found yet which reports are the same person: each victim counted here is "
                    "one unlinked record, and a victim reported by two sources counts twice."
                )
            )
        else:
            notes.append(gettext("Victims are unique persons, after linking the reports of the same person."))
            # The reports counted as protected as the victims: a table's total (sex: every case once).
            reports = engine.count_by("sex", base, "cases", suppress=suppress).total
            if headline.total and reports:
                sentences.append(
                    linkage_sentence(
                        reports,
                        headline.total,
                        linked_sources(),
                        timezone.localdate(linkage.finished_at),
                    )
                )
        synthetic = engine.case_count(replace(base, synthetic=True)) > 0
        if synthetic:
            notes.append(gettext("This report was computed from SYNTHETIC data. No real person is described."))
        return AnnualReport(
            year=year,
            lang=lang,
            title=gettext("Human trafficking in Peru: cases registered in %(year)s") % {"year": year},
            unit=unit,
            unit_label=unit_label(unit),
            sentences=tuple(sentences),
            figures=_figures(headline, unit),
            tables=tuple(report_tables),
            maps=department_maps(tables["department"], tables["lima_area"], drawn_on),
            charts=(by_year.cases, by_year.family_share),
            threshold=protection.threshold,
            protection=protection,
            notes=tuple(notes),
            synthetic=synthetic,
            generated=timezone.now().replace(microsecond=0).isoformat(),
            labels=_layout_labels(),
            provenance=provenance(base, revision),
        )


def _layout_labels() -> dict[str, str]:
    return {
        "summary": gettext("Summary"),
        "figures": gettext("Key figures"),
        "maps": gettext("Maps"),
        "trend": gettext("Trend"),
        "tables": gettext("Tables"),
        "notes": gettext("Notes"),
        "unit": gettext("Unit of count"),
        "generated": gettext("Generated"),
        "filters": gettext("Cases selected"),
        "revision": gettext("Registry revision"),
        "definition": gettext("Definition"),
        "hidden": hidden_text(),
        "ci": gettext("95% CI"),
        "credit": gettext(
            "Uses the Human Trafficking Case Data Standard (HTCDS by IOM, CC BY 4.0). Not endorsed by IOM."
        ),
        "value": gettext("Value"),
        "figure": gettext("Figure"),
        # The file is read away from Amparo: the page is named by its address within the site.
        "methods": gettext("How every figure is computed: the methods page of Amparo, %(path)s.")
        % {"path": reverse("dashboard-methods")},
    }
