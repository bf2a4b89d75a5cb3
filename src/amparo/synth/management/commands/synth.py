"""`amparo synth`: generate the calibrated synthetic registry of Peru, load it and/or write it as CSV."""

import argparse
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from amparo.synth.domain import frames, sources
from amparo.synth.domain.calibration import FIRST_YEAR, LAST_YEAR
from amparo.synth.domain.generator import (
    DEFAULT_SEED,
    MAX_SCALE,
    InvalidOptions,
    SynthOptions,
    generate,
    parse_scale,
    parse_years,
)
from amparo.synth.services import AlreadyLoaded, synth_load


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Generate a synthetic registry of Peru (2010 reproduces the IOM figures), "
            "load it into the database and/or write it as CSV. Every record is labelled synthetic."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=_("random seed; the same seed gives the same data (default %(default)s)"),
        )
        parser.add_argument(
            "--years",
            default=f"{FIRST_YEAR}-{LAST_YEAR}",
            help=_("FIRST-LAST or one year, within %(first)s-%(last)s (default: all)")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
        parser.add_argument(
            "--scale", default="1", help=_("multiplies the number of cases of every year but 2010 (default 1)")
        )
        parser.add_argument(
            "--out", type=Path, help=_("write cases.csv, perpetrators.csv and events.csv to this directory")
        )
        parser.add_argument(
            "--load",
            action=argparse.BooleanOptionalAction,
            default=None,
            help=_("store the cases in the database (default: only when --out is not given)"),
        )
        parser.add_argument(
            "--sources",
            default="",
            help=_(
                "also write the same victims as reported by these sources, with "
                "discrepancies and ground truth (e.g. police,prosecutor,ngo; needs --out)"
            ),
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            first, last = parse_years(options["years"])
            settings = SynthOptions(
                seed=options["seed"], first_year=first, last_year=last, scale=parse_scale(options["scale"])
            )
        except InvalidOptions as problem:
            raise CommandError(self._explain(problem, options[problem.option])) from None
        out = Path(options["out"]) if options["out"] else None
        load = out is None if options["load"] is None else options["load"]
        source_names = [s.strip() for s in options["sources"].split(",") if s.strip()]
        if source_names and out is None:
            raise CommandError(_("--sources writes files: give --out DIR too."))
        if not load and out is None:
            raise CommandError(_("Nothing to do: give --out DIR, or leave out --no-load."))
        unknown = [s for s in source_names if s not in sources.SOURCE_PREFIX]
        if unknown:
            raise CommandError(
                _("--sources %(value)s: unknown source %(source)r, expected some of %(known)s.")
                % {"value": options["sources"], "source": unknown[0], "known": ", ".join(sources.SOURCE_PREFIX)}
            )
        if out is not None and out.exists() and not out.is_dir():
            raise CommandError(_("--out %(path)s exists and is not a directory.") % {"path": out})

        cases = generate(settings)
        if out is not None:
            try:
                written = frames.write_case_files(cases, out)
                if source_names:
                    reports = sources.reports(cases, source_names, settings.seed)
                    written += frames.write_source_files(reports, out / "sources")
            except OSError as problem:
                raise CommandError(
                    _("Cannot write to %(path)s: %(problem)s.") % {"path": out, "problem": problem.strerror or problem}
                ) from None
            self.stdout.write(_("Wrote %(count)d CSV files to %(path)s.") % {"count": len(written), "path": out})
        if load:
            try:
                synth_load(cases=cases)
            except AlreadyLoaded as problem:
                raise CommandError(
                    _(
                        "The synthetic registry is already loaded: %(count)d of these cases are stored (first: %(first)s). "
                        "Use a fresh data directory, or --no-load --out DIR."
                    )
                    % {"count": problem.count, "first": problem.first}
                ) from None
            except DatabaseError as problem:
                raise CommandError(
                    _("The database is not ready (%(problem)s); run `amparo migrate` first.") % {"problem": problem}
                ) from None
        self._summary(cases, settings, loaded=load, seconds=time.monotonic() - started)

    @staticmethod
    def _explain(problem: InvalidOptions, given) -> str:
        expected = {
            "years": _("FIRST-LAST (or one year) with %(first)s <= FIRST <= LAST <= %(last)s, e.g. 2010-2025")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            "scale": _("a number greater than 0 and at most %(max)s, e.g. 1 or 2.5") % {"max": MAX_SCALE},
        }[problem.option]
        return _("--%(option)s %(value)s: expected %(expected)s.") % {
            "option": problem.option,
            "value": given,
            "expected": expected,
        }

    def _summary(self, cases, settings: SynthOptions, *, loaded: bool, seconds: float):
        per_year: dict[int, int] = {}
        for case in cases:
            per_year[case.year] = per_year.get(case.year, 0) + 1
        self.stdout.write(
            _("SYNTHETIC DATA (seed %(seed)s): %(count)d cases, no real person.")
            % {"seed": settings.seed, "count": len(cases)}
        )
        for year, count in per_year.items():
            self.stdout.write(f"  {year}: {count:>7}")
        if loaded:
            self.stdout.write(
                _("Loaded into the database as synthetic cases in %(seconds).1f s.") % {"seconds": seconds}
            )
