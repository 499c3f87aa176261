"""Downloads of a profile's figures (CSV, XLSX, JSON), each row with its full lineage."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from .warehouse.store import Warehouse

COLUMNS = ("territoire_niveau", "territoire_code", "territoire_nom", "reference", "reference_niveau",
           "reference_code", "indicateur", "libelle", "unite", "millesime", "valeur", "statut",
           "source", "methode", "note", "millesime_different")


def profile_rows(store: Warehouse, level: str, code: str) -> list[dict]:
    """The comparison table of a profile, in long form: one row per indicator × reference."""
    territory = store.territory(level, code)
    comparison = store.comparison(level, code)
    rows = []
    for row in comparison["rows"]:
        indicator = row["indicator"]
        for ref, cell in zip(comparison["references"], row["cells"], strict=True):
            value = cell["value"]
            rows.append({
                "territoire_niveau": level, "territoire_code": code,
                "territoire_nom": territory["name"], "reference": ref["label"],
                "reference_niveau": ref["level"], "reference_code": ref["code"],
                "indicateur": indicator.code, "libelle": indicator.label, "unite": indicator.unit,
                "millesime": value.vintage if value else None,
                "valeur": value.value if value else None,
                "statut": value.status if value else "absent",
                "source": value.source if value else None,
                "methode": value.method if value else None,
                "note": value.note if value else None,
                "millesime_different": cell["other_vintage"],
            })
    return rows


def to_csv(rows: list[dict]) -> str:
    """Semicolon CSV with a BOM: what French spreadsheet users open without an import wizard."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=";")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: str(v).replace(".", ",") if isinstance(v, float) else v
                         for k, v in row.items()})
    return buffer.getvalue()


def to_xlsx(rows: list[dict], sources: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Chiffres"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    about = workbook.create_sheet("Sources")
    about.append(["source", "producteur", "jeu de données", "millésime", "licence", "mention"])
    for source in sources:
        about.append([source["key"], source["producer"], source["dataset"], source["vintage"],
                      source["licence"], source["attribution"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
