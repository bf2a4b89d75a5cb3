"""Backing up a running Amparo into one encrypted archive, and restoring it (docs/backup.md).

The archive (`core.archive`, sealed under a backup key kept apart from the data directory) holds a tar
stream: the database as one consistent snapshot (SQLite's online backup API, or `pg_dump` in its custom
format, which reads one transaction's snapshot), the data directory's files, and last a manifest with
every member's size and SHA-256 and the fingerprints of the keys that open the sealed identities.

What of the data directory is left out is rebuilt by Amparo: `static/` (written by `amparo collectstatic`),
the statistics' sealed snapshot (read again from the database), the SQLite files themselves (their
snapshot is the database member) and names starting with a dot (files being written, work directories).
Every other file goes in, the key files (`field_keys`, `lookup_key`, `secret_key`) included, so that the
backup key alone opens a restore. Keys given in the environment are not files and stay out: the operator
keeps them, and a restore refuses to start unless the keys it will use open what the archive holds.
"""

import getpass
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection

from amparo.core import crypto
from amparo.core.archive import BackupKey, DecryptingReader, EncryptingWriter, key_fingerprint

SQLITE_MEMBER = "database/amparo.sqlite3"
POSTGRESQL_MEMBER = "database/postgresql.dump"
DATA_PREFIX = "data/"
MANIFEST = "manifest.json"
KEY_FILES = {"field_keys": "AMPARO_FIELD_KEYS", "lookup_key": "AMPARO_LOOKUP_KEY", "secret_key": "AMPARO_SECRET_KEY"}
REBUILT = ("static", "statistics-snapshot.sealed")  # see the module's docstring
# What Django's settings create in a data directory on start-up: a directory holding only these is empty.
CREATED_ON_START = {"static", "secret_key"}
_COPY_BYTES = 1 << 20
_MAX_KEY_FILE_BYTES = 1 << 16


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what to do."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    bytes: int
    database: str
    files: list[str]
    keys_from_environment: list[str]


@dataclass(frozen=True)
class RestoreSummary:
    target: Path
    database: str
    created: str
    files: list[str]
    set_aside: Path | None


def backup_key_from(path: Path | None) -> BackupKey:
    """The backup key in `path`, else in settings.BACKUP_KEY_FILE; never a file in the data directory."""
    path = path or (Path(settings.BACKUP_KEY_FILE) if settings.BACKUP_KEY_FILE else None)
    if path is None:
        raise BackupError(
            "no backup key: give --key-file FILE or set AMPARO_BACKUP_KEY_FILE "
            "(create one with `amparo backup --new-key FILE`, kept away from the data directory)"
        )
    refuse_key_in_data_directory(path)
    return BackupKey.read(path)


def refuse_key_in_data_directory(path: Path) -> None:
    data = Path(settings.DATA_DIR).resolve()
    if path.resolve().is_relative_to(data):
        raise BackupError(
            f"the backup key {path} is inside the data directory {data}: keep it apart, "
            "or whoever takes the data directory can open every archive"
        )


def _data_files(data: Path, database_file: Path | None) -> list[Path]:
    """The data directory's files that are data (not rebuilt, not being written), sorted."""
    skipped = set(REBUILT)
    found = []
    for path in sorted(data.rglob("*")):
        relative = path.relative_to(data)
        top = relative.parts[0]
        if any(part.startswith(".") for part in relative.parts) or top in skipped:
            continue
        if top.startswith("statistics-snapshot.sealed"):  # the snapshot's file while it is being replaced
            continue
        if database_file is not None and top.startswith(database_file.name):  # the SQLite file, WAL, journal
            continue
        if path.is_file() and not path.is_symlink():
            found.append(path)
    return found


def _sqlite_snapshot(database_file: Path, copy: Path) -> None:
    """One consistent copy of a live SQLite database: the backup API copies it in one step, in one read
    transaction, so writers that commit meanwhile are either wholly in the copy or not at all."""
    source = sqlite3.connect(database_file, timeout=60)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
        if target.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"the copy of {database_file} fails SQLite's integrity check: the database is damaged")
    finally:
        target.close()
        source.close()


