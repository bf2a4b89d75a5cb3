"""`amparo audit verify [--checkpoint FILE]` walks the audit log's hash chain; `amparo audit checkpoint --out FILE`
exports a signed checkpoint of it, to be kept outside the database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.audit.checkpoints import CheckpointError, checkpoint_read, checkpoint_write
from amparo.audit.domain.chain import ChainReport, verify_chain
from amparo.audit.selectors import audit_chain


class Command(BaseCommand):
    help = (
        "verify: check the audit log's hash chain (and, with --checkpoint, that it still holds a signed "
        "checkpoint's state); a broken link is reported and the exit status is non-zero. checkpoint: verify, then "
        "write the chain's last sequence number and hash, signed, to a new file to keep outside the database."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="subcommand", required=True)
        verify = actions.add_parser("verify", help="check the hash chain")
        verify.add_argument("--checkpoint", type=Path, help="a checkpoint file the chain must still hold")
        checkpoint = actions.add_parser("checkpoint", help="export a signed checkpoint")
        checkpoint.add_argument("--out", type=Path, required=True, help="the new checkpoint file")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "verify":
            self._verify(options["checkpoint"])
        else:
            self._checkpoint(options["out"])

    def _verified(self, checkpoint_path: Path | None) -> ChainReport:
        try:
            anchor = checkpoint_read(checkpoint_path) if checkpoint_path is not None else None
        except CheckpointError as error:
            raise CommandError(str(error)) from None
        report = verify_chain(audit_chain(), anchor)
        if report.broken is not None:
            raise CommandError(
                _("The audit log is broken at event %(sequence)s. %(reason)s")
                % {"sequence": report.broken.sequence, "reason": report.broken.message}
            )
        return report

    def _verify(self, checkpoint_path: Path | None) -> None:
        report = self._verified(checkpoint_path)
        self.stdout.write(
            _("The audit log is intact: %(events)s events, the last %(sequence)s with hash %(hash)s.")
            % {"events": report.events, "sequence": report.head.sequence, "hash": report.head.entry_hash}
        )
        if checkpoint_path is not None:
            self.stdout.write(_("It holds the state %(path)s signed.") % {"path": checkpoint_path})

    def _checkpoint(self, out: Path) -> None:
        head = self._verified(None).head
        try:
            checkpoint_write(out, head, timezone.now())
        except (CheckpointError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("Checkpoint of event %(sequence)s (hash %(hash)s) written to %(path)s; keep it outside the database.")
            % {"sequence": head.sequence, "hash": head.entry_hash, "path": out}
        )
