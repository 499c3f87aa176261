"""``quartiers tiers``: the same services as the partner space, French messages, exit status 2
for a refusal and 1 for a tampered journal."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from quartiers.cli import main

from .test_cli import run
from .web.partners.factories import AgreementFactory, partner_member

FIXTURES = Path(__file__).parent / "web" / "partners" / "fixtures"
POSTS = str(FIXTURES / "postes_fichier_essai.csv")


@pytest.fixture
def tiers(monkeypatch, settings, tmp_path, warehouse_path, db):
    """The command over the test database, with the stores, keys and releases of this test."""
    from quartiers import config
    from quartiers.web.accounts.models import Role
    from quartiers.web.accounts.services import ensure_roles

    from .web.accounts.factories import UserFactory

    monkeypatch.setattr(config, "_current", config.current())
    settings.QUARTIERS = settings.QUARTIERS.with_options(
        warehouse=warehouse_path, partners_store=tmp_path / "donnees",
        partners_keys=tmp_path / "cles", imports_dir=tmp_path / "imports")
    ensure_roles()
    return UserFactory(email="equipe@exemple.test", roles=[Role.STAFF])


@pytest.fixture
def agreement(tiers):
    from quartiers.web.partners.services import activate

    return activate(AgreementFactory(signed=True), tiers)


def test_list_show_deposit_and_refusals(capsys, tiers, agreement):
    member = partner_member(agreement.partner, email="membre@exemple.test")
    code, output = run(capsys, "tiers", "conventions")
    assert code == 0 and agreement.code in output and "active" in output
    code, output = run(capsys, "tiers", "convention", agreement.code.lower())
    assert code == 0 and "Signataire" in output and "seuil 11, dominance (1, 85 %)" in output

    code, output = run(capsys, "tiers", "deposer", agreement.code, POSTS, "--par", member.email)
    assert code == 0 and "Dépôt accepté" in output and "24 lignes" in output
    code, output = run(capsys, "tiers", "deposer", agreement.code, POSTS, "--par", member.email)
    assert code == 2 and "Dépôt refusé : rien n'est enregistré" in output
    assert "déjà été déposé" in output

    for args, message in (
            (("deposer", "TC-1999-001", POSTS, "--par", member.email),
             "Aucune convention n'a le code « TC-1999-001 »"),
            (("deposer", agreement.code, "absent.csv", "--par", member.email),
             "absent.csv : fichier introuvable"),
            (("deposer", agreement.code, POSTS, "--par", "inconnu@exemple.test"),
             "Aucun compte actif n'a l'adresse « inconnu@exemple.test »"),
            (("deposer", agreement.code, POSTS, "--par", tiers.email), "Seuls les membres de"),
            (("calculer", agreement.code, "postes", "--par", member.email),
             "Seule l'équipe du centre peut demander un calcul"),
            (("publier", "999", "--par", tiers.email), "Aucune sortie n'a le numéro 999"),
            (("rotation-cle", agreement.code, "--par", member.email),
             "Seule l'équipe du centre peut changer la clé")):
        code, output = run(capsys, "tiers", *args)
        assert (code, message in output) == (2, True), output


def test_a_huge_file_is_refused_before_being_read(capsys, tiers, agreement, monkeypatch,
                                                  tmp_path):
    from quartiers.engine.partners import reading

    member = partner_member(agreement.partner)
    monkeypatch.setattr(reading, "DEFAULT_LIMITS", reading.Limits(max_bytes=1 << 20))
    huge = tmp_path / "gros_fichier_essai.csv"
    huge.write_bytes(Path(POSTS).read_bytes() * 700)
    code, output = run(capsys, "tiers", "deposer", agreement.code, str(huge), "--par", member.email)
    assert code == 2 and "fichier trop volumineux (1,6 Mo ; au plus 1 Mo par dépôt)" in output
    assert not agreement.deposits.exists()


def test_the_journal_is_verified_and_tampering_named(capsys, tiers, agreement):
    code, output = run(capsys, "tiers", "verifier-journal")
    assert code == 0 and output.startswith("Journal intact : 2 entrées")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE partners_journalentry SET details = %s WHERE seq = 2", ['{}'])
    code, output = run(capsys, "tiers", "verifier-journal")
    assert code == 1 and "Journal altéré à l'entrée n° 2" in output


def test_rotation_and_purge(capsys, tiers, agreement):
    member = partner_member(agreement.partner)
    assert run(capsys, "tiers", "deposer", agreement.code, POSTS, "--par", member.email)[0] == 0
    code, output = run(capsys, "tiers", "rotation-cle", agreement.code, "--par", tiers.email)
    assert code == 0 and "24 ligne(s) re-pseudonymisée(s)" in output
    code, output = run(capsys, "tiers", "purger", "--date", str(agreement.starts_on))
    assert code == 0 and "rien à effacer" in output
    code, output = run(capsys, "tiers", "purger", "--date", str(agreement.ends_on))
    assert code == 0 and f"{agreement.code} : données effacées (1 dépôt(s), 24 lignes" in output
    assert "clés détruites" in output
    code, output = run(capsys, "tiers", "purger", "--date", "2026-02-30")
    assert code == 2 and "date attendue au format AAAA-MM-JJ" in output


def test_demonstration_on_the_anct_public_posts(capsys, tiers):
    from quartiers.web.partners.models import Output

    code, output = run(capsys, "tiers", "demonstration", "--par", tiers.email)
    assert code == 0, output
    assert "Agence nationale de la cohésion des territoires (ANCT)" in output
    assert "adultes_relais_2020_2023_reg52_53.csv.gz : déposé" in output
    assert "postes_fonjep_2020_2023_reg52_53.csv.gz : déposé" in output
    assert "audit du secret concluant" in output
    output_id = Output.objects.get().pk

    code, output = run(capsys, "tiers", "demonstration", "--par", tiers.email)
    assert code == 0 and "déjà en vigueur" in output and output.count("déjà déposé") == 2
    assert Output.objects.count() == 1

    code, output = run(capsys, "tiers", "publier", str(output_id), "--par", tiers.email)
    assert code == 0 and "publiée" in output and "quartiers build" in output
    assert main(["tiers", "verifier-journal"]) == 0
