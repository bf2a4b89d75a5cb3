"""The sentences an analyst writes about a year, written from the data in the reader's language.

«En 2010 se registraron 253 casos de trata de personas; 120 (47 %) en Lima,
seguido de Cusco (14 %), Madre de Dios, Loreto y Ucayali. En Lima, 110 de los
120 casos fueron facilitados por familiares.» Figures hidden by disclosure
control are left out of the sentences rather than hinted at.
"""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, ngettext

from amparo.reports.domain.numbers import format_int, format_percent, join_names
from amparo.stats.engine import Headline, Table

UNKNOWN = "unknown"
NAMED_DEPARTMENTS = 5


def _lang() -> str:
    return get_language() or "en"


def _ranked(departments: Table) -> list[list]:
    """Departments with a visible, non-zero count, grouped by equal count, largest first."""
    visible = [r for r in departments.rows if r.key != UNKNOWN and r.count]
    groups: list[list] = []
    for row in sorted(visible, key=lambda r: -r.count):
        if groups and groups[-1][0].count == row.count:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def _named(groups: list[list]) -> list[list]:
    """The first NAMED_DEPARTMENTS departments; a tie at the cut is named whole, never split arbitrarily."""
    named, count = [], 0
    for group in groups:
        if count >= NAMED_DEPARTMENTS:
            break
        named.append(group)
        count += len(group)
    return named


def _selection_sentence(year: int, departments: Table, place: str, filtered: bool) -> str:
    """The opening sentence of a selection of cases: in one place (then no ranking of departments, which
    would say "100 % in Cusco" of Cusco), or matching other filters too, which the sentence must not hide."""
    lang = _lang()
    total = departments.total
    values = {"year": year, "place": place, "threshold": departments.threshold}
    if total is not None and total > 1:
        values["count"] = format_int(total, lang)
    if not filtered:
        if total == 0:
            return gettext("No cases were registered in %(place)s in %(year)s.") % values
        if total is None:
            return gettext("Fewer than %(threshold)s cases were registered in %(place)s in %(year)s.") % values
        if total == 1:
            return gettext("In %(year)s, one case of human trafficking was registered in %(place)s.") % values
        return gettext("In %(year)s, %(count)s cases of human trafficking were registered in %(place)s.") % values
    if not place:
        if total == 0:
            return gettext("No cases matching the filters were registered in %(year)s.") % values
        if total is None:
            return gettext("Fewer than %(threshold)s cases matching the filters were registered in %(year)s.") % values
        if total == 1:
            sentence = gettext("In %(year)s, one case matching the filters was registered") % values
        else:
            sentence = gettext("In %(year)s, %(count)s cases matching the filters were registered") % values
        return sentence + _where(departments)
    if total == 0:
        return gettext("No cases matching the filters were registered in %(place)s in %(year)s.") % values
    if total is None:
        return (
            gettext("Fewer than %(threshold)s cases matching the filters were registered in %(place)s in %(year)s.")
            % values
        )
    if total == 1:
        return gettext("In %(year)s, one case matching the filters was registered in %(place)s.") % values
    return gettext("In %(year)s, %(count)s cases matching the filters were registered in %(place)s.") % values


def opening_sentence(year: int, departments: Table, *, place: str = "", filtered: bool = False) -> str:
    """How many cases were registered in the year, and where most were. For a selection of cases, `place` names
    its place (the dashboard's drill-down) and `filtered` says that other filters narrowed it."""
    if place or filtered:
        return _selection_sentence(year, departments, place, filtered)
    lang = _lang()
    total = departments.total
    if total == 0:
        return gettext("No cases were registered in %(year)s.") % {"year": year}
    if total is None:
        return gettext("Fewer than %(threshold)s cases were registered in %(year)s.") % {
            "threshold": departments.threshold,
            "year": year,
        }
    sentence = ngettext(
        "In %(year)s, %(count)s case of human trafficking was registered",
        "In %(year)s, %(count)s cases of human trafficking were registered",
        total,
    ) % {"year": year, "count": format_int(total, lang)}
    return sentence + _where(departments)


