"""Encrypted backup archives: a byte stream sealed in authenticated blocks under a backup key.

The key that opens an archive is not in it and not in the data directory (docs/backup.md): a stolen
archive, or a stolen archive and data directory, reveals nothing without it. The stream is cut into
blocks of at most `BLOCK_BYTES`, each sealed with AES-256-GCM under a key derived (HKDF) from the backup
key and a random salt of this archive; a block's number is its nonce, and the header and whether the
block is the last one are authenticated with it. So a changed, removed, reordered or appended block, a
file cut short anywhere and a changed header all fail to open, and memory stays one block whatever the
size of the database. Nothing here knows Django: the stream is whatever `amparo.core.backup` writes.
"""

import base64
import hashlib
import json
import os
import secrets
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"AMPARO-BACKUP\n"
FORMAT = 1
BLOCK_BYTES = 1 << 20
_KEY_PREFIX = "amparo-backup-1:"
_TAG_BYTES = 16
_MAX_HEADER_BYTES = 4096


class ArchiveError(Exception):
    """An archive or a backup key that cannot be used; the message says why, in the operator's terms."""


def key_fingerprint(purpose: str, key: bytes) -> str:
    """A short public name for a secret key: tells keys apart without revealing anything of them."""
    return hashlib.sha256(f"amparo-key-fingerprint:{purpose}:".encode() + key).hexdigest()[:16]


@dataclass(frozen=True)
class BackupKey:
    secret: bytes

    @property
    def fingerprint(self) -> str:
        return key_fingerprint("backup", self.secret)

    @classmethod
    def generate(cls) -> "BackupKey":
        return cls(secrets.token_bytes(32))

    @classmethod
    def parse(cls, text: str, source: str) -> "BackupKey":
        text = text.strip()
        try:
            secret = base64.urlsafe_b64decode(text.removeprefix(_KEY_PREFIX)) if text.startswith(_KEY_PREFIX) else b""
        except ValueError:
            secret = b""
        if len(secret) != 32:
            raise ArchiveError(
                f"{source} is not an Amparo backup key: expected one line '{_KEY_PREFIX}' followed by 32 bytes "
                "in URL-safe base64, as `amparo backup --new-key` writes"
            )
        return cls(secret)

    @classmethod
    def read(cls, path: Path) -> "BackupKey":
        try:
            text = path.read_text(encoding="ascii", errors="replace")
        except OSError as error:
            raise ArchiveError(f"cannot read the backup key file {path}: {error.strerror}") from None
        return cls.parse(text, f"the backup key file {path}")

    def write_new(self, path: Path) -> None:
        """Write this key to a new file readable by its owner only; an existing file is never replaced."""
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise ArchiveError(f"{path} exists already; a backup key is never overwritten") from None
        except OSError as error:
            raise ArchiveError(f"cannot create the backup key file {path}: {error.strerror}") from None
        with os.fdopen(descriptor, "w") as handle:
            handle.write(_KEY_PREFIX + base64.urlsafe_b64encode(self.secret).decode() + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def _stream_cipher(key: BackupKey, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"amparo-backup-stream-1").derive(key.secret)
    return AESGCM(derived)


def _nonce(index: int) -> bytes:
    return index.to_bytes(12, "big")


class EncryptingWriter:
    """A write-only file object: what is written to it reaches `out` sealed, block by block.

    `close()` seals the last block (possibly empty) marked as last; an archive without it is incomplete.
    """

    def __init__(self, out: BinaryIO, key: BackupKey, block_bytes: int = BLOCK_BYTES):
        salt = secrets.token_bytes(16)
        header = json.dumps(
            {"format": FORMAT, "backup_key": key.fingerprint, "salt": salt.hex(), "block_bytes": block_bytes}
        ).encode()
        out.write(MAGIC + struct.pack(">I", len(header)) + header)
        self._out = out
        self._cipher = _stream_cipher(key, salt)
        self._bound = hashlib.sha256(MAGIC + header).digest()
        self._block_bytes = block_bytes
        self._buffer = bytearray()
        self._index = 0
        self.closed = False

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) >= self._block_bytes:
            self._seal(bytes(self._buffer[: self._block_bytes]), last=False)
            del self._buffer[: self._block_bytes]
        return len(data)

    def _seal(self, plain: bytes, last: bool) -> None:
        flag = b"\x01" if last else b"\x00"
        sealed = self._cipher.encrypt(_nonce(self._index), plain, self._bound + flag)
        self._out.write(flag + struct.pack(">I", len(sealed)) + sealed)
        self._index += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self.closed = True


