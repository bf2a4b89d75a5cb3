"""`amparo link`: link every victim's records across sources into victims, and optionally write the clusters."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from amparo.linkage.domain.linking import Thresholds
from amparo.linkage.selectors import case_clusters
from amparo.linkage.services import ENGINES, LinkageRefused, linkage_link_new, linkage_run


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Link the records of the same victim within and across sources (probabilistic record linkage); "
            "people's decisions about pairs are kept and obeyed. No source record is changed."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--clusters-out",
            type=Path,
            help=_(
                "also write FILE.csv: one row per case with source, source_record_id and victim "
                "(the linked victim's key)"
            ),
        )
        defaults = Thresholds()
        parser.add_argument(
            "--link-threshold",
            default=str(defaults.link),
            help=_("match probability from which two records are one victim (default %(default)s)"),
        )
        parser.add_argument(
            "--review-threshold",
            default=str(defaults.review),
            help=_("match probability from which a pair waits for review (default %(default)s)"),
        )
        parser.add_argument(
            "--reuse-model",
            action="store_true",
            help=_("score with the last run's model instead of training a new one"),
        )
        parser.add_argument(
            "--new-only",
            action="store_true",
            help=_(
                "link only the records no run has linked yet (a new import) to the existing "
                "victims, with the last run's model and thresholds"
            ),
        )

        parser.add_argument(
            "--engine",
            choices=ENGINES,
            default=ENGINES[0],
            help=_(
                "where the linkage runs: duckdb in this process (default) or spark, on the master "
                "AMPARO_SPARK_MASTER names (default local[2])"
            ),
        )

    def handle(self, *args, **options):
        thresholds = self._thresholds(options["link_threshold"], options["review_threshold"])
        out = options["clusters_out"]
        if out is not None and (out.suffix.lower() != ".csv" or not out.parent.is_dir()):
            raise CommandError(
                _("--clusters-out %(path)s: expected a .csv file in an existing directory.") % {"path": out}
            )
        try:
            if options["new_only"]:
                run = linkage_link_new(engine_name=options["engine"])
            else:
                run = linkage_run(
                    thresholds=thresholds, retrain=not options["reuse_model"], engine_name=options["engine"]
                )
        except LinkageRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            _(
                "Linked %(records)d victims' records from %(sources)d sources into %(clusters)d victims in %(seconds).1f s: "
                "%(candidates)d pairs compared, %(links)d linked, %(review)d waiting for review (run %(run)d)."
            )
            % {
                "records": run.records,
                "sources": run.sources,
                "clusters": run.clusters,
                "seconds": run.seconds,
                "candidates": run.candidate_pairs,
                "links": run.links,
                "review": run.review_pairs,
                "run": run.pk,
            }
        )
        if run.sources == 1:
            self.stdout.write(
                _(
                    "Only one source: this run found that source's duplicates; import the other "
                    "sources' files to link across them."
                )
            )
        if not run.trained and not run.new_records_only:
            self.stdout.write(_("Scored with the model of an earlier run (not trained on these records)."))
        if out is not None:
            clusters = case_clusters()
            try:
                clusters.write_csv(out)
            except OSError as problem:
                raise CommandError(
                    _("Cannot write %(path)s: %(problem)s.") % {"path": out, "problem": problem.strerror or problem}
                ) from None
            self.stdout.write(_("Wrote %(count)d cases to %(path)s.") % {"count": clusters.height, "path": out})

    @staticmethod
    def _thresholds(link: str, review: str) -> Thresholds:
        try:
            return Thresholds(link=_probability(link), review=_probability(review))
        except ValueError:
            raise CommandError(
                _(
                    "--link-threshold %(link)s --review-threshold %(review)s: expected two probabilities with "
                    "0 < review <= link <= 1, e.g. 0.9 and 0.5."
                )
                % {"link": link, "review": review}
            ) from None
