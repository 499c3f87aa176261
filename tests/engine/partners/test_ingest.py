"""Deposits end to end: accepted files located and pseudonymised, bad ones refused with the row
and the column named, and nothing stored from a refused file."""

from __future__ import annotations

import hashlib
import json
import re

from quartiers.engine.partners.schemas import SCHEMAS

from .conftest import C2S, FIXTURES, LOGEMENTS, fixture_text

RENNES_METROPOLE = ("epci", "243500139")


def _with_cell(text: str, row: int, column: str, value: str, separator: str = ";") -> str:
    """The fixture with one cell replaced; ``row`` as in the file (the header is row 1)."""
    lines = text.splitlines()
    header = lines[0].split(separator)
    cells = lines[row - 1].split(separator)
    cells[header.index(column)] = value
    lines[row - 1] = separator.join(cells)
    return "\n".join(lines) + "\n"


def test_accepted_file_is_located_pseudonymised_and_stripped_of_positions(agreement):
    content = (FIXTURES / LOGEMENTS).read_bytes()
    report = agreement.deposit(content, territories=[RENNES_METROPOLE])
    assert report.accepted, report.errors
    assert report.rows == 40 and report.error_count == 0
    assert report.sha256 == hashlib.sha256(content).hexdigest()
    assert sum(report.located.values()) == 40
    assert "CSV, encodage UTF-8, séparateur point-virgule" in report.warnings[0]
    rows = agreement.rows()
    assert set(rows[0]) == {"deposit_id", *SCHEMAS["logements_sociaux"].stored_columns}
    assert not {"longitude", "latitude", "adresse"} & set(rows[0])
    assert all(re.fullmatch("[0-9a-f]{64}", r["logement"]) for r in rows)
    assert not any("LGT-" in str(v) or "BAIL-" in str(v) for r in rows for v in r.values())
    by_qpv = {r["qpv"] for r in rows}
    assert {"QN03502M", "QN03503I", "QN03504M", "QN03505M", "QN03506I", None} == by_qpv
    assert {r["commune"] for r in rows} == {"35238", "35051", "35024"}
    first = rows[0]
    assert str(first["date_entree"]) == "2019-01-01" and first["taille_menage"] == 1
    assert agreement.store.deposits() == {"depot-1": 40}


def test_wrong_schema_is_refused_naming_the_columns(agreement):
    report = agreement.deposit(fixture_text(), schema="beneficiaires_c2s")
    assert not report.accepted
    messages = " | ".join(e.message for e in report.errors)
    assert "colonne « logement » : colonne inconnue du schéma" in messages
    assert "colonne « beneficiaire » : colonne obligatoire absente" in messages
    assert {e.row for e in report.errors} == {1}
    assert not agreement.store.exists()


def test_column_outside_the_agreement_is_refused(agreement):
    allowed = [n for n in SCHEMAS["logements_sociaux"].names if n != "commune_precedente"]
    report = agreement.deposit(fixture_text(), allowed_fields=allowed)
    assert not report.accepted
    assert report.errors[0].field == "commune_precedente" and report.errors[0].row == 1
    assert "non prévue par la convention" in report.errors[0].message
    assert not agreement.store.exists()


def test_bad_values_are_named_by_row_and_column_and_nothing_is_stored(agreement):
    text = fixture_text()
    text = _with_cell(text, 2, "date_entree", "31/02/2024")
    text = _with_cell(text, 3, "date_sortie", "2024-13-01")
    text = _with_cell(text, 4, "taille_menage", "trois")
    text = _with_cell(text, 5, "tranche_age_reference", "30 ans")
    text = _with_cell(text, 6, "commune_precedente", "99999")
    text = _with_cell(text, 7, "longitude", "")
    text = _with_cell(text, 8, "tranche_revenus", "")
    report = agreement.deposit(text)
    assert not report.accepted
    found = {(e.row, e.field) for e in report.errors}
    assert {(2, "date_entree"), (3, "date_sortie"), (4, "taille_menage"),
            (5, "tranche_age_reference"), (6, "commune_precedente"), (7, None),
            (8, "tranche_revenus")} == found
    message = next(e.message for e in report.errors if e.row == 2)
    assert message.startswith("logements_fichier_essai.csv, ligne 2, colonne « date_entree »")
    assert "« 31/02/2024 » n'est pas une date" in message
    assert "valeur manquante" in next(e.message for e in report.errors if e.row == 8)
    assert not agreement.store.exists()


