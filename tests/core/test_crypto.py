import base64
import os
import stat

import pytest
from cryptography.exceptions import InvalidTag

from amparo.core import crypto


@pytest.fixture
def private_ring(tmp_path, monkeypatch):
    """A key file in a fresh data directory, never the one other tests use."""
    monkeypatch.setenv("AMPARO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("AMPARO_FIELD_KEYS", raising=False)
    crypto.key_ring.cache_clear()
    yield tmp_path
    crypto.key_ring.cache_clear()


def test_a_sealed_value_opens_to_the_same_text():
    ring = crypto.KeyRing.generate()
    token = crypto.seal("Ñuñoa Quispe", ring)
    assert "Ñuñoa" not in token and crypto.open_sealed(token, ring) == "Ñuñoa Quispe"


def test_sealing_twice_gives_different_ciphertexts():
    ring = crypto.KeyRing.generate()
    assert crypto.seal("40123456", ring) != crypto.seal("40123456", ring)


def test_it_refuses_a_tampered_ciphertext():
    ring = crypto.KeyRing.generate()
    prefix, key_id, payload = crypto.seal("40123456", ring).split(":")
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(InvalidTag):
        crypto.open_sealed(f"{prefix}:{key_id}:{base64.urlsafe_b64encode(bytes(raw)).decode()}", ring)


def test_it_refuses_a_value_moved_to_another_key_id():
    first = crypto.KeyRing.generate("k1")
    both = crypto.KeyRing((("k2", first.key("k1")), *first.keys))
    token = crypto.seal("40123456", first).replace("enc1:k1:", "enc1:k2:")
    with pytest.raises(InvalidTag):  # the key id is authenticated data
        crypto.open_sealed(token, both)


def test_a_new_active_key_still_opens_values_sealed_with_the_old_one():
    old = crypto.KeyRing.generate("k1")
    token = crypto.seal("Rosa", old)
    new = old.with_new_active_key()
    assert new.active_id == "k2" and new.old_ids == ("k1",)
    assert crypto.open_sealed(token, new) == "Rosa"
    assert crypto.sealed_key_id(crypto.seal("Rosa", new)) == "k2"


def test_without_the_old_key_old_values_cannot_be_opened():
    old = crypto.KeyRing.generate("k1")
    token = crypto.seal("Rosa", old)
    with pytest.raises(crypto.KeyRingError, match="no key 'k1'"):
        crypto.open_sealed(token, old.with_new_active_key().active_only())


@pytest.mark.parametrize("text", ["", "k1", "k1:" + base64.urlsafe_b64encode(b"short").decode(), ":" + "A" * 44])
def test_it_refuses_a_malformed_ring(text):
    with pytest.raises((crypto.KeyRingError, ValueError)):
        crypto.KeyRing.parse(text)


def test_a_ring_survives_serialisation():
    ring = crypto.KeyRing.generate().with_new_active_key()
    assert crypto.KeyRing.parse(ring.serialise()) == ring


def test_the_key_file_is_created_readable_by_its_owner_only(private_ring):
    ring = crypto.key_ring()
    path = private_ring / "field_keys"
    assert crypto.KeyRing.parse(path.read_text()) == ring
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_writing_the_ring_replaces_the_file_and_the_cached_ring(private_ring):
    new = crypto.key_ring().with_new_active_key()
    crypto.key_ring_write(new)
    assert crypto.key_ring() == new
    assert stat.S_IMODE(os.stat(private_ring / "field_keys").st_mode) == 0o600
    assert [p.name for p in private_ring.iterdir()] == ["field_keys"]


def test_it_refuses_to_write_a_ring_that_comes_from_the_environment(private_ring, monkeypatch):
    monkeypatch.setenv("AMPARO_FIELD_KEYS", crypto.KeyRing.generate().serialise())
    with pytest.raises(crypto.KeyRingError, match="AMPARO_FIELD_KEYS"):
        crypto.key_ring_write(crypto.KeyRing.generate())
    assert not (private_ring / "field_keys").exists()


def test_lookup_hashes_ignore_spaces_and_case_but_not_digits():
    assert crypto.lookup_hash(" 4012 3456 ") == crypto.lookup_hash("40123456")
    assert crypto.lookup_hash("ab123") == crypto.lookup_hash("AB123")
    assert crypto.lookup_hash("40123457") != crypto.lookup_hash("40123456")
    assert "40123456" not in crypto.lookup_hash("40123456")
