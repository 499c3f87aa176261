"""Importing programme documents into the database: all or nothing, reported line by line."""

from __future__ import annotations

import hashlib

import pytest

from quartiers.web.programme.models import Action, Axis, Pole, Programme, Public, Theme
from quartiers.web.programme.services import import_programme, load_bundled
from quartiers.web.programme.taxonomy import PUBLICS, THEMES

from .conftest import SEEDS


@pytest.mark.django_db
def test_load_bundled_imports_both_programmes_once():
    summary = load_bundled()
    assert summary.startswith("Programmes d'actions : 2024 (")
    assert f"taxonomie : {len(THEMES)} thèmes et {len(PUBLICS)} publics ajoutés" in summary
    assert list(Programme.objects.values_list("year", flat=True)) == [2026, 2024]
    counts = (Pole.objects.count(), Axis.objects.count(), Action.objects.count())
    assert load_bundled() == "Programmes d'actions : déjà présents ; taxonomie : déjà en place."
    assert (Pole.objects.count(), Axis.objects.count(), Action.objects.count()) == counts


@pytest.mark.django_db
def test_import_stores_the_real_programme_with_its_provenance():
    report = import_programme(SEEDS / "programme-2024.txt", 2024)
    assert report.ok
    programme = Programme.objects.get(year=2024)
    assert programme.source_name == "programme-2024.txt"
    assert programme.source_sha256 == hashlib.sha256(
        (SEEDS / "programme-2024.txt").read_bytes()).hexdigest()
    assert list(programme.poles.values_list("name", flat=True)) == [
        "Politique de la ville", "Cohésion sociale", "Transitions | Économie",
        "Data et Quartiers", "Veille et Communication"]
    laval = Action.objects.get(axis__pole__programme=programme, source_line=65)
    assert (laval.title, laval.dates, laval.place, laval.format) == (
        "Rencontre inter-régionale de la politique de la ville", "13 juin 2024", "Laval",
        "rencontre")
    assert laval.revisions.count() == 1  # the imported version, to compare staff's edits with
    may = Action.objects.get(axis__pole__programme=programme, source_line=275)
    assert may.dates == "mai 2024"
    health = Axis.objects.get(pole__programme=programme, name="La santé")
    assert "Médiateurs et médiatrices santé" in health.publics_text
    assert set(health.actions.first().publics.values_list("slug", flat=True)) == {"sante"}
    assert report.lines[0].startswith("programme-2024.txt → programme 2024 « Programme d'actions "
                                      "2024 » : 5 pôles,")
    assert "dont 7 datées" in report.lines[0]
    assert "ligne 370 : crochet manquant autour de la date « 20 février 2024, à Lorient » : date " \
           "lue quand même" in report.lines


@pytest.mark.django_db
def test_an_existing_year_is_replaced_only_when_asked():
    import_programme(SEEDS / "programme-2026.txt", 2026)
    action = Action.objects.first()
    action.title = "Titre modifié dans la gestion"
    action.save()
    refused = import_programme(SEEDS / "programme-2026.txt", 2026)
    assert not refused.ok and refused.lines == [
        "programme-2026.txt : le programme 2026 existe déjà ; ajoutez --remplacer pour le "
        "remplacer (les modifications faites dans la gestion seront perdues)."]
    assert Action.objects.filter(title="Titre modifié dans la gestion").exists()
    report = import_programme(SEEDS / "programme-2026.txt", 2026, replace=True)
    assert "Programme 2026 existant remplacé (9 actions supprimées)." in report.lines
    assert Action.objects.count() == 9
    assert not Action.objects.filter(title="Titre modifié dans la gestion").exists()


@pytest.mark.django_db
def test_a_document_without_any_action_is_refused_with_its_lines(tmp_path):
    path = tmp_path / "rapport.txt"
    path.write_text("Rapport financier 2031\nTableau 3 ; charges ; produits\n", encoding="utf-8")
    report = import_programme(path, 2031)
    assert not report.ok
    assert report.lines[0].startswith("rapport.txt : aucune action reconnue")
    assert "ligne 2 : ligne non classée, non reprise : « Tableau 3 ; charges ; produits »" \
        in report.lines
    assert not Programme.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "message"), [
    (b"\xff\xfe\x00P\x00o", "n'est pas un texte UTF-8"),
    (b"P\x00le", "n'est pas un document texte"),
])
def test_unreadable_files_are_refused(tmp_path, content, message):
    path = tmp_path / "programme.txt"
    path.write_bytes(content)
    report = import_programme(path, 2031)
    assert not report.ok and report.lines[0].startswith("programme.txt : ")
    assert message in report.lines[0]
    missing = import_programme(tmp_path / "absent.txt", 2031)
    assert missing.lines == [f"{tmp_path / 'absent.txt'} : fichier introuvable."]


@pytest.mark.django_db
def test_the_import_is_all_or_nothing(tmp_path, monkeypatch):
    """A failure while storing the actions leaves no programme, pôle or axis behind."""
    def broken(self, *args, **kwargs):
        raise RuntimeError("panne au milieu de l'import")

    monkeypatch.setattr(Action, "save_revision", broken)
    with pytest.raises(RuntimeError):
        import_programme(SEEDS / "programme-2024.txt", 2024)
    assert not (Programme.objects.exists() or Pole.objects.exists() or Axis.objects.exists())


@pytest.mark.django_db
def test_staff_keywords_are_kept_and_used(tmp_path):
    load_bundled()
    theme = Theme.objects.get(slug="ville-la-nuit")
    theme.keywords = "nocturne"
    theme.save()
    load_bundled()
    assert Theme.objects.get(slug="ville-la-nuit").keywords == "nocturne"
    path = tmp_path / "programme.txt"
    path.write_text("Pôle Essai\n\nModalités :\n\n- Marche nocturne dans le quartier (essai)\n",
                    encoding="utf-8")
    import_programme(path, 2031)
    action = Action.objects.get(axis__pole__programme__year=2031)
    assert list(action.themes.values_list("slug", flat=True)) == ["ville-la-nuit"]
    assert Public.objects.count() == len(PUBLICS)
