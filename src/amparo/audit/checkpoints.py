"""Signed checkpoints of the audit chain: the sequence number and hash of its last event, and when, signed with
Ed25519 by a key kept outside the database, written to a file meant to be kept outside it too.

A checkpoint anchors the chain: whoever can write to the database can recompute every hash after a rewrite or
drop the newest events, but cannot sign a new checkpoint, and `audit verify --checkpoint FILE` finds that the
chain no longer holds the signed state.
"""

import base64
import hashlib
import json
import os
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils.translation import gettext as _

from amparo.audit.domain.chain import ChainState
from amparo.core.datadir import data_dir, secret_from_file

FORMAT = "amparo-audit-checkpoint/1"


class CheckpointError(Exception):
    pass


def audit_signing_key() -> Ed25519PrivateKey:
    """The checkpoint key: AMPARO_AUDIT_SIGNING_KEY, or `audit_signing_key` in the data directory (created
    owner-only on first use), like Amparo's other keys; never in the database."""
    secret = os.environ.get("AMPARO_AUDIT_SIGNING_KEY") or secret_from_file(data_dir() / "audit_signing_key")
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"amparo-audit-checkpoint:" + secret.encode()).digest())


def _public_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def _signed_bytes(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


def checkpoint_write(path: Path, state: ChainState, signed_at: datetime) -> None:
    """Write a new checkpoint file (never over an existing one: each is a record of its own)."""
    key = audit_signing_key()
    content = {
        "format": FORMAT,
        "sequence": state.sequence,
        "hash": state.entry_hash,
        "signed_at": signed_at.isoformat(),
    }
    document = {
        **content,
        "public_key": _public_text(key.public_key()),
        "signature": base64.b64encode(key.sign(_signed_bytes(content))).decode(),
    }
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise CheckpointError(_("%(path)s exists; a checkpoint is written to a new file.") % {"path": path}) from None
    with os.fdopen(fd, "w") as handle:
        json.dump(document, handle, indent=2)
        handle.write("\n")


def checkpoint_read(path: Path) -> ChainState:
    """The state a checkpoint file signed, once its signature is checked against this installation's key."""
    try:
        document = json.loads(Path(path).read_text())
        content = {name: document[name] for name in ("format", "sequence", "hash", "signed_at")}
        signature = base64.b64decode(document["signature"], validate=True)
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as error:
        raise CheckpointError(
            _("%(path)s is not an Amparo audit checkpoint (%(error)s).") % {"path": path, "error": error}
        ) from None
    if content["format"] != FORMAT or not isinstance(content["sequence"], int) or not isinstance(content["hash"], str):
        raise CheckpointError(_("%(path)s is not an Amparo audit checkpoint.") % {"path": path})
    try:
        audit_signing_key().public_key().verify(signature, _signed_bytes(content))
    except InvalidSignature:
        raise CheckpointError(
            _(
                "The signature of %(path)s does not match this installation's audit signing key: the checkpoint "
                "was altered, or signed by another key."
            )
            % {"path": path}
        ) from None
    return ChainState(content["sequence"], content["hash"])