def postgresql_program(name: str) -> str:
    """pg_dump or pg_restore: on PATH, else the newest under /usr/lib/postgresql (Debian's layout)."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if not versions:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client programs (Debian: apt install postgresql-client), "
            "of the server's version or newer"
        )
    return str(versions[-1])


def _postgresql_environment() -> dict[str, str]:
    """The connection settings for pg_dump and pg_restore, the password in the environment, not on the command line."""
    database = settings.DATABASES["default"]
    environment = {**os.environ, "PGDATABASE": str(database["NAME"])}
    for variable, name in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if database.get(name):
            environment[variable] = str(database[name])
    return environment


def _run_postgresql_program(name: str, *arguments: str) -> None:
    result = subprocess.run(
        [postgresql_program(name), "--no-password", *arguments],
        env=_postgresql_environment(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {result.stderr.strip()[-2000:]}")


class _Hashing:
    def __init__(self, handle):
        self._handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self.digest.update(data)
        return data


def _add(tar: tarfile.TarFile, name: str, path: Path, manifest: dict) -> None:
    info = tarfile.TarInfo(name)
    info.size = path.stat().st_size
    info.mode = 0o600
    info.mtime = int(path.stat().st_mtime)
    with path.open("rb") as handle:
        hashing = _Hashing(handle)
        tar.addfile(info, hashing)
    manifest["members"][name] = {"bytes": info.size, "sha256": hashing.digest.hexdigest()}


def _key_fingerprints(field_ring_text: str | None, lookup_secret: str | None) -> dict:
    ring = crypto.KeyRing.parse(field_ring_text) if field_ring_text else None
    return {
        "field_keys": {kid: key_fingerprint("field", key) for kid, key in ring.keys} if ring else {},
        "lookup_key": key_fingerprint("lookup", lookup_secret.encode()) if lookup_secret else None,
    }


def _read_if_exists(path: Path) -> str | None:
    return path.read_text() if path.is_file() else None


def backup_write(out: Path, key: BackupKey) -> BackupSummary:
    """Write one encrypted archive of the database and the data directory to `out`, which must not exist.

    The archive is written beside `out` under a hidden name and renamed once complete, so `out` is a whole
    archive or nothing. The database snapshot waits in a private work directory in the data directory.
    """
    data = Path(settings.DATA_DIR)
    if out.exists():
        raise BackupError(f"{out} exists already; give a new file name")
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent} is not a directory")
    vendor = connection.vendor
    database_file = Path(settings.DATABASES["default"]["NAME"]) if vendor == "sqlite" else None
    work = Path(tempfile.mkdtemp(dir=data, prefix=".backup-"))
    partial = out.with_name(f".{out.name}.{secrets.token_hex(4)}.partial")
    try:
        if vendor == "sqlite":
            dump, dump_member = work / "amparo.sqlite3", SQLITE_MEMBER
            _sqlite_snapshot(database_file, dump)
        else:
            dump, dump_member = work / "postgresql.dump", POSTGRESQL_MEMBER
            _run_postgresql_program("pg_dump", "--format=custom", "--file", str(dump))
        files = _data_files(data, database_file)
        manifest = {
            "format": 1,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": vendor,
            "members": {},
            "keys": _key_fingerprints(
                crypto.key_ring_in_effect(_read_if_exists(data / "field_keys")),
                crypto.lookup_secret_in_effect(_read_if_exists(data / "lookup_key")),
            ),
        }
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            writer = EncryptingWriter(handle, key)
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                _add(tar, dump_member, dump, manifest)
                for path in files:
                    _add(tar, DATA_PREFIX + path.relative_to(data).as_posix(), path, manifest)
                body = json.dumps(manifest, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(body), 0o600
                tar.addfile(info, _BytesReader(body))
            writer.close()
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(partial, out)  # never replaces a file that appeared meanwhile
        except FileExistsError:
            raise BackupError(f"{out} appeared while the backup was written; give a new file name") from None
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    return BackupSummary(
        path=out,
        bytes=out.stat().st_size,
        database=vendor,
        files=[path.relative_to(data).as_posix() for path in files],
        keys_from_environment=[variable for variable in KEY_FILES.values() if os.environ.get(variable)],
    )


class _BytesReader:
    def __init__(self, data: bytes):
        self._data, self._offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._offset + size
        part = self._data[self._offset : end]
        self._offset += len(part)
        return part


def backup_audit_details(summary: BackupSummary, key: BackupKey) -> dict:
    """What the audit log says of a backup: who ran it, the size and the key, never what it holds."""
    return {
        "operating_system_user": getpass.getuser(),
        "archive": summary.path.name,
        "bytes": summary.bytes,
        "database": summary.database,
        "data_files": len(summary.files),
        "backup_key": key.fingerprint,
    }


def _member_path(member: tarfile.TarInfo, name: str) -> PurePosixPath:
    path = PurePosixPath(member.name)
    if not member.isreg() or path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"{name} holds an entry Amparo does not write ({member.name!r}); it is not restored")
    return path


def _walk(archive: Path, key: BackupKey, on_member) -> dict:
    """Read the whole archive, authenticated block by block, calling on_member(name, chunks) for each file;
    check every member against the manifest; return the manifest."""
    try:
        handle = archive.open("rb")
    except OSError as error:
        raise BackupError(f"cannot read {archive}: {error.strerror}") from None
    with handle:
        reader = DecryptingReader(handle, key, archive.name)
        seen, manifest = {}, None
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:
                for member in tar:
                    path = _member_path(member, archive.name)
                    source = tar.extractfile(member)
                    if member.name == MANIFEST:
                        manifest = json.loads(source.read())
                        continue
                    digest = hashlib.sha256()

                    def chunks(source=source, digest=digest):
                        while chunk := source.read(_COPY_BYTES):
                            digest.update(chunk)
                            yield chunk

                    on_member(path, chunks())
                    seen[member.name] = {"bytes": member.size, "sha256": digest.hexdigest()}
            reader.read_to_end()
        except tarfile.TarError as error:
            raise BackupError(f"{archive.name} does not hold a readable archive: {error}") from None
    if manifest is None or manifest.get("members") != seen:
        raise BackupError(f"{archive.name} does not match its own manifest: it was not written whole by Amparo")
    return manifest


def _drain(path: PurePosixPath, chunks) -> None:
    for _ in chunks:
        pass


def backup_verify(archive: Path, key: BackupKey) -> dict:
    """Read and authenticate the whole archive without writing anything; its manifest."""
    return _walk(archive, key, _drain)


def _holds_data(target: Path) -> bool:
    if not target.exists():
        return False
    if not target.is_dir():
        return True
    for entry in target.iterdir():
        if entry.name not in CREATED_ON_START or (entry.is_dir() and any(entry.iterdir())):
            return True
    return False


def _check_keys_open(manifest: dict, field_file: str | None, lookup_file: str | None) -> None:
    """Refuse a restore whose identities the keys it will use cannot open (keys in the environment come first)."""
    wanted = manifest["keys"]
    effective = _key_fingerprints(crypto.key_ring_in_effect(field_file), crypto.lookup_secret_in_effect(lookup_file))
    missing = [
        kid for kid, fingerprint in wanted["field_keys"].items() if effective["field_keys"].get(kid) != fingerprint
    ]
    if missing:
        raise BackupError(
            f"the archive's identities are sealed with field keys {', '.join(missing)}, which neither "
            "AMPARO_FIELD_KEYS nor the archive's field_keys file holds: set AMPARO_FIELD_KEYS to the key ring "
            "the backup was made with, then restore again"
        )
    if wanted["lookup_key"] and effective["lookup_key"] != wanted["lookup_key"]:
        raise BackupError(
            "the look-up key in effect is not the one the archive's identity numbers were hashed with: set "
            "AMPARO_LOOKUP_KEY to the value the backup was made with, then restore again"
        )


def restore(archive: Path, key: BackupKey, target: Path, replace: bool) -> RestoreSummary:
    """Restore an archive into the data directory `target` and the configured database, all or nothing.

    The whole archive is authenticated before anything is written; then it is unpacked into a hidden
    directory beside `target`, a PostgreSQL dump restored in one transaction, and the directory renamed
    into place. A `target` that holds data is refused unless `replace`, and then set aside, not deleted.
    """
    vendor = connection.vendor
    if _holds_data(target) and not replace:
        raise BackupError(f"{target} is not empty; restore into a new directory, or give --replace")
    keys = {}

    def keep_key_files(path: PurePosixPath, chunks) -> None:
        name = path.as_posix().removeprefix(DATA_PREFIX)
        if name in ("field_keys", "lookup_key"):
            keys[name] = b"".join(chunks)[:_MAX_KEY_FILE_BYTES].decode("utf-8", "replace")
        else:
            _drain(path, chunks)

    manifest = _walk(archive, key, keep_key_files)
    if manifest["database"] != vendor:
        raise BackupError(
            f"{archive.name} holds a {manifest['database']} database, but Amparo is configured for {vendor}: "
            + (
                "unset AMPARO_DATABASE_URL to restore it"
                if manifest["database"] == "sqlite"
                else "set AMPARO_DATABASE_URL to an empty PostgreSQL database to restore it"
            )
        )
    _check_keys_open(manifest, keys.get("field_keys"), keys.get("lookup_key"))
    if vendor == "postgresql" and connection.introspection.table_names() and not replace:
        raise BackupError(
            f"the database {settings.DATABASES['default']['NAME']} is not empty; restore into an empty "
            "database (createdb), or give --replace"
        )

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.restoring-"))
    files = []

    def unpack(path: PurePosixPath, chunks) -> None:
        name = path.as_posix()
        if name.startswith(DATA_PREFIX):
            files.append(name.removeprefix(DATA_PREFIX))
            destination = staging / name.removeprefix(DATA_PREFIX)
        elif name == SQLITE_MEMBER:
            destination = staging / "amparo.sqlite3"
        else:
            destination = staging / ".postgresql.dump"
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())

    set_aside = None
    try:
        _walk(archive, key, unpack)
        if vendor == "postgresql":
            options = ["--clean", "--if-exists"] if replace else []
            dump = staging / ".postgresql.dump"
            _run_postgresql_program(
                "pg_restore", "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", *options,
                "--dbname", str(settings.DATABASES["default"]["NAME"]), str(dump),
            )  # fmt: skip
            dump.unlink()
        if target.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            aside = target.with_name(f"{target.name}.before-restore-{stamp}")
            keep = _holds_data(target)
            target.rename(aside)
            if keep:
                set_aside = aside
            else:
                shutil.rmtree(aside)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return RestoreSummary(
        target=target, database=vendor, created=manifest["created"], files=sorted(files), set_aside=set_aside
    )
