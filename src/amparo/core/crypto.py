"""Encryption at rest for victims' identifying fields, and keyed hashes for exact look-up.

Values are sealed with AES-256-GCM (authenticated): a tampered or swapped
ciphertext fails to open. The key ring lives outside the database: in the
environment (AMPARO_FIELD_KEYS) or in `field_keys` in the data directory,
created readable by its owner only. A ring is "id:base64key" entries separated
by commas; the first is the active key, the others can still open old values
until they are re-sealed with the active one.
"""

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc1"
_NONCE_BYTES = 12


class KeyRingError(RuntimeError):
    pass


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[tuple[str, bytes], ...]  # (key id, 32-byte key); first is active

    @property
    def active_id(self) -> str:
        return self.keys[0][0]

    def key(self, key_id: str) -> bytes:
        for kid, key in self.keys:
            if kid == key_id:
                return key
        raise KeyRingError(f"no key {key_id!r} in the key ring; was a key removed before rotation finished?")

    def serialise(self) -> str:
        return ",".join(f"{kid}:{base64.urlsafe_b64encode(key).decode()}" for kid, key in self.keys)

    @classmethod
    def parse(cls, text: str) -> "KeyRing":
        keys = []
        for entry in filter(None, (e.strip() for e in text.split(","))):
            kid, _, encoded = entry.partition(":")
            key = base64.urlsafe_b64decode(encoded)
            if len(key) != 32 or not kid:
                raise KeyRingError("each key must be 'id:' followed by 32 bytes in URL-safe base64")
            keys.append((kid, key))
        if not keys:
            raise KeyRingError("the key ring is empty")
        return cls(tuple(keys))

    @classmethod
    def generate(cls, key_id: str = "k1") -> "KeyRing":
        return cls(((key_id, secrets.token_bytes(32)),))

    def with_new_active_key(self) -> "KeyRing":
        """A ring whose first (active) key is new; the old keys stay to open values not yet re-sealed."""
        numbers = [int(kid[1:]) for kid, _ in self.keys if kid[:1] == "k" and kid[1:].isdigit()]
        new_id = f"k{max(numbers, default=0) + 1}"
        return KeyRing(((new_id, secrets.token_bytes(32)), *self.keys))

    def active_only(self) -> "KeyRing":
        return KeyRing(self.keys[:1])

    @property
    def old_ids(self) -> tuple[str, ...]:
        return tuple(kid for kid, _ in self.keys[1:])


def key_ring_from_environment() -> bool:
    return bool(os.environ.get("AMPARO_FIELD_KEYS"))


def key_ring_write(ring: KeyRing) -> None:
    """Replace the key file atomically (owner-only), and forget the cached ring."""
    if key_ring_from_environment():
        raise KeyRingError("the key ring comes from AMPARO_FIELD_KEYS; set the new value there instead")
    path = key_ring_path()
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(ring.serialise())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    key_ring.cache_clear()


def key_ring_path() -> Path:
    from amparo.core.datadir import data_dir

    return data_dir() / "field_keys"


def key_ring_in_effect(file_text: str | None) -> str | None:
    """The key ring that applies to a data directory whose `field_keys` holds `file_text`: the environment's first."""
    return os.environ.get("AMPARO_FIELD_KEYS") or file_text


def lookup_secret_in_effect(file_text: str | None) -> str | None:
    """The look-up secret that applies to a data directory whose `lookup_key` holds `file_text`."""
    return os.environ.get("AMPARO_LOOKUP_KEY") or (file_text.strip() if file_text else None)


@cache
def key_ring() -> KeyRing:
    path = key_ring_path()
    text = key_ring_in_effect(path.read_text() if path.exists() else None)
    if text:
        return KeyRing.parse(text)
    ring = KeyRing.generate()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return KeyRing.parse(path.read_text())
    with os.fdopen(fd, "w") as handle:
        handle.write(ring.serialise())
    return ring


def seal(plaintext: str, ring: KeyRing | None = None) -> str:
    ring = ring or key_ring()
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = AESGCM(ring.key(ring.active_id)).encrypt(nonce, plaintext.encode("utf-8"), ring.active_id.encode())
    return f"{PREFIX}:{ring.active_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def open_sealed(token: str, ring: KeyRing | None = None) -> str:
    ring = ring or key_ring()
    prefix, key_id, payload = token.split(":", 2)
    if prefix != PREFIX:
        raise KeyRingError("not an Amparo sealed value")
    raw = base64.urlsafe_b64decode(payload)
    plain = AESGCM(ring.key(key_id)).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], key_id.encode())
    return plain.decode("utf-8")


def seal_bytes(data: bytes, purpose: str, ring: KeyRing | None = None) -> bytes:
    """Seal a whole file's bytes; `purpose` is authenticated too, so a file cannot pass for another kind."""
    ring = ring or key_ring()
    nonce = secrets.token_bytes(_NONCE_BYTES)
    associated = f"{ring.active_id}:{purpose}".encode()
    return (
        f"{PREFIX}:{ring.active_id}:".encode()
        + nonce
        + AESGCM(ring.key(ring.active_id)).encrypt(nonce, data, associated)
    )


def open_sealed_bytes(sealed: bytes, purpose: str, ring: KeyRing | None = None) -> bytes:
    """The bytes seal_bytes sealed; raises KeyRingError or cryptography's InvalidTag if they cannot be opened."""
    ring = ring or key_ring()
    prefix, key_id, raw = sealed.split(b":", 2)
    if prefix.decode() != PREFIX:
        raise KeyRingError("not an Amparo sealed file")
    key_id = key_id.decode()
    associated = f"{key_id}:{purpose}".encode()
    return AESGCM(ring.key(key_id)).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], associated)


def purpose_keys(purpose: str, ring: KeyRing | None = None) -> tuple[bytes, ...]:
    """A key of its own for one purpose from each key of the ring, the active key's first (HMAC-SHA-256 of
    the purpose under the ring's key): no two uses of a ring key share a key, and rotating the ring changes
    them all."""
    ring = ring or key_ring()
    label = b"amparo-purpose:" + purpose.encode()
    return tuple(hmac.new(key, label, hashlib.sha256).digest() for _kid, key in ring.keys)


def sealed_key_id(token: str) -> str:
    return token.split(":", 2)[1]


@cache
def _lookup_key() -> bytes:
    """A key of its own (AMPARO_LOOKUP_KEY or `lookup_key` in the data directory): rotating the
    encryption keys must not change the look-up hashes."""
    from amparo.core.datadir import data_dir, secret_from_file

    secret = lookup_secret_in_effect(None) or secret_from_file(data_dir() / "lookup_key")
    return hashlib.sha256(b"amparo-lookup-hash:" + secret.encode()).digest()


def lookup_hash(value: str) -> str:
    """Keyed hash for exact look-up (identity numbers) without storing the value in clear."""
    normalised = "".join(value.split()).upper()
    return hmac.new(_lookup_key(), normalised.encode("utf-8"), hashlib.sha256).hexdigest()
