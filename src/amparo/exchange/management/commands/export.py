"""amparo export --format FORMAT OUT: registry cases in an exchange format (CSV, XLSX or JSON by extension)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from amparo.exchange import formats
from amparo.exchange.exports import ExportRefused, cases_export
from amparo.exchange.permissions import AccountRefused, exchange_account
from amparo.exchange.services import ImportRefused, organisation_find


class Command(BaseCommand):
    help = (
        "Export cases as an Amparo case file, HTCDS v2.0 (CSV, XLSX or JSON), or CTDC legacy / synthetic "
        "(CSV or XLSX). Identifying fields are left out unless --include-identities is given, on behalf of an "
        "account (--user) whose role may see them."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="output file; its extension (.csv, .xlsx, .json) chooses the kind")
        parser.add_argument("--format", required=True, choices=list(formats.FORMATS))
        parser.add_argument("--year", type=int, default=None, help="only cases registered in this year")
        parser.add_argument("--source", default=None, help="only cases from this organisation")
        parser.add_argument(
            "--include-identities",
            action="store_true",
            help="include names, identity numbers, birth dates and event descriptions (Amparo and "
            "HTCDS only; needs --user)",
        )
        parser.add_argument(
            "--user",
            default=None,
            help="export on behalf of this account: its role and scope decide what may be exported, "
            "and the audit log names it",
        )

    def handle(self, *args, **options):
        out = Path(options["out"])
        kind = out.suffix.lower().lstrip(".")
        if kind not in ("csv", "xlsx", "json"):
            raise CommandError(
                _("The output file must end in .csv, .xlsx or .json, not %(name)s.") % {"name": out.name}
            )
        if not out.parent.is_dir():
            raise CommandError(_("No such directory: %(path)s") % {"path": out.parent})
        try:
            user = exchange_account(options["user"]) if options["user"] else None
        except AccountRefused as error:
            raise CommandError(str(error)) from None
        if options["include_identities"] and user is None:
            raise CommandError(
                _("Identifying data is exported only on behalf of an account whose role may see it: give --user.")
            )
        try:
            source = organisation_find(options["source"]) if options["source"] else None
            content, count = cases_export(
                format_name=options["format"],
                kind=kind,
                year=options["year"],
                source_id=source.pk if source else None,
                include_identities=options["include_identities"],
                user=user,
            )
        except (ExportRefused, ImportRefused) as error:
            raise CommandError(str(error)) from None
        out.write_bytes(content)
        self.stdout.write(_("Wrote %(count)s cases to %(path)s.") % {"count": count, "path": out})
