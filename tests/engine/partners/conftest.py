"""An agreement's keys and store in a temporary folder, and a deposit helper over them."""

from __future__ import annotations

from pathlib import Path

import pytest

from quartiers.engine.partners.ingest import ingest
from quartiers.engine.partners.keys import KeyRing
from quartiers.engine.partners.schemas import SCHEMAS
from quartiers.engine.partners.store import AgreementStore

FIXTURES = Path(__file__).parent / "fixtures"
LOGEMENTS = "logements_fichier_essai.csv"
C2S = "beneficiaires_c2s_fichier_essai.csv"


class Agreement:
    """One agreement's key ring and store; ``deposit`` runs ``ingest`` as the web app does."""

    def __init__(self, root: Path, code: str, warehouse: Path):
        self.code = code
        self.ring = KeyRing(root / "cles")
        if not self.ring.exists(code):
            self.ring.create(code)
        self.store = AgreementStore(root / "donnees", code, self.ring.store_key(code))
        self.warehouse = warehouse
        self.count = 0

    def deposit(self, content: bytes | str, filename: str = LOGEMENTS,
                schema: str = "logements_sociaux", **options):
        if isinstance(content, str):
            content = content.encode("utf-8")
        self.count += 1
        options.setdefault("allowed_fields", SCHEMAS[schema].names)
        return ingest(SCHEMAS[schema], filename, content, deposit_id=f"depot-{self.count}",
                      store=self.store, keys=self.ring.pseudonym_keys(self.code),
                      warehouse=self.warehouse, **options)

    def rows(self, sql: str = "SELECT * FROM depot.rows ORDER BY deposit_id") -> list[dict]:
        with self.store.connect() as con:
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture
def agreement(tmp_path, warehouse_path) -> Agreement:
    return Agreement(tmp_path, "TC-2026-001", warehouse_path)


@pytest.fixture
def other_agreement(tmp_path, warehouse_path) -> Agreement:
    return Agreement(tmp_path, "TC-2026-002", warehouse_path)


def fixture_text(name: str = LOGEMENTS) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")
