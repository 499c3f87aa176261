"""The agreement's store: encrypted (nothing readable without its key), apart from the warehouse
and the Django database, all-or-nothing, and erased at the end."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from quartiers.config import current
from quartiers.engine.partners.store import AgreementStore

from .conftest import fixture_text


def test_store_bytes_hold_no_identifier_nor_pseudonym(agreement):
    assert agreement.deposit(fixture_text()).accepted
    content = agreement.store.path.read_bytes()
    pseudonyms = {r["logement"] for r in agreement.rows()} | {r["menage"] for r in agreement.rows()}
    assert pseudonyms and not any(p.encode() in content for p in pseudonyms)
    for plain in (b"LGT-0001", b"BAIL-00001", b"QN03502M", b"plafond PLUS", b"logement"):
        assert plain not in content
    assert not agreement.store.path.with_name(agreement.store.path.name + ".wal").exists()


def test_store_cannot_be_opened_without_its_key(agreement, tmp_path):
    assert agreement.deposit(fixture_text()).accepted
    with pytest.raises(duckdb.Error):
        duckdb.connect(str(agreement.store.path), read_only=True).execute("SELECT 1 FROM rows")
    wrong = AgreementStore(agreement.store.directory, agreement.code, "00" * 32)
    with pytest.raises(duckdb.Error):
        wrong.deposits()


def test_store_lives_apart_from_the_warehouse_and_the_database(agreement, warehouse_path):
    config = current()
    for place in (config.partners_store, config.partners_keys):
        assert place not in config.warehouse.parents and place != config.warehouse
        assert str(place) not in config.database_url
    assert config.partners_keys not in config.partners_store.parents
    modified = warehouse_path.stat().st_mtime_ns
    assert agreement.deposit(fixture_text()).accepted
    assert warehouse_path.stat().st_mtime_ns == modified
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "rows" not in tables


def test_a_failed_append_stores_nothing(agreement):
    assert agreement.deposit(fixture_text()).accepted
    bad = pa.table({"logement": ["x"]})
    with pytest.raises(ValueError):
        agreement.store.append("depot-x", bad, {"logement": "identifier"})
    assert agreement.store.deposits() == {"depot-1": 40}


def test_delete_deposit_and_destroy(agreement):
    assert agreement.deposit(fixture_text()).accepted
    assert agreement.deposit(fixture_text()).accepted
    assert agreement.store.delete_deposit("depot-1") == 40
    assert agreement.store.deposits() == {"depot-2": 40}
    facts = agreement.store.destroy()
    assert facts.existed and facts.deposits == 1 and facts.rows == 40 and facts.bytes > 0
    assert not agreement.store.exists() and agreement.store.deposits() == {}
    assert facts.as_json()["file"] == "TC-2026-001.duckdb"
