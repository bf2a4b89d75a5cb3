"""The sealed archive stream: what goes in comes out, and any change to the file is refused by name."""

import io
import struct

import pytest

from amparo.core.archive import MAGIC, ArchiveError, BackupKey, DecryptingReader, EncryptingWriter

BLOCK = 1000
PAYLOAD = bytes(range(256)) * 20  # 5,120 bytes: five whole blocks and a short last one


def _seal(payload: bytes, key: BackupKey) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, key, block_bytes=BLOCK)
    for start in range(0, len(payload), 333):  # written in pieces that straddle the blocks
        writer.write(payload[start : start + 333])
    writer.close()
    return out.getvalue()


def _open(sealed: bytes, key: BackupKey) -> bytes:
    reader = DecryptingReader(io.BytesIO(sealed), key, "test.bak")
    parts = []
    while part := reader.read(777):
        parts.append(part)
    return b"".join(parts)


def _blocks(sealed: bytes) -> list[tuple[int, int]]:
    """(start, end) of each sealed block in the file, read from the layout independently of the reader."""
    header_size = struct.unpack(">I", sealed[len(MAGIC) : len(MAGIC) + 4])[0]
    position, found = len(MAGIC) + 4 + header_size, []
    while position < len(sealed):
        size = struct.unpack(">I", sealed[position + 1 : position + 5])[0]
        found.append((position, position + 5 + size))
        position += 5 + size
    return found


@pytest.fixture(scope="module")
def key():
    return BackupKey.generate()


@pytest.fixture(scope="module")
def sealed(key):
    return _seal(PAYLOAD, key)


def test_what_is_written_reads_back_whole(sealed, key):
    assert len(_blocks(sealed)) == 6
    assert _open(sealed, key) == PAYLOAD
    assert PAYLOAD[:256] not in sealed


def test_an_empty_stream_still_has_its_last_block(key):
    assert _open(_seal(b"", key), key) == b""


def test_another_key_is_named_before_anything_is_read(sealed, key):
    other = BackupKey.generate()
    with pytest.raises(ArchiveError, match=f"written with the backup key {key.fingerprint}, not with the key given"):
        DecryptingReader(io.BytesIO(sealed), other, "test.bak")


@pytest.mark.parametrize("offset", [len(MAGIC) + 10, 200, 2500, -1])
def test_a_changed_byte_is_refused(sealed, key, offset):
    tampered = bytearray(sealed)
    tampered[offset] ^= 0x01
    with pytest.raises(ArchiveError, match="altered or damaged|damaged header"):
        _open(bytes(tampered), key)


@pytest.mark.parametrize("keep", [5, len(MAGIC) + 20, 1500, -1])
def test_a_file_cut_short_anywhere_is_refused(sealed, key, keep):
    with pytest.raises(ArchiveError, match="cut short|damaged header|not an Amparo backup"):
        _open(sealed[:keep], key)


def test_a_file_cut_at_a_block_boundary_is_refused(sealed, key):
    last_start = _blocks(sealed)[-1][0]
    with pytest.raises(ArchiveError, match="before its last block"):
        _open(sealed[:last_start], key)


def test_swapped_blocks_are_refused(sealed, key):
    (a0, a1), (b0, b1) = _blocks(sealed)[1:3]
    swapped = sealed[:a0] + sealed[b0:b1] + sealed[a0:a1] + sealed[b1:]
    with pytest.raises(ArchiveError, match="block 2 does not authenticate"):
        _open(swapped, key)


def test_bytes_after_the_last_block_are_refused(sealed, key):
    with pytest.raises(ArchiveError, match="bytes after its last block"):
        _open(sealed + b"\x00", key)


def test_a_key_file_is_one_line_and_is_never_overwritten(tmp_path):
    path = tmp_path / "backup.key"
    key = BackupKey.generate()
    key.write_new(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert BackupKey.read(path) == key
    with pytest.raises(ArchiveError, match="never overwritten"):
        BackupKey.generate().write_new(path)
    path.with_name("bad.key").write_text("not a key\n")
    with pytest.raises(ArchiveError, match="is not an Amparo backup key"):
        BackupKey.read(path.with_name("bad.key"))
