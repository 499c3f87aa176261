"""Downloads of a profile's figures (CSV, XLSX, JSON), each row with its full lineage.

One long table: the comparison (one row per indicator × reference, at the territory's latest
vintage), then every series point (one row per line × year). Numbers are written as the
warehouse holds them — published values as published, computed ones rounded once at the
build — whole numbers as integers, booleans in French.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from .profiles import Profile
from .warehouse.store import Value, plain

COLUMNS = ("tableau", "territoire_niveau", "territoire_code", "territoire_nom", "reference",
           "reference_niveau", "reference_code", "geographie", "indicateur", "libelle", "unite",
           "millesime", "annee", "valeur", "statut", "statut_libelle", "source", "methode", "note",
           "millesime_different")
YES_NO = {True: "oui", False: "non"}


def profile_rows(profile: Profile) -> list[dict]:
    """The profile in long form: comparison rows, then series rows."""
    territory = profile.territory
    base = {"territoire_niveau": territory["level"], "territoire_code": territory["code"],
            "territoire_nom": territory["name"]}
    comparison = profile.comparison
    rows = []
    for row in comparison["rows"]:
        for ref, cell in zip(comparison["references"], row["cells"], strict=True):
            rows.append({**base, "tableau": "comparaison", "reference": ref["label"],
                         "reference_niveau": ref["level"], "reference_code": ref["code"],
                         **_value_columns(row["indicator"], cell["value"]),
                         "millesime_different": YES_NO[cell["other_vintage"]]})
    for series in profile.series:
        for line in series.lines:
            for value in line.points:
                rows.append({**base, "tableau": "série", "reference": line.label,
                             "reference_niveau": value.level, "reference_code": value.code,
                             **_value_columns(series.indicator, value),
                             "millesime_different": YES_NO[False]})
    return rows


def _value_columns(indicator, value: Value | None) -> dict:
    return {"indicateur": indicator.code, "libelle": indicator.label, "unite": indicator.unit,
            "geographie": value.geography if value else None,
            "millesime": value.vintage if value else None,
            "annee": value.year if value else None,
            "valeur": plain(value.value) if value else None,
            "statut": value.status if value else "absent",
            "statut_libelle": value.status_label if value else "non disponible à ce niveau",
            "source": value.source if value else None,
            "methode": value.method if value else None,
            "note": (value.note or None) if value else None}


def _french(value) -> str | int | None:
    """A CSV cell as a French spreadsheet reads it: decimal comma, no float artefact."""
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return value


def to_csv(rows: list[dict]) -> str:
    """Semicolon CSV with a BOM: what French spreadsheet users open without an import wizard."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=";")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _french(v) for k, v in row.items()})
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
