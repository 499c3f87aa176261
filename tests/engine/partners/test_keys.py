"""Pseudonyms: stable across deposits, different across agreements, still linkable after a key
rotation; key files private; destroyed keys leave nothing to link or decrypt."""

from __future__ import annotations

import stat

import pytest

from quartiers.engine.partners.keys import KeyRing, MissingKeys, pseudonymise

from .conftest import fixture_text


def _ids(agreement, deposit: str) -> set[str]:
    return {r["logement"] for r in agreement.rows() if r["deposit_id"] == deposit}


def test_pseudonym_is_a_fold_of_hmac_over_the_chain():
    import hashlib
    import hmac

    k1, k2 = b"1" * 32, b"2" * 32
    first = hmac.new(k1, b"LGT-0001", hashlib.sha256).digest()
    assert pseudonymise(" LGT-0001 ", [k1]) == first.hex()
    assert pseudonymise("LGT-0001", [k1, k2]) == hmac.new(k2, first, hashlib.sha256).hexdigest()


def test_stable_across_deposits_and_different_across_agreements(agreement, other_agreement):
    for target in (agreement, agreement, other_agreement):
        assert target.deposit(fixture_text()).accepted
    assert _ids(agreement, "depot-1") == _ids(agreement, "depot-2")
    assert len(_ids(agreement, "depot-1")) == 30
    assert not _ids(agreement, "depot-1") & _ids(other_agreement, "depot-1")


def test_rotation_keeps_deposits_linkable(agreement):
    assert agreement.deposit(fixture_text()).accepted
    before = _ids(agreement, "depot-1")
    old_keys = agreement.ring.pseudonym_keys(agreement.code)
    assert agreement.ring.rotate(agreement.code, agreement.store) == 40
    keys = agreement.ring.pseudonym_keys(agreement.code)
    assert len(keys) == 2 and keys[0] == old_keys[0]
    rotated = _ids(agreement, "depot-1")
    assert not rotated & before  # the old keys alone no longer give the stored pseudonyms
    assert rotated == {pseudonymise(f"LGT-{i:04d}", keys) for i in range(30)}
    assert agreement.deposit(fixture_text()).accepted
    assert _ids(agreement, "depot-2") == rotated


def test_key_files_are_private_and_destroyed(agreement):
    path = agreement.ring.directory / f"{agreement.code}.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(agreement.ring.directory.stat().st_mode) == 0o700
    with pytest.raises(ValueError):
        agreement.ring.create(agreement.code)
    assert agreement.ring.destroy(agreement.code)
    assert not path.exists() and not agreement.ring.destroy(agreement.code)
    with pytest.raises(MissingKeys):
        agreement.ring.store_key(agreement.code)


def test_agreement_codes_cannot_escape_the_folder(tmp_path):
    with pytest.raises(ValueError):
        KeyRing(tmp_path).create("../autre")
