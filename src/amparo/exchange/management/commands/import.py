"""amparo import FILE --source ORGANISATION: bring a spreadsheet of cases into the registry."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from amparo.exchange import formats
from amparo.exchange.domain.limits import ReadError, check_file_size
from amparo.exchange.permissions import AccountRefused, exchange_account
from amparo.exchange.reading import import_limits
from amparo.exchange.rejections import problem_lines
from amparo.exchange.services import FileImport, ImportRefused, organisation_find


class Command(BaseCommand):
    help = (
        "Import cases from a CSV, XLSX or JSON file (Amparo case file, HTCDS v2.0, CTDC legacy or CTDC "
        "synthetic). Every row is stored or quarantined with its reason; the import is all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (, ; or tab), XLSX or JSON file")
        parser.add_argument("--source", required=True, help="name of the organisation the file comes from")
        parser.add_argument(
            "--source-type",
            default="",
            help="create the source organisation with this HTCDS org_Type if it does not exist",
        )
        parser.add_argument(
            "--format",
            default="auto",
            choices=["auto", *formats.FORMATS],
            help="file format (default: recognised from the header)",
        )
        parser.add_argument("--sheet", default=None, help="XLSX sheet to read (default: the first)")
        parser.add_argument("--dry-run", action="store_true", help="validate and report without storing any case")
        parser.add_argument(
            "--user",
            default=None,
            help="import on behalf of this account (a data manager or an administrator): the batch "
            "and the audit log name it",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            check_file_size(path.stat().st_size, import_limits())  # before the file is read into memory
            user = exchange_account(options["user"]) if options["user"] else None
            source = organisation_find(options["source"], create_as=options["source_type"])
            job = FileImport(
                data=path.read_bytes(),
                file_name=path.name,
                source=source,
                user=user,
                format_name=options["format"],
                dry_run=options["dry_run"],
                sheet=options["sheet"],
            )
            for message in job.stages():
                self.stderr.write(str(message))
        except (AccountRefused, ImportRefused, ReadError) as error:
            raise CommandError(str(error)) from None
        if job.repeated:
            return  # the last message named the batch the file repeats
        batch = job.batch
        for line in problem_lines(batch):
            self.stdout.write(_("row %(row)s, column %(column)s, value %(value)r: expected %(expected)s") % line)
        if batch.same_file_as_id:
            self.stdout.write(
                _("This file was already imported from this source in batch %(batch)s.")
                % {"batch": batch.same_file_as_id}
            )
        summary = _(
            "Batch %(batch)s%(dry)s: %(rows)s rows; %(created)s created, %(updated)s updated, "
            "%(unchanged)s unchanged, %(rejected)s rejected."
        )
        self.stdout.write(
            summary
            % {
                "batch": batch.pk,
                "dry": _(" (dry run, nothing stored)") if batch.dry_run else "",
                "rows": batch.rows,
                "created": batch.created,
                "updated": batch.updated,
                "unchanged": batch.unchanged,
                "rejected": batch.rejected,
            }
        )
