"""Importing people from tables made by hand for the tests: encodings, a report naming file, row
and field, duplicates, unknown territories with suggestions, nothing half-imported."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from wagtail.models import ModelLogEntry

from quartiers.web.contacts.importer import Existing, import_contacts
from quartiers.web.contacts.models import Membership, Organisation, OrganisationTerritory, Person
from quartiers.web.contacts.services import load_bundled

from .factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "fichiers"
GOOD = (FILES / "contacts-essai.csv").read_text(encoding="utf-8")
BAD = (FILES / "contacts-essai-erreurs.csv").read_text(encoding="utf-8")
HEADER = "prénom;nom;courriel;fonction;organisation;type d'organisation;territoire(s);réseau(x)\n"


@pytest.fixture(autouse=True)
def _networks(db):
    load_bundled()


def _problems(report) -> list[tuple]:
    return [(p.row, p.field, p.message, p.blocking) for p in report.problems]


def test_a_good_file_is_imported_with_organisations_territories_and_networks():
    report = import_contacts(GOOD.encode(), "contacts-essai.csv")
    assert report.ok and report.written, report.lines
    assert (report.rows, report.created, report.updated, report.skipped) == (3, 3, 0, 0)
    assert report.encoding == "UTF-8"
    assert report.lines[-1] == ("contacts-essai.csv : importé, 3 ligne(s) lue(s) ; 3 personne(s) "
                                "créée(s), 0 mise(s) à jour, 0 ignorée(s) car déjà connue(s).")
    deux = Person.objects.get(email="personne.deux@exemple.test")  # lowered
    assert deux.organisation.name == "Préfecture d'essai"
    assert deux.organisation.kind == Organisation.Kind.STATE
    trois = Person.objects.get(email="personne.trois@exemple.test")
    assert sorted((t.level, t.code) for t in trois.organisation.territories.all()) == [
        ("commune", "35238"), ("qpv", "QN03504M")]
    assert sorted(m.network.name for m in trois.memberships.all()) == [
        "Acteurs culturels", "Médiateurs santé"]
    assert trois.revisions.count() == 1  # the history starts with the import
    assert ModelLogEntry.objects.filter(action="wagtail.create",
                                        object_id=str(trois.pk)).exists()


def test_checking_writes_nothing_and_says_what_would_be_done():
    report = import_contacts(GOOD.encode(), "contacts-essai.csv", check_only=True)
    assert report.ok and not report.written
    assert "vérifié" in report.summary and "3 personne(s) à créer" in report.summary
    assert "Rien n'a encore été importé" in report.summary
    assert not Person.objects.exists() and not Organisation.objects.exists()


def test_every_problem_is_named_by_file_row_and_field_and_nothing_is_imported():
    report = import_contacts(BAD.encode(), "contacts-essai-erreurs.csv")
    assert not report.ok and not report.written
    problems = _problems(report)
    assert any(row == 2 and field == "territoire(s)" and blocking and message.startswith(
        "code inconnu pour le niveau « EPCI (intercommunalité) » : « 243500138 » ; peut-être : ")
        and "Rennes Métropole (243500139)" in message
        for row, field, message, blocking in problems)
    assert (3, "courriel", "« personne.deux@@exemple.test » n'est pas une adresse "
            "électronique valide.", True) in problems
    assert any(row == 3 and field == "type d'organisation" and "« office HLM »" in message
               and "« Bailleur social »" in message for row, field, message, _ in problems)
    assert (4, "courriel", "personne.un@exemple.test figure déjà à la ligne 2 de ce fichier.",
            True) in problems
    assert any(row == 4 and field == "réseau(x)" and "« Réseau inventé »" in message
               and "« Médiateurs santé »" in message for row, field, message, _ in problems)
    assert ("contacts-essai-erreurs.csv, ligne 3, courriel : « personne.deux@@exemple.test » "
            "n'est pas une adresse électronique valide.") in report.lines
    assert report.summary.endswith("rien n'a été importé.")
    assert not Person.objects.exists() and not Organisation.objects.exists()


def test_one_bad_row_among_good_ones_imports_nothing():
    content = GOOD + "Personne;d'Essai Quatre;pas-une-adresse;;;;;\n"
    report = import_contacts(content.encode(), "contacts-essai.csv")
    assert not report.ok
    assert [p.row for p in report.problems] == [5]
    assert not Person.objects.exists() and not Membership.objects.exists()
    assert not OrganisationTerritory.objects.exists()


@pytest.mark.parametrize("encoding, said", [
    ("utf-8-sig", "UTF-8 avec BOM"),
    ("cp1252", "Windows-1252"),
    ("utf-16", "UTF-16"),
])
def test_encodings_are_detected_and_said(encoding, said):
    report = import_contacts(GOOD.encode(encoding), "contacts-essai.csv")
    assert report.ok, report.lines
    assert report.encoding.startswith(said)
    assert report.lines[0].startswith(f"contacts-essai.csv : encodage {said}")
    assert Person.objects.get(email="personne.un@exemple.test").organisation.name == \
        "Collectivité d'essai"
    assert Membership.objects.filter(
        network__name="Chef·fe·s de projet politique de la ville").count() == 1


def test_an_undecodable_file_is_refused_clearly():
    raw = HEADER.encode() + b"Personne;d'Essai;essai@exemple.test;\x81\x8d;;;;\n"
    report = import_contacts(raw, "contacts-essai.csv")
    assert not report.ok
    assert report.lines[-2].startswith("contacts-essai.csv : encodage illisible, ni UTF-8 ni "
                                       "Windows-1252 (octet 0x81")
    assert not Person.objects.exists()


def test_a_binary_or_broken_file_is_refused_clearly():
    assert "pas un fichier texte" in import_contacts(b"\x00\x01" * 10, "a.csv").lines[0]
    broken = import_contacts(b"PK\x03\x04 pas un classeur", "contacts-essai.xlsx")
    assert "n'est pas un classeur XLSX lisible" in broken.lines[0]
    assert "Excel 97-2003" in import_contacts(b"\xd0\xcf\x11\xe0", "vieux.xls").lines[0]
    assert "vide.csv : fichier vide" in import_contacts(b"", "vide.csv").lines[1]


def test_a_missing_address_column_is_said():
    report = import_contacts("prénom;nom;adresse postale\nPersonne;d'Essai;1 rue\n".encode(),
                             "sans-courriel.csv")
    assert not report.ok
    assert report.lines[1] == ("sans-courriel.csv, ligne 1 : colonne « adresse postale » "
                               "inconnue, ignorée.")
    assert report.lines[2].startswith("sans-courriel.csv, ligne 1 : colonne « courriel » "
                                      "absente ; colonnes attendues : prénom, nom, courriel")


def test_an_xlsx_file_is_imported():
    book = Workbook()
    sheet = book.active
    for line in GOOD.splitlines():
        sheet.append(line.split(";"))
    sheet.append(["Personne", "d'Essai Cinq", "personne.cinq@exemple.test", None, None, None,
                  None, None])
    data = io.BytesIO()
    book.save(data)
    report = import_contacts(data.getvalue(), "contacts-essai.xlsx")
    assert report.ok and report.created == 4, report.lines
    assert report.encoding == ""
    assert Person.objects.filter(email="personne.cinq@exemple.test", organisation=None).exists()


def test_known_people_are_skipped_or_updated_as_chosen():
    known = PersonFactory(email="personne.un@exemple.test", function="Ancienne fonction")
    skipped = import_contacts(GOOD.encode(), "contacts-essai.csv")
    assert (skipped.created, skipped.skipped) == (2, 1)
    assert any(p.row == 2 and "déjà connue" in p.message and not p.blocking
               for p in skipped.problems)
    known.refresh_from_db()
    assert known.function == "Ancienne fonction"

    updated = import_contacts(GOOD.encode(), "contacts-essai.csv", existing=Existing.UPDATE)
    assert (updated.created, updated.updated) == (0, 3)
    known.refresh_from_db()
    assert known.function == "Cheffe de projet (essai)"
    assert known.organisation.name == "Collectivité d'essai"
    assert Organisation.objects.filter(name="Collectivité d'essai").count() == 1


def test_duplicates_by_name_in_an_organisation_are_warned_not_blocking():
    organisation = OrganisationFactory(name="Collectivité d'essai",
                                       kind=Organisation.Kind.LOCAL_AUTHORITY)
    twin = PersonFactory(first_name="personne", last_name="D’ESSAI-UN",
                         organisation=organisation, email="autre.adresse@exemple.test")
    content = GOOD + ("Personne;d'Essai Trois;personne.trois.bis@exemple.test;;Association "
                      "d'essai;association;;\n")
    report = import_contacts(content.encode(), "contacts-essai.csv")
    assert report.ok
    warnings = _problems(report)
    assert (2, "nom", f"une personne du même nom existe déjà dans cette organisation (fiche n° "
            f"{twin.pk}, autre adresse) : doublon probable.", False) in warnings
    assert (5, "nom", "même nom et même organisation qu'à la ligne 4 (doublon probable).",
            False) in warnings


def test_an_organisation_type_conflict_is_a_warning_and_a_new_one_needs_its_type():
    OrganisationFactory(name="Collectivité d'essai", kind=Organisation.Kind.ASSOCIATION)
    content = HEADER + ("Personne;d'Essai Un;personne.un@exemple.test;;collectivité d’essai;"
                        "Collectivité territoriale;;\n"
                        "Personne;d'Essai Deux;personne.deux@exemple.test;;Nouvelle d'essai;;;\n")
    report = import_contacts(content.encode(), "contacts-essai.csv")
    assert (2, "type d'organisation", "« Collectivité d'essai » est enregistrée comme "
            "« Association » : type inchangé.", False) in _problems(report)
    assert (3, "type d'organisation", "nouvelle organisation « Nouvelle d'essai » sans type : "
            "indiquez-le.", True) in _problems(report)


def test_the_command_line_checks_then_imports(tmp_path, capsys, monkeypatch):
    from quartiers.cli import main

    monkeypatch.setattr("quartiers.cli.contacts.start_django", lambda args: None)  # set up

    path = tmp_path / "contacts-essai.csv"
    path.write_text(GOOD, encoding="cp1252")
    assert main(["contacts", "importer", str(path), "--verifier"]) == 0
    assert not Person.objects.exists()
    assert main(["contacts", "importer", str(path)]) == 0
    assert Person.objects.count() == 3
    wrong = tmp_path / "contacts-essai-erreurs.csv"
    wrong.write_text(BAD, encoding="utf-8")
    assert main(["contacts", "importer", str(wrong)]) == 1
    err = capsys.readouterr().err
    assert "encodage Windows-1252" in err
    assert "contacts-essai-erreurs.csv, ligne 3, courriel" in err
