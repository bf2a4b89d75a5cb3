"""amparo release --year Y --out DIR: a new release of one year, written to DIR; or --approve ID."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from amparo.release import services
from amparo.release.models import Release
from amparo.release.services import ReleaseRefused


def _account(username: str | None):
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("No active account is called %(name)s.") % {"name": username})
    return user


class Command(BaseCommand):
    help = (
        "Make a release of one year: differentially private tables, k-anonymous microdata and differentially "
        "private synthetic data, written to --out (release.json, tables.json, tables.xlsx, microdata.csv, "
        "synthetic.csv) and kept, unchangeable, until an administrator who did not make it approves it "
        "(--approve ID --user ADMIN)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="the year whose cases are released")
        parser.add_argument("--out", help="directory to write the release's files to")
        parser.add_argument(
            "--k",
            type=int,
            default=services.DEFAULT_K,
            help="every combination of the microdata's values occurs at least k times (default 5)",
        )
        parser.add_argument(
            "--epsilon-tables",
            type=float,
            default=services.DEFAULT_EPSILON_TABLES,
            help="privacy budget of the tables (default 2)",
        )
        parser.add_argument(
            "--epsilon-synthetic",
            type=float,
            default=services.DEFAULT_EPSILON_SYNTHETIC,
            help="privacy budget of the synthetic data (default 4)",
        )
        parser.add_argument("--user", default=None, help="the account acting: it is recorded and audited")
        parser.add_argument(
            "--approve",
            type=int,
            default=None,
            metavar="ID",
            help="approve release ID for publication (an administrator, not its creator: --user)",
        )

    def handle(self, *args, **options):
        user = _account(options["user"])
        if options["approve"] is not None:
            release = Release.objects.filter(pk=options["approve"]).first()
            if release is None:
                raise CommandError(_("There is no release %(id)s.") % {"id": options["approve"]})
            try:
                services.release_approve(release=release, user=user)
            except ReleaseRefused as error:
                raise CommandError(str(error)) from None
            self.stdout.write(
                _("Release %(id)s of %(year)s is approved for publication.") % {"id": release.pk, "year": release.year}
            )
            return
        if options["year"] is None or options["out"] is None:
            raise CommandError(_("Give --year and --out (or --approve ID)."))
        out = Path(options["out"])
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise CommandError(_("%(path)s must be a new or empty directory.") % {"path": out})
        try:
            release = services.release_create(
                user=user,
                year=options["year"],
                k=options["k"],
                epsilon_tables=options["epsilon_tables"],
                epsilon_synthetic=options["epsilon_synthetic"],
            )
        except ReleaseRefused as error:
            raise CommandError(str(error)) from None
        services.release_write_files(release, out)
        microdata = release.accuracy["microdata"]
        self.stdout.write(
            _(
                "Release %(id)s of %(year)s written to %(path)s: epsilon %(epsilon)s spent; microdata %(rows)s rows "
                "(%(suppressed)s suppressed); awaiting approval by an administrator who did not make it."
            )
            % {
                "id": release.pk,
                "year": release.year,
                "path": out,
                "epsilon": f"{release.epsilon_spent:g}",
                "rows": microdata["rows_published"],
                "suppressed": microdata["rows_suppressed"],
            }
        )
