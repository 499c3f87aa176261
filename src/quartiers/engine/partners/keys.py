"""The agreements' keys, one JSON file per agreement, kept apart from the stores.

A file holds the pseudonymisation key chain (oldest first) and the store's encryption key. A
pseudonym is the fold of HMAC-SHA256 over the chain: ``HMAC(k_n, … HMAC(k_1, value))``. Rotating
appends a key and re-hashes every stored pseudonym with it, so a later deposit (folded over the
longer chain) still meets the same person; someone holding only the old keys can no longer compute
the current pseudonyms. Destroying the file makes the store unreadable and the pseudonyms
unlinkable for good (crypto-shredding). Files are mode 0600 in a 0700 directory.
"""

from __future__ import annotations

import hmac
import json
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def pseudonymise(value: str, keys: list[bytes]) -> str:
    """The pseudonym of an identifier (surrounding spaces ignored), as 64 hex digits."""
    digest = value.strip().encode("utf-8")
    for key in keys:
        digest = hmac.digest(key, digest, "sha256")
    return digest.hex()


def rehash(pseudonym: str, key: bytes) -> str:
    """One more fold: a pseudonym of the old chain → its pseudonym under the chain plus ``key``."""
    return hmac.digest(key, bytes.fromhex(pseudonym), "sha256").hex()


class MissingKeys(LookupError):
    """No keys for this agreement (never created, or destroyed)."""


class KeyRing:
    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def _path(self, code: str) -> Path:
        if not CODE.match(code):
            raise ValueError(f"code de convention invalide : {code!r}")
        return self.directory / f"{code}.json"

    def exists(self, code: str) -> bool:
        return self._path(code).exists()

    def _read(self, code: str) -> dict:
        try:
            return json.loads(self._path(code).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise MissingKeys(f"aucune clé pour la convention {code} (jamais créée, ou détruite "
                            "à la suppression de ses données)") from None

    def _write(self, code: str, data: dict) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.directory, 0o700)
        path = self._path(code)
        partial = path.with_suffix(".tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)

    def create(self, code: str) -> None:
        if self.exists(code):
            raise ValueError(f"les clés de la convention {code} existent déjà")
        self._write(code, {"pseudonym_keys": [_new_key()], "store_key": secrets.token_hex(32),
                           "created_at": _now()})

    def pseudonym_keys(self, code: str) -> list[bytes]:
        return [bytes.fromhex(k["key"]) for k in self._read(code)["pseudonym_keys"]]

    def store_key(self, code: str) -> str:
        return self._read(code)["store_key"]

    def rotate(self, code: str, store) -> int:
        """Append a key and re-hash the store's pseudonyms with it in one transaction; the key
        file is only replaced once the store has committed. Returns the rows re-hashed."""
        data = self._read(code)
        fresh = _new_key()
        rows = store.rehash(bytes.fromhex(fresh["key"]))
        data["pseudonym_keys"].append(fresh)
        self._write(code, data)
        return rows

    def destroy(self, code: str) -> bool:
        """Overwrite then erase the agreement's key file; True if there was one."""
        path = self._path(code)
        if not path.exists():
            return False
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.write(secrets.token_bytes(size))
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
        return True


def _new_key() -> dict:
    return {"key": secrets.token_hex(32), "created_at": _now()}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