class DecryptingReader:
    """A read-only file object over a sealed archive: every byte it returns has been authenticated.

    Raises ArchiveError, naming what is wrong, for a file that is not an archive, a different backup key,
    an altered or reordered block, a file cut short and bytes after the last block.
    """

    def __init__(self, source: BinaryIO, key: BackupKey, name: str):
        self._source = source
        self._name = name
        if source.read(len(MAGIC)) != MAGIC:
            raise ArchiveError(f"{name} is not an Amparo backup archive")
        size_bytes = source.read(4)
        size = struct.unpack(">I", size_bytes)[0] if len(size_bytes) == 4 else _MAX_HEADER_BYTES + 1
        header = source.read(size) if size <= _MAX_HEADER_BYTES else b""
        try:
            meta = json.loads(header)
            salt = bytes.fromhex(meta["salt"])
            self._block_bytes = int(meta["block_bytes"])
            written_with, archive_format = meta["backup_key"], meta["format"]
        except (ValueError, KeyError, TypeError):
            raise ArchiveError(f"{name} has a damaged header: it is cut short or not an Amparo backup") from None
        if archive_format != FORMAT:
            raise ArchiveError(f"{name} is in archive format {archive_format}; this Amparo reads format {FORMAT}")
        if written_with != key.fingerprint:
            raise ArchiveError(
                f"{name} was written with the backup key {written_with}, not with the key given ({key.fingerprint})"
            )
        self._cipher = _stream_cipher(key, salt)
        self._bound = hashlib.sha256(MAGIC + header).digest()
        self._index = 0
        self._plain = b""
        self._offset = 0
        self._finished = False

    def _read_exactly(self, size: int) -> bytes:
        data = self._source.read(size)
        if len(data) != size:
            raise ArchiveError(f"{self._name} is cut short: it ends inside block {self._index + 1}")
        return data

    def _open_next_block(self) -> None:
        flag = self._source.read(1)
        if not flag:
            raise ArchiveError(f"{self._name} is cut short: it ends after block {self._index}, before its last block")
        size = struct.unpack(">I", self._read_exactly(4))[0]
        if flag not in (b"\x00", b"\x01") or size > self._block_bytes + _TAG_BYTES:
            raise ArchiveError(f"{self._name} is altered or damaged at block {self._index + 1}")
        sealed = self._read_exactly(size)
        try:
            self._plain = self._cipher.decrypt(_nonce(self._index), sealed, self._bound + flag)
        except InvalidTag:
            raise ArchiveError(
                f"{self._name} is altered or damaged: block {self._index + 1} does not authenticate"
            ) from None
        self._offset = 0
        self._index += 1
        if flag == b"\x01":
            self._finished = True
            if self._source.read(1):
                raise ArchiveError(f"{self._name} has bytes after its last block: it was altered")

    def read(self, size: int = -1) -> bytes:
        parts, wanted = [], size if size >= 0 else float("inf")
        while wanted > 0:
            if self._offset == len(self._plain):
                if self._finished:
                    break
                self._open_next_block()
                continue
            part = self._plain[self._offset : self._offset + int(min(wanted, len(self._plain) - self._offset))]
            self._offset += len(part)
            wanted -= len(part)
            parts.append(part)
        return b"".join(parts)

    def read_to_end(self) -> None:
        """Authenticate the rest of the stream (through its last block), discarding it."""
        while not self._finished:
            self._open_next_block()
        self._offset = len(self._plain)
