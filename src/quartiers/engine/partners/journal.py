"""The trusted third party's journal as a hash chain: each entry's SHA-256 covers its own fields
and the previous entry's hash, so that changing, removing or reordering any entry breaks every
hash after it. Pure functions on plain values (the web app stores the entries)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

GENESIS = "0" * 64
"""The « previous hash » of the first entry."""

HASHED = ("seq", "at", "actor", "action", "agreement_code", "object_ref", "details")
"""The fields an entry's hash covers, besides the previous hash."""


def _plain(value):
    """Dates in ISO 8601 (UTC for aware times, so that a time zone change keeps the hashes),
    UUIDs and decimals as text."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    raise TypeError(f"valeur non enregistrable dans le journal : {value!r}")


def canonical(fields: Mapping) -> bytes:
    """One byte string per content: sorted keys, no spaces, UTF-8, ISO dates."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_plain).encode()


def entry_hash(previous_hash: str, fields: Mapping) -> str:
    """SHA-256 (hex) of the previous hash followed by the entry's canonical JSON."""
    return hashlib.sha256(previous_hash.encode() + b"\n" + canonical(fields)).hexdigest()


@dataclass(frozen=True)
class Verification:
    """The journal's check: ``broken_seq`` is the first entry that does not hold, with why."""

    count: int
    last_hash: str
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None

    def __str__(self) -> str:
        if self.ok:
            return (f"Journal intact : {self.count} entrée{'s' if self.count > 1 else ''}, "
                    f"dernière empreinte {self.last_hash}.")
        return f"Journal altéré à l'entrée n° {self.broken_seq} : {self.reason}"


def verify(entries: Iterable[Mapping]) -> Verification:
    """Check a journal in order of ``seq``: each entry a mapping of the ``HASHED`` fields plus
    ``previous_hash`` and ``hash``. Stops at the first entry that breaks the chain."""
    previous, count, expected_seq = GENESIS, 0, 1
    for entry in entries:
        seq = entry["seq"]
        if seq != expected_seq:
            missing = "manquante" if seq > expected_seq else "en double ou déplacée"
            return Verification(count, previous, expected_seq if seq > expected_seq else seq,
                                f"entrée n° {expected_seq} {missing} (trouvé le n° {seq}).")
        if entry["previous_hash"] != previous:
            return Verification(count, previous, seq, "l'empreinte précédente enregistrée ne "
                                "correspond pas à celle de l'entrée d'avant (entrée supprimée, "
                                "insérée ou réordonnée).")
        computed = entry_hash(previous, {name: entry[name] for name in HASHED})
        if computed != entry["hash"]:
            return Verification(count, previous, seq, "son contenu ne correspond plus à son "
                                "empreinte (entrée modifiée après son enregistrement).")
        previous, count, expected_seq = computed, count + 1, seq + 1
    return Verification(count, previous)
