"""amparo report: the annual report of human-trafficking cases, written from the registry."""

import argparse
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from amparo.reports.annual import build_annual_report
from amparo.reports.domain.choropleth import BoundaryError, load_boundaries
from amparo.reports.domain.pdf_report import PdfUnavailable
from amparo.reports.maps import BOUNDARIES, MAP_KINDS, TILES
from amparo.reports.writers import BINARY_FORMATS, FORMATS, pdf_unavailable_message, render_report, report_filename

FIRST_YEAR, LAST_YEAR = 1900, 2100


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Write the annual report for a year (sentences, key figures, tables, charts and department maps) "
            "as HTML, PDF, XLSX, JSON or Markdown. Every figure is protected by cell-key perturbation unless "
            "--no-suppress is given."
        )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help=_("year of registration to report on, e.g. 2010"))
        parser.add_argument(
            "--lang", choices=["es", "en"], default="es", help=_("language of the report (default: es)")
        )
        parser.add_argument(
            "--format", dest="fmt", choices=list(FORMATS), default="html", help=_("file format (default: html)")
        )
        parser.add_argument(
            "--out",
            help=_("file to write (default: standard output; for pdf and xlsx, amparo-report-YEAR-LANG.pdf or .xlsx)"),
        )
        parser.add_argument(
            "--map",
            dest="map_kind",
            choices=list(MAP_KINDS),
            default=BOUNDARIES,
            help=_(
                "draw the department maps on Peru's department boundaries, or on a grid of tiles with Lima "
                "Metropolitana apart (default: boundaries)"
            ),
        )
        parser.add_argument(
            "--boundaries",
            help=_(
                "GeoJSON of departments (properties FIRST_IDDP and NOMBDEP) to draw the maps on, instead of the "
                "boundaries Amparo ships"
            ),
        )
        parser.add_argument(
            "--suppress",
            action=argparse.BooleanOptionalAction,
            default=True,
            help=_(
                "protect the figures for publication by cell-key perturbation (default: on; --no-suppress gives "
                "exact figures, not for publication)"
            ),
        )
        parser.add_argument(
            "--unit", choices=["cases", "victims"], default="cases", help=_("what is counted (default: cases)")
        )

    def handle(self, *args, year, lang, fmt, out, map_kind, boundaries, suppress, unit, **options):
        try:
            year_number = int(str(year).strip())
        except ValueError:
            raise CommandError(_("--year must be a year such as 2010, not %(value)r") % {"value": year}) from None
        if not FIRST_YEAR <= year_number <= LAST_YEAR:
            raise CommandError(
                _("--year must be between %(first)s and %(last)s, not %(value)s")
                % {"first": FIRST_YEAR, "last": LAST_YEAR, "value": year_number}
            )
        departments = None
        if boundaries and map_kind == TILES:
            raise CommandError(_("--boundaries gives the boundaries to draw on; it cannot go with --map tiles"))
        if boundaries:
            try:
                departments = load_boundaries(boundaries)
            except BoundaryError as error:
                raise CommandError(str(error)) from None
        report = build_annual_report(
            year=year_number, lang=lang, suppress=suppress, unit=unit, map_kind=map_kind, boundaries=departments
        )
        try:
            content = render_report(report, fmt)
        except PdfUnavailable as error:
            raise CommandError(pdf_unavailable_message(error)) from None
        if out is None and fmt in BINARY_FORMATS:
            out = report_filename(report, fmt)
        if out is None:
            sys.stdout.flush()
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        try:
            Path(out).write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("cannot write %(path)s: %(reason)s") % {"path": out, "reason": error.strerror}
            ) from None
        self.stderr.write(_("%(path)s: %(size)s bytes") % {"path": out, "size": len(content)})