def test_category_spelling_is_made_canonical(agreement):
    text = _with_cell(fixture_text(), 2, "tranche_age_reference", "Moins De 25 Ans")
    assert agreement.deposit(text).accepted
    assert agreement.rows()[0]["tranche_age_reference"] == "moins de 25 ans"


def test_rows_outside_the_agreement_territories_are_refused(agreement):
    report = agreement.deposit(fixture_text(), territories=[("commune", "35238")])
    assert not report.accepted
    # the fixture's points in Cesson-Sévigné (rows 8, 16…) and Betton (rows 9, 17…)
    assert {e.row for e in report.errors} == {r for r in range(2, 42) if (r - 2) % 8 in (6, 7)}
    assert "territoire que la convention ne couvre pas (commune 35051" in report.errors[0].message
    assert report.errors[0].field == "commune"
    assert not agreement.store.exists()


def test_an_agreement_with_unreadable_territories_refuses_with_a_report(agreement):
    report = agreement.deposit(fixture_text(), territories=[("qpv2015", "QP035001")])
    assert not report.accepted and "niveau qpv2015" in report.errors[0].message
    assert not agreement.store.exists()


def test_a_point_outside_france_is_an_error(agreement):
    text = _with_cell(_with_cell(fixture_text(), 3, "longitude", "48.1"), 3, "latitude", "-1.7")
    report = agreement.deposit(text)
    assert not report.accepted
    assert (report.errors[0].row, report.errors[0].field) == (3, "longitude")
    assert "inversées" in report.errors[0].message


def test_errors_are_capped_but_counted(agreement):
    lines = fixture_text().splitlines()
    text = "\n".join([lines[0]] + [lines[1].replace("2019-01-01", "hier")] * 300) + "\n"
    report = agreement.deposit(text)
    assert report.error_count == 300 and len(report.errors) == 100
    assert report.as_json()["errors_shown"] == 100


def test_an_address_without_geocoder_gives_a_clear_error(agreement):
    text = ("logement;menage;adresse;date_entree;taille_menage;tranche_age_reference;"
            "tranche_revenus\nL1;B1;2 rue de Brest 35000 Rennes;2024-01-01;2;25-39 ans;"
            "non renseignées\n")
    report = agreement.deposit(text)
    assert not report.accepted
    assert "le géocodage n'est pas configuré" in report.errors[0].message
    assert "donnez longitude et latitude" in report.errors[0].message


def test_addresses_are_geocoded_then_dropped(agreement, address_server):
    import csv

    from quartiers.config import current
    from quartiers.engine.locator.geocoding import Geocoder

    with (current().data_dir / "education" / "ecoles_35.csv").open(encoding="utf-8") as handle:
        schools = [r for r in csv.DictReader(handle) if r["commune"].upper() == "RENNES"][:12]
    lines = ["logement;menage;adresse;date_entree;taille_menage;tranche_age_reference;"
             "tranche_revenus"]
    lines += [f"L{i};B{i};{s['adresse']} {s['code_postal']} {s['commune']};2024-01-01;2;"
              "25-39 ans;non renseignées" for i, s in enumerate(schools)]
    with Geocoder(address_server) as geocoder:
        report = agreement.deposit("\n".join(lines) + "\n", geocoder=geocoder)
    assert report.accepted, report.errors
    assert set(report.located) <= {"adresse", "adresse, à vérifier"}
    rows = agreement.rows()
    assert {r["commune"] for r in rows} == {"35238"} and "adresse" not in rows[0]


