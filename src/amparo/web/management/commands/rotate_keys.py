"""`amparo rotate_keys`: a new encryption key, every sealed value re-sealed with it, old keys dropped on request.

The work is `core.key_rotation`'s; in the same transaction the registry rebuilds the blind index of names,
whose key is derived from the active key. The command also drops the statistics' sealed copy (rebuilt with
the active key when next needed) and audits the rotation.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from amparo.audit.models import AuditAction
from amparo.audit.services import audit_record
from amparo.core import crypto
from amparo.core.key_rotation import reseal_all, values_sealed_with
from amparo.registry.services import name_index_rebuild
from amparo.stats import snapshot


class Command(BaseCommand):
    help = (
        "Add a new active encryption key to the key ring, re-seal every encrypted value with it "
        "and, with --drop-old, remove the old keys. The name index is rebuilt under the new key; the identity "
        "number's look-up hashes do not change."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--drop-old", action="store_true", help="Remove the old keys once no value is sealed with them."
        )
        parser.add_argument(
            "--reseal-only",
            action="store_true",
            help="Do not add a key: re-seal with the current active key (after changing AMPARO_FIELD_KEYS by hand).",
        )
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, drop_old: bool, reseal_only: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be a positive number")
        try:
            ring = crypto.key_ring()
        except (crypto.KeyRingError, ValueError) as error:
            raise CommandError(f"cannot read the key ring: {error}") from None
        from_environment = crypto.key_ring_from_environment()

        if not reseal_only:
            new_ring = ring.with_new_active_key()
            if from_environment:
                self.stdout.write(new_ring.serialise())
                raise CommandError(
                    "The keys come from AMPARO_FIELD_KEYS, which this command cannot change. Set it to the "
                    "value printed above (the new key first, then the old ones), restart Amparo, then run "
                    "`amparo rotate_keys --reseal-only` (add --drop-old to remove the old keys afterwards)."
                )
            crypto.key_ring_write(new_ring)  # written first: a failed re-seal leaves every value readable
            ring = new_ring
            self.stdout.write(f"New active key {ring.active_id}.")

        with transaction.atomic():
            counts = reseal_all(batch_size=batch_size)
            named = name_index_rebuild()
        snapshot.forget_persisted()
        for label, rows in counts.items():
            self.stdout.write(f"{label}: {rows} rows re-sealed with key {ring.active_id}.")
        self.stdout.write(f"Name index rebuilt for {named} people with key {ring.active_id}.")

        dropped = 0
        if drop_old and ring.old_ids:
            remaining = values_sealed_with(ring.old_ids)
            if remaining:
                raise CommandError(f"{remaining} values are still sealed with old keys; the old keys were kept.")
            if from_environment:
                self.stdout.write(ring.active_only().serialise())
                self.stdout.write(
                    "Every value is sealed with the active key. Set AMPARO_FIELD_KEYS to the value "
                    "above to drop the old keys."
                )
            else:
                crypto.key_ring_write(ring.active_only())
                dropped = len(ring.old_ids)
                self.stdout.write(f"Dropped {dropped} old keys.")

        audit_record(
            user=None,
            action=AuditAction.KEY_ROTATION,
            username="amparo rotate_keys",
            details={
                "active_key": ring.active_id,
                "rows_resealed": counts,
                "names_indexed": named,
                "old_keys_dropped": dropped,
            },
        )