def _where(departments: Table) -> str:
    """The end of an opening sentence: "; 120 (47 %) in Lima, followed by Cusco (14 %), ..."."""
    lang = _lang()
    named = _named(_ranked(departments))
    if not named:
        return "."
    leaders = named[0]
    where = {
        "count": format_int(leaders[0].count, lang),
        "share": format_percent(leaders[0].share, lang),
        "places": join_names([r.label for r in leaders], lang),
    }
    if len(leaders) == 1:
        sentence = gettext("; %(count)s (%(share)s) in %(places)s") % where
    else:
        sentence = gettext("; %(count)s (%(share)s) in each of %(places)s") % where
    followers = [row for group in named[1:] for row in group]
    if followers:
        first = followers[0]
        names = [f"{first.label} ({format_percent(first.share, lang)})"] + [r.label for r in followers[1:]]
        sentence += gettext(", followed by %(places)s") % {"places": join_names(names, lang)}
    return sentence + "."


def family_sentences(year: int, departments: Table, *, place: str = "") -> list[str]:
    """How many of the leading department's cases family members facilitated; of the place's cases, when the
    cases are of one `place`."""
    lang = _lang()
    if place:
        leaders = [(place, departments.total, departments.family_facilitated_total)] if departments.total else []
    else:
        groups = _ranked(departments)
        leaders = [(r.label, r.count, r.family_facilitated) for r in groups[0]] if groups else []
    sentences = []
    for label, count, family in leaders:
        if family is None:
            continue
        values = {"place": label, "family": format_int(family, lang), "count": format_int(count, lang)}
        if family == 0 and count == 1:
            sentences.append(gettext("In %(place)s, the only case was not facilitated by family members.") % values)
        elif family == 0:
            sentences.append(
                gettext("In %(place)s, none of the %(count)s cases was facilitated by family members.") % values
            )
        elif family == count == 1:
            sentences.append(gettext("In %(place)s, the only case was facilitated by family members.") % values)
        elif family == count:
            sentences.append(gettext("In %(place)s, all %(count)s cases were facilitated by family members.") % values)
        else:
            sentences.append(
                ngettext(
                    "In %(place)s, %(family)s of the %(count)s cases was facilitated by family members.",
                    "In %(place)s, %(family)s of the %(count)s cases were facilitated by family members.",
                    family,
                )
                % values
            )
    return sentences


def national_sentences(headline: Headline) -> list[str]:
    """The share of all cases facilitated by family members, and how often an organised network was involved."""
    lang = _lang()
    sentences = []
    if headline.total and headline.family_facilitated is not None:
        sentences.append(
            ngettext(
                "Nationally, %(family)s of the %(count)s cases (%(share)s) was facilitated by family members.",
                "Nationally, %(family)s of the %(count)s cases (%(share)s) were facilitated by family members.",
                headline.family_facilitated,
            )
            % {
                "family": format_int(headline.family_facilitated, lang),
                "count": format_int(headline.total, lang),
                "share": format_percent(headline.family_facilitated_share, lang),
            }
        )
    known, yes = headline.organised_network_known, headline.organised_network_yes
    if known and yes is not None:
        sentences.append(
            gettext(
                "An organised network was involved in %(yes)s of the %(known)s cases where this is known (%(share)s)."
            )
            % {
                "yes": format_int(yes, lang),
                "known": format_int(known, lang),
                "share": format_percent(yes / known, lang),
            }
        )
    return sentences


def linkage_sentence(reports: int, victims: int, sources: int, linked_on: date) -> str:
    """«N reports of M victims, linked across K sources on DATE.»"""
    lang = _lang()
    values = {
        "reports": format_int(reports, lang),
        "victims": format_int(victims, lang),
        "sources": format_int(sources, lang),
        "date": date_format(linked_on, "DATE_FORMAT"),
    }
    return (
        ngettext(
            "%(reports)s report of %(victims)s victims, linked across %(sources)s sources on %(date)s.",
            "%(reports)s reports of %(victims)s victims, linked across %(sources)s sources on %(date)s.",
            reports,
        )
        % values
    )


def annual_sentences(year: int, headline: Headline) -> list[str]:
    """Everything the report says in words about the year, under the active language."""
    sentences = [opening_sentence(year, headline.departments)]
    if headline.departments.total:
        sentences += family_sentences(year, headline.departments)
        sentences += national_sentences(headline)
    return sentences
