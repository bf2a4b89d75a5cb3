"""`amparo stats`: counts of cases by a dimension, as JSON or a terminal table.

Protected by cell-key perturbation unless asked otherwise, like every other channel of the statistics: whoever
runs it may pass the figures on. ``--exact`` gives exact figures, marked not for publication; ``--suppress``
hides small counts instead of perturbing them (not differencing-proof: for a reader who requires that
convention on one table).
"""

import json
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from amparo.core import geography
from amparo.linkage.selectors import latest_run
from amparo.stats import engine
from amparo.stats.presentation import render_terminal, table_document

_YEAR = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?$")
FIRST_YEAR, LAST_YEAR = 1900, 2999  # the registry holds no case outside these


def parse_years(values: list[str]) -> tuple[int, ...]:
    """Years from "2010" or "2010-2012" (each repeatable)."""
    years: list[int] = []
    for value in values:
        match = _YEAR.match(value)
        if not match or not all(FIRST_YEAR <= int(y) <= LAST_YEAR for y in match.groups() if y):
            raise CommandError(_("%(value)r is not a year or a range of years such as 2010-2012") % {"value": value})
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first:
            raise CommandError(_("the range %(value)r ends before it starts") % {"value": value})
        years.extend(range(first, last + 1))
    return tuple(dict.fromkeys(years))


def parse_department(value: str) -> str:
    """The 2-digit INEI code of a department named or coded by the user."""
    text = value.strip()
    try:
        if text.isdigit() and len(text) != 2:
            raise geography.UnknownPlace(text)
        return geography.find_department(text).ubigeo
    except geography.UnknownPlace:
        raise CommandError(
            _(
                "%(value)r is not a department of Peru: give its name (e.g. Cusco) or its 2-digit INEI ubigeo code "
                "(e.g. 08)"
            )
            % {"value": value}
        ) from None


class Command(BaseCommand):
    help = "Counts of cases (or victims) by a dimension, with shares, 95% intervals and family-facilitated counts."

    def add_arguments(self, parser):
        parser.add_argument("--by", default="department", help="dimension to count by: " + ", ".join(engine.DIMENSIONS))
        parser.add_argument(
            "--year", action="append", default=[], help="a year or a range such as 2010-2012 (repeatable)"
        )
        parser.add_argument(
            "--department", action="append", default=[], help="a department name or 2-digit ubigeo code (repeatable)"
        )
        parser.add_argument("--unit", default="cases", help="cases (reports) or victims (unique persons)")
        protection = parser.add_mutually_exclusive_group()
        protection.add_argument(
            "--exact",
            action="store_true",
            help="exact figures, not perturbed: not for publication (default: protected by cell-key perturbation)",
        )
        protection.add_argument(
            "--suppress",
            nargs="?",
            type=int,
            const=-1,
            default=None,
            metavar="N",
            help="hide counts below N (default from settings, 5) and the cells that would reveal them, instead of "
            "perturbing them; hidden counts can be worked out by comparing several tables",
        )
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--lang", choices=[code for code, _name in settings.LANGUAGES], default=None)

    def handle(self, *args, **options):
        # Without --lang, the language `amparo` chose from AMPARO_LANGUAGE or the terminal's locale.
        with translation.override(options["lang"] or translation.get_language()):
            self.stdout.write(self._render(options))

    def _render(self, options) -> str:
        by = options["by"]
        if by not in engine.DIMENSIONS:
            raise CommandError(
                _("unknown dimension %(value)r for --by; valid: %(valid)s")
                % {"value": by, "valid": ", ".join(engine.DIMENSIONS)}
            )
        if options["unit"] not in engine.UNITS:
            raise CommandError(
                _("unknown unit %(value)r for --unit; valid: %(valid)s")
                % {"value": options["unit"], "valid": ", ".join(engine.UNITS)}
            )
        suppress = options["suppress"]
        if suppress is not None and suppress != -1 and suppress < 1:
            raise CommandError(_("--suppress needs a positive whole number, not %(value)s") % {"value": suppress})
        filters = engine.CaseFilter(
            years=parse_years(options["year"]),
            departments=tuple(dict.fromkeys(parse_department(d) for d in options["department"])),
        )
        # A range may hold years without cases (the year just begun): they count zero. Only years that are
        # all empty are refused, as a mistyped year most likely is.
        empty = engine.years_without_cases(list(filters.years))
        if empty and len(empty) == len(filters.years):
            raise CommandError(_("no cases registered in %(years)s") % {"years": ", ".join(map(str, empty))})
        if options["exact"]:
            protect = False
        elif suppress is None:
            protect = True
        else:
            protect = engine.suppression_threshold(True) if suppress == -1 else suppress
        table = engine.count_by(
            by,
            filters,
            options["unit"],
            suppress=protect,
            keys=[str(year) for year in filters.years] if by == "year" else None,
        )
        if options["format"] == "json":
            return json.dumps(table_document(table), ensure_ascii=False, indent=2)
        if options["unit"] == "victims" and latest_run() is None:
            return (
                render_terminal(table)
                + "\n"
                + _("No linkage run yet (amparo link): each victim counted is one unlinked record.")
            )
        return render_terminal(table)
