"""`amparo restore`: bring back an archive `amparo backup` wrote, into a new data directory and database.

The work is `core.backup`'s: nothing is written before the whole archive has been authenticated, and a
target that holds data is refused unless --replace, which sets it aside instead of deleting it.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from amparo.core.archive import ArchiveError
from amparo.core.backup import BackupError, backup_key_from, backup_verify, restore


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Restore an archive written by `amparo backup` into a data directory and the configured database "
            "(docs/backup.md). Stop Amparo first."
        )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help=_("the archive to restore"))
        parser.add_argument(
            "--data-dir", type=Path, help=_("the data directory to restore into (default: the configured one)")
        )
        parser.add_argument("--key-file", type=Path, help=_("the backup key (default: AMPARO_BACKUP_KEY_FILE)"))
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_(
                "restore over a data directory or database that holds data (the directory is set aside, not deleted)"
            ),
        )
        parser.add_argument(
            "--verify-only", action="store_true", help=_("authenticate the whole archive and stop; write nothing")
        )

    def handle(
        self,
        *args,
        archive: Path,
        data_dir: Path | None,
        key_file: Path | None,
        replace: bool,
        verify_only: bool,
        **options,
    ):
        try:
            key = backup_key_from(key_file)
            if verify_only:
                manifest = backup_verify(archive, key)
                self.stdout.write(
                    _(
                        "%(archive)s is whole and authentic: the %(database)s database and %(members)s files, written %(created)s."
                    )
                    % {
                        "archive": archive,
                        "database": manifest["database"],
                        "members": len(manifest["members"]) - 1,
                        "created": manifest["created"],
                    }
                )
                return
            summary = restore(archive, key, (data_dir or Path(settings.DATA_DIR)).absolute(), replace=replace)
        except (BackupError, ArchiveError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Restored the %(database)s database and %(files)s files of %(created)s into %(target)s.")
            % {
                "database": summary.database,
                "files": len(summary.files),
                "created": summary.created,
                "target": summary.target,
            }
        )
        if summary.set_aside:
            self.stdout.write(
                _("What %(target)s held before is in %(aside)s; remove it once the restore is checked.")
                % {"target": summary.target, "aside": summary.set_aside}
            )
        self.stdout.write(_("Start Amparo with AMPARO_DATA_DIR=%(target)s.") % {"target": summary.target})
