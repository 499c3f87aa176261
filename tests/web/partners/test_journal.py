"""The journal's hash chain: written by the services, checked by ``verify``; any change made
behind the application's back (a raw SQL UPDATE, a deleted row) is found and named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection

from quartiers.engine.partners import journal
from quartiers.web.partners.models import AppendOnly, JournalEntry
from quartiers.web.partners.services import log, verify_journal


def test_canonical_json_sorts_keys_and_writes_iso_dates():
    fields = {"b": 1, "a": datetime(2026, 3, 1, 12, tzinfo=UTC), "c": "é"}
    assert journal.canonical(fields) == '{"a":"2026-03-01T12:00:00+00:00","b":1,"c":"é"}'.encode()
    assert journal.entry_hash("0" * 64, fields) == journal.entry_hash("0" * 64, dict(reversed(
        fields.items())))
    assert journal.entry_hash("0" * 64, fields) != journal.entry_hash("1" * 64, fields)


def _entries(count: int) -> list[dict]:
    entries, previous = [], journal.GENESIS
    for seq in range(1, count + 1):
        fields = {"seq": seq, "at": datetime(2026, 1, seq, tzinfo=UTC), "actor": "essai",
                  "action": "access", "agreement_code": "TC-2026-001", "object_ref": "",
                  "details": {"n": seq}}
        entry = {**fields, "previous_hash": previous, "hash": journal.entry_hash(previous, fields)}
        entries.append(entry)
        previous = entry["hash"]
    return entries


def test_verify_pure_chain():
    entries = _entries(4)
    result = journal.verify(entries)
    assert result.ok and result.count == 4 and result.last_hash == entries[-1]["hash"]
    assert str(result).startswith("Journal intact : 4 entrées")

    changed = [dict(entry) for entry in entries]
    changed[2]["details"] = {"n": 99}
    assert journal.verify(changed).broken_seq == 3
    assert "altéré à l'entrée n° 3" in str(journal.verify(changed))

    removed = entries[:1] + entries[2:]
    result = journal.verify(removed)
    assert result.broken_seq == 2 and "manquante" in result.reason


@pytest.mark.django_db
def test_services_chain_and_a_raw_update_is_detected():
    for number in range(3):
        log("essai@exemple.test", JournalEntry.Action.ACCESS, "TC-2026-001", f"page {number}",
            {"date": datetime(2026, 5, 4, tzinfo=UTC), "nombre": number})
    result = verify_journal()
    assert result.ok and result.count == 3
    assert result.last_hash == JournalEntry.objects.get(seq=3).hash

    with connection.cursor() as cursor:
        cursor.execute("UPDATE partners_journalentry SET actor = %s WHERE seq = 2", ["intrus"])
    result = verify_journal()
    assert not result.ok and result.broken_seq == 2
    assert str(result).startswith("Journal altéré à l'entrée n° 2 : son contenu ne correspond plus")


@pytest.mark.django_db
def test_a_raw_delete_is_detected():
    for number in range(3):
        log("essai@exemple.test", JournalEntry.Action.ACCESS, "TC-2026-001", f"page {number}")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM partners_journalentry WHERE seq = 2")
    assert verify_journal().broken_seq == 2


@pytest.mark.django_db
def test_the_journal_is_append_only():
    entry = log("essai@exemple.test", JournalEntry.Action.ACCESS, "TC-2026-001", "page")
    entry.actor = "intrus"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        JournalEntry.objects.all().delete()
    with pytest.raises(AppendOnly):
        JournalEntry.objects.filter(seq=1).update(actor="intrus")
    assert JournalEntry.objects.get().actor == "essai@exemple.test"


@pytest.mark.django_db
def test_entries_cut_from_the_end_are_found_by_the_anchor_kept_outside(
        django_capture_on_commit_callbacks, partners_dirs):
    """Deleting the last entries leaves a valid chain; the trace kept with the keys does not."""
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            log("essai@exemple.test", JournalEntry.Action.ACCESS, "TC-2026-001", f"page {number}")
    assert verify_journal().ok
    assert (partners_dirs.partners_keys / "journal-tete.txt").read_text().startswith("3 ")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM partners_journalentry WHERE seq = 3")
    result = verify_journal()
    assert not result.ok and result.broken_seq == 3 and "fin du journal supprimée" in str(result)