def test_c2s_by_iris_or_qpv(agreement):
    report = agreement.deposit((FIXTURES / C2S).read_bytes(), C2S, "beneficiaires_c2s",
                               territories=[RENNES_METROPOLE])
    assert report.accepted, report.errors
    assert report.located == {"iris": 15, "qpv": 15}
    rows = agreement.rows()
    assert {r["commune"] for r in rows if r["localisation"] == "iris"} == {"35238"}
    assert all(r["commune"] is None for r in rows if r["localisation"] == "qpv")


def test_c2s_codes_are_checked(agreement):
    text = fixture_text(C2S).replace("352380102", "35238010", 1).replace("QN03502M", "QP035002", 1)
    report = agreement.deposit(text, C2S, "beneficiaires_c2s")
    fields = {e.field for e in report.errors}
    assert fields == {"iris", "qpv"} and not agreement.store.exists()
    text = fixture_text(C2S).replace("352380102", "", 1)
    report = agreement.deposit(text, C2S, "beneficiaires_c2s")
    assert "ligne sans localisation" in report.errors[0].message


def test_anct_posts_with_the_scheme_given_at_deposit(agreement):
    content = (FIXTURES / "adultes_relais_extrait_anct.csv").read_bytes()
    refused = agreement.deposit(content, "adultes_relais.csv", "postes_subventionnes")
    assert refused.errors[0].field == "dispositif"
    report = agreement.deposit(content, "adultes_relais.csv", "postes_subventionnes",
                               fixed={"dispositif": "adultes-relais"},
                               territories=[("region", "53"), ("region", "52")])
    assert report.accepted, report.errors
    rows = agreement.rows()
    assert len(rows) == 30 and {r["dispositif"] for r in rows} == {"adultes-relais"}
    assert rows[0]["montant"] == 19875.06 and rows[0]["raison_sociale"]
    assert re.fullmatch("[0-9a-f]{64}", rows[0]["code_tiers"])
    outside = agreement.deposit(content, "adultes_relais.csv", "postes_subventionnes",
                                fixed={"dispositif": "FONJEP"}, territories=[("region", "52")])
    assert not outside.accepted and outside.errors[0].field == "insee_dep"
    assert "département 35, région 53" in outside.errors[0].message


def test_real_anct_files_when_bundled(agreement):
    import pytest

    from quartiers.config import current

    folder = current().data_dir / "politique_ville"
    files = {"adultes_relais_2020_2023_reg52_53.csv.gz": "adultes-relais",
             "postes_fonjep_2020_2023_reg52_53.csv.gz": "FONJEP"}
    if not all((folder / name).exists() for name in files):
        pytest.skip("fichiers de l'ANCT pas encore dans data/politique_ville")
    for name, scheme in files.items():
        report = agreement.deposit((folder / name).read_bytes(), name, "postes_subventionnes",
                                   fixed={"dispositif": scheme})
        assert report.accepted, report.errors
    assert sum(agreement.store.deposits().values()) == 983 + 326


def test_a_refused_file_leaves_none_of_its_content_in_the_report(agreement):
    """The report is kept in the site's database: a file without a header row must not leave
    its first data row there as « columns », nor a malformed row its content."""
    _, *lines = fixture_text().splitlines()
    report = agreement.deposit("\n".join(lines) + "\n")
    assert not report.accepted and report.columns == []
    kept = json.dumps(report.as_json(), ensure_ascii=False)
    assert "LGT-0000" not in kept and "BAIL-00000" not in kept and "colonne « n° 1 »" in kept
    report = agreement.deposit(fixture_text() + "LGT-9;BAIL-SECRET;1;2;3\n")
    kept = json.dumps(report.as_json(), ensure_ascii=False)
    assert not report.accepted and "BAIL-SECRET" not in kept
