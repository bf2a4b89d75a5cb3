"""`amparo backup`: one encrypted archive of the database and the data directory, while Amparo runs.

The work is `core.backup`'s; this command reads the backup key, audits the backup and tells the operator
what the archive holds and what they must keep elsewhere.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.core.archive import ArchiveError, BackupKey
from amparo.core.backup import (
    BackupError,
    backup_audit_details,
    backup_key_from,
    backup_write,
    refuse_key_in_data_directory,
)


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Back up the database and the data directory into one encrypted archive, while Amparo runs "
            "(docs/backup.md). The backup key stays apart from the data directory."
        )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, help=_("the archive to write (a new file)"))
        parser.add_argument(
            "--key-file",
            type=Path,
            help=_("the backup key (default: AMPARO_BACKUP_KEY_FILE); never in the data directory"),
        )
        parser.add_argument(
            "--new-key", type=Path, metavar="FILE", help=_("write a new backup key to FILE (a new file) and stop")
        )

    def handle(self, *args, out: Path | None, key_file: Path | None, new_key: Path | None, **options):
        try:
            if new_key:
                refuse_key_in_data_directory(new_key)
                key = BackupKey.generate()
                key.write_new(new_key)
                self.stdout.write(
                    _(
                        "New backup key %(fingerprint)s written to %(path)s. Keep a copy away from the data directory "
                        "and from the archives (a password manager, a sealed envelope): without it no archive can be "
                        "restored, and with an archive it opens every identity."
                    )
                    % {"fingerprint": key.fingerprint, "path": new_key}
                )
                return
            if out is None:
                raise CommandError(_("give --out FILE, the archive to write (or --new-key FILE to create a key)"))
            key = backup_key_from(key_file)
            summary = backup_write(out, key)
        except (BackupError, ArchiveError) as error:
            raise CommandError(str(error)) from None
        audit_record(
            user=None, action=AuditAction.BACKUP, username="amparo backup", details=backup_audit_details(summary, key)
        )
        self.stdout.write(
            _(
                "Wrote %(path)s: %(bytes)s bytes, the %(database)s database and %(files)s files, sealed with backup key %(fingerprint)s."
            )
            % {
                "path": summary.path,
                "bytes": summary.bytes,
                "database": summary.database,
                "files": len(summary.files),
                "fingerprint": key.fingerprint,
            }
        )
        for variable in summary.keys_from_environment:
            self.stdout.write(
                _(
                    "%(variable)s comes from the environment and is not in the archive: keep its value safe, a restore needs it."
                )
                % {"variable": variable}
            )
