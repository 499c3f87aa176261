"""The command line, good and bad input: clear messages, exit codes, files written."""

from __future__ import annotations

import csv
import re

import pytest
from pypdf import PdfReader

from quartiers.cli import main
from quartiers.config import current

DATA_DIR = current().data_dir


def run(capsys, *args) -> tuple[int, str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
        message = str(exit_.code) if not isinstance(exit_.code, int) else ""
        out = capsys.readouterr()
        return code, " ".join((out.out + out.err + message).split())
    out = capsys.readouterr()
    return code, " ".join((out.out + out.err).split())  # rich wraps long lines


def test_fiche_by_code_alone(capsys, warehouse_path, tmp_path):
    target = tmp_path / "maurepas.pdf"
    code, output = run(capsys, "--warehouse", str(warehouse_path), "fiche", "QN03504M",
                       "--pdf", str(target))
    assert code == 0, output
    assert "Maurepas" in "".join(page.extract_text() for page in PdfReader(target).pages)


def test_fiche_ambiguous_or_unknown_code(capsys, warehouse_path, tmp_path):
    code, output = run(capsys, "--warehouse", str(warehouse_path), "fiche", "53")
    assert code != 0 and "ambigu" in output and "--niveau" in output
    code, output = run(capsys, "--warehouse", str(warehouse_path), "fiche", "QN99999X")
    assert code != 0 and "inconnu" in output


def test_fiches_batch_for_a_departement(capsys, warehouse_path, tmp_path):
    code, output = run(capsys, "--warehouse", str(warehouse_path), "fiches", "--dans",
                       "departement:35", "--dossier", str(tmp_path))
    assert code == 0, output
    assert sorted(p.stem for p in tmp_path.glob("*.pdf")) == [
        "QN03501I", "QN03502M", "QN03503I", "QN03504M", "QN03505M", "QN03506I"]


def test_fiches_batch_unknown_parent(capsys, warehouse_path, tmp_path):
    code, output = run(capsys, "--warehouse", str(warehouse_path), "fiches", "--dans",
                       "region:99", "--dossier", str(tmp_path))
    assert code == 1 and "region" in output and "99" in output


def test_build_failure_names_the_file_and_keeps_the_warehouse(capsys, tmp_path):
    (tmp_path / "data").mkdir()
    target = tmp_path / "w.duckdb"
    code, output = run(capsys, "--warehouse", str(target), "build", "--data",
                       str(tmp_path / "data"))
    assert code == 2
    assert "qpv2024/perimetres.parquet : fichier absent" in output
    assert "Aucun entrepôt n'a été écrit" in output
    assert not target.exists()


def test_missing_warehouse_is_explained(capsys, tmp_path):
    code, output = run(capsys, "--warehouse", str(tmp_path / "absent.duckdb"), "cherche", "x")
    assert code == 1 and "quartiers build" in output


@pytest.mark.parametrize(("args", "message"), [
    (["inconnue"], "commande : choix inconnu 'inconnue' (possibles : 'build'"),
    (["fiches", "--dossier", "x"], "arguments requis : --dans"),
    (["fiche"], "arguments requis : code"), (["fiche", "35238", "--niveau"], "--niveau attend"),
    (["cherche", "a", "b"], "arguments inconnus : b")])
def test_bad_arguments_are_explained_in_french(capsys, args, message):
    code, output = run(capsys, *args)
    assert code == 2 and "utilisation : quartiers" in output and "erreur : " in output
    assert message in output and "usage" not in output and "required" not in output


def test_help_is_in_french(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    help_text = capsys.readouterr().out
    assert "afficher cette aide et quitter" in help_text and "show this" not in help_text


def test_a_mistyped_territory_gets_suggestions_from_every_command(capsys, warehouse_path,
                                                                  tmp_path):
    for args in (["fiche", "QN03504X", "--niveau", "qpv"],
                 ["fiches", "--dans", "qpv:QN03504X", "--dossier", str(tmp_path)]):
        code, output = run(capsys, "--warehouse", str(warehouse_path), *args)
        assert code == 1 and "peut-être : qpv QN03504M Maurepas" in output, args


def test_locate_a_file(capsys, warehouse_path, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes("id;longitude;latitude\n1;-1,6588;48,1258\n2;;\n".encode("cp1252"))
    code, output = run(capsys, "--warehouse", str(warehouse_path), "locate", str(source))
    assert code == 0, output
    assert "2 lignes" in output and "dans un QPV : 1 (dont 1 à vérifier)" in output
    assert "hors QPV : 0 (dont 0 à vérifier) ; erreurs : 1" in output
    assert (tmp_path / "in_qpv.csv").read_text(encoding="cp1252").count("\n") == 3


def test_locate_a_file_of_addresses(capsys, warehouse_path, tmp_path, address_server):
    source = tmp_path / "adresses.csv"
    source.write_text("nom;adresse;code postal;commune\nA;18 rue Théodore Botrel;35171;Bruz\n"
                      "B;;;\n", encoding="utf-8")
    code, output = run(capsys, "--warehouse", str(warehouse_path), "locate", str(source),
                       "--geocodeur", address_server)
    assert code == 0, output
    assert "2 lignes" in output and "erreurs : 1" in output
    assert f"adresses envoyées au géocodeur {address_server} : 1" in output
    (tmp_path / "autres.csv").write_text("Lieu;Localité\n18 rue Théodore Botrel;Bruz\n",
                                         encoding="utf-8")
    code, output = run(capsys, "--warehouse", str(warehouse_path), "locate",
                       str(tmp_path / "autres.csv"), "--adresse", "Lieu,Localité",
                       "--geocodeur", address_server)
    assert code == 0 and "adresse : Lieu, Localité" in output
    code, output = run(capsys, "--warehouse", str(warehouse_path), "locate", str(source),
                       "--geocodeur", "non")
    assert code == 1 and "géocodage est désactivé" in output
    assert "activez le géocodage (--geocodeur URL, ou la variable QUARTIERS_GEOCODEUR)" in output


def test_locate_bad_input(capsys, warehouse_path, tmp_path):
    code, output = run(capsys, "--warehouse", str(warehouse_path), "locate",
                       str(tmp_path / "absent.csv"))
    assert code == 1 and "introuvable" in output
    (tmp_path / "f.csv").write_text("nom\nA\n", encoding="utf-8")
    code, output = run(capsys, "--warehouse", str(warehouse_path), "locate",
                       str(tmp_path / "f.csv"))
    assert code == 1 and "aucune colonne de longitude" in output
    assert "indiquez les colonnes des coordonnées (--lon, --lat) ou celles de l'adresse " \
           "(--adresse)" in output
    code, output = run(capsys, "--warehouse", str(warehouse_path), "locate",
                       str(tmp_path / "f.csv"), "--lon", "x", "--lat", "nom")
    assert code == 1 and "colonne « x » absente (--lon) ; colonnes du fichier : « nom »" in output
    code, output = run(capsys, "--warehouse", str(warehouse_path), "locate", str(tmp_path))
    assert code == 1 and "ce n'est pas un fichier" in output


@pytest.mark.parametrize(("name", "content", "message"), [
    ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.csv n'est pas un fichier "
     "texte CSV : c'est une image PNG"),
    ("archive.csv", b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "archive.csv n'est pas un fichier texte "
     "CSV : c'est une archive ZIP (un classeur XLSX renommé ?)"),
    ("faux.xlsx", b"id;lon;lat\n1;-1,6588;48,1258\n", "faux.xlsx n'est pas un classeur XLSX lisible "
     ": c'est du texte"),
])
def test_locate_refuses_binary_and_fake_files_in_french(capsys, warehouse_path, tmp_path, name,
                                                        content, message):
    (tmp_path / name).write_bytes(content)
    code, output = run(capsys, "--warehouse", str(warehouse_path), "locate",
                       str(tmp_path / name))
    assert code == 1 and message in output
    assert "zip file" not in output and "Traceback" not in output


def test_locate_summary_adds_up_in_french_figures(capsys, warehouse_path, tmp_path):
    """The bundled schools, twice: every row counted once, counts with a narrow no-break
    space, and the same counts as the output's columns."""
    lines = (DATA_DIR / "education" / "ecoles_35.csv").read_text(encoding="utf-8").splitlines()
    source = tmp_path / "ecoles.csv"
    source.write_text("\n".join(lines + lines[1:]) + "\n", encoding="utf-8")
    code = main(["--warehouse", str(warehouse_path), "locate", str(source)])
    raw = capsys.readouterr().err
    output = " ".join(raw.split())
    assert code == 0, output
    assert "1\u202f992 lignes" in raw and "1992" not in output
    found = re.search(r"dans un QPV : ([\d ]+) \(dont ([\d ]+) à vérifier\) ; hors QPV : ([\d ]+) "
                      r"\(dont ([\d ]+) à vérifier\) ; erreurs : ([\d ]+)", output)
    inside, check_in, outside, check_out, errors = (int(n.replace(" ", "")) for n in found.groups())
    assert inside + outside + errors == 1992
    with (tmp_path / "ecoles_qpv.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert inside == sum(bool(row["qpv_code"]) for row in rows) > 0
    assert errors == sum(row["statut"].startswith("erreur") for row in rows)
    assert check_in + check_out == sum(row["statut"].startswith("à vérifier") for row in rows)
    assert check_in > 0 and check_out > 0


def test_locate_keeps_extra_cells_and_says_so(capsys, warehouse_path, tmp_path):
    source = tmp_path / "f.csv"
    source.write_text("id;lon;lat\n1;-1,6588;48,1258;extra;encore\n", encoding="utf-8")
    code, output = run(capsys, "--warehouse", str(warehouse_path), "locate", str(source))
    assert code == 0 and "colonnes colonne_sup_1 à colonne_sup_2 ajoutées" in output
    header, row = (tmp_path / "f_qpv.csv").read_text(encoding="utf-8").splitlines()
    assert header.startswith("id;lon;lat;colonne_sup_1;colonne_sup_2;qpv_code;")
    assert row.startswith("1;-1,6588;48,1258;extra;encore;QN03504M;")


def test_locate_never_overwrites_its_input(capsys, warehouse_path, tmp_path):
    source = tmp_path / "f.csv"
    source.write_text("id;lon;lat\n1;-1,6588;48,1258\n", encoding="utf-8")
    (tmp_path / "lien.csv").symlink_to(source)
    (tmp_path / "sous").mkdir()
    for target in (source, tmp_path / "sous" / ".." / "f.csv", tmp_path / "lien.csv"):
        code, output = run(capsys, "--warehouse", str(warehouse_path), "locate", str(source),
                           "-o", str(target))
        assert code == 1 and "est le fichier d'entrée : il serait écrasé" in output, target
    code, output = run(capsys, "--warehouse", str(warehouse_path), "locate",
                       str(tmp_path / "lien.csv"), "-o", str(source))
    assert code == 1 and "est le fichier d'entrée" in output
    assert source.read_text(encoding="utf-8") == "id;lon;lat\n1;-1,6588;48,1258\n"


@pytest.mark.parametrize(("command", "option"), [
    (["fiche", "QN03504M"], "--pdf"), (["locate", "{source}"], "-o")])
@pytest.mark.parametrize(("target", "message"), [
    ("{tmp}/absent/sortie", "absent n'est pas un dossier existant"),
    ("{tmp}/fichier.txt/sortie", "fichier.txt n'est pas un dossier existant"),
    ("{tmp}", "est un dossier : donnez un nom de fichier"),
    ("/proc/sortie", "impossible d'écrire dans le dossier /proc"),
])
def test_an_unwritable_output_is_refused_before_any_work(capsys, warehouse_path, tmp_path,
                                                         command, option, target, message):
    source = tmp_path / "f.csv"
    source.write_text("id;lon;lat\n1;-1,6588;48,1258\n", encoding="utf-8")
    (tmp_path / "fichier.txt").write_text("x", encoding="utf-8")
    target = target.format(tmp=tmp_path)
    code, output = run(capsys, "--warehouse", str(warehouse_path),
                       *[part.format(source=source) for part in command], option, target)
    assert code == 1 and f"({option})" in output and message in output, output
    assert "Traceback" not in output and "Errno" not in output


def test_an_output_failing_midway_is_said_in_french(capsys, warehouse_path, tmp_path):
    """``fiches`` creates its folder: a folder it cannot create gives a message, not a
    traceback."""
    code, output = run(capsys, "--warehouse", str(warehouse_path), "fiches", "--dans",
                       "departement:35", "--dossier", "/proc/quartiers/fiches")
    assert code == 1 and "/proc/quartiers : fichier ou dossier introuvable" in output
    assert "Traceback" not in output and "Errno" not in output


@pytest.mark.parametrize(("args", "status", "message"), [
    (["locate", "f.csv", "--rayon", "-5"], 2, "rayon en mètres attendu, plus de 0 et au plus 2000"),
    (["locate", "f.csv", "--rayon", "beaucoup"], 2, "et non « beaucoup »"),
    (["fiches", "--dans", "region:53", "--niveau", "quartier", "--dossier", "x"], 1,
     "aucun territoire de niveau « quartier » dans region:53"),
    (["fiche", "QN03504M", "--niveau", "quartier"], 1, "niveau inconnu « quartier »"),
])
def test_bad_option_values(capsys, warehouse_path, args, status, message):
    code, output = run(capsys, "--warehouse", str(warehouse_path), *args)
    assert code == status and message in output and "Traceback" not in output


def test_search_without_a_match_fails_with_suggestions(capsys, warehouse_path):
    code, output = run(capsys, "--warehouse", str(warehouse_path), "cherche", "Maurepaz")
    assert code == 1 and "aucun territoire ne correspond à « Maurepaz »" in output
    assert "peut-être : qpv QN03504M Maurepas" in output
    code, output = run(capsys, "--warehouse", str(warehouse_path), "cherche", "Maurepas")
    assert code == 0 and "QN03504M" in output


def test_serve_uses_the_warehouse_it_is_given(tmp_path):
    """`quartiers --warehouse X serve` hands its configuration to Django, after the environment
    was read once (the settings take the process's configuration, not the environment again)."""
    import os
    import subprocess
    import sys

    code = ("import os, django; from quartiers import config; "
            f"config.use(config.current().with_options(warehouse='{tmp_path / 'autre.duckdb'}')); "
            "os.environ['DJANGO_SETTINGS_MODULE'] = 'quartiers.web.settings'; django.setup(); "
            "from django.conf import settings; print(settings.QUARTIERS.warehouse)")
    env = {k: v for k, v in os.environ.items() if k != "QUARTIERS_WAREHOUSE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True).stdout.strip()
    assert out == str(tmp_path / "autre.duckdb")


@pytest.fixture
def django_command(monkeypatch, settings, tmp_path):
    """A command that starts Django in this process, over the test database: the process's
    configuration is put back after it, static files go to a folder of the test."""
    from quartiers import config

    monkeypatch.setattr(config, "_current", config.current())
    settings.STATIC_ROOT = tmp_path / "static"


def loaded_by_init() -> str:
    return "Contenu d'essai : déjà en place."


@pytest.mark.django_db
def test_init_runs_the_bundled_content_in_order_and_says_what_it_did(capsys, settings,
                                                                     django_command):
    settings.QUARTIERS_BUNDLED_CONTENT = ["tests.test_cli.loaded_by_init"]
    code, output = run(capsys, "init")
    assert code == 0, output
    assert "à jour, aucune migration à appliquer." in output
    assert re.search(r"Fichiers statiques \(\S+\) : \d+ copiés\.", output)
    assert output.endswith("Contenu d'essai : déjà en place.")
    code, output = run(capsys, "init")
    assert code == 0 and "à jour, aucun fichier copié." in output


@pytest.mark.django_db
def test_init_names_a_bundled_content_that_does_not_exist(capsys, settings, django_command):
    settings.QUARTIERS_BUNDLED_CONTENT = ["tests.test_cli.loaded_by_init",
                                          "quartiers.web.absent.services.load_bundled"]
    code, output = run(capsys, "init")
    assert code == 1 and "Contenu d'essai : déjà en place." in output
    assert "contenu embarqué quartiers.web.absent.services.load_bundled introuvable" in output


@pytest.mark.django_db
def test_no_worker_when_tasks_run_in_the_requests(capsys, settings, django_command):
    settings.QUARTIERS = settings.QUARTIERS.with_options(tasks_backend="immediate")
    code, output = run(capsys, "worker")
    assert code == 1 and "pas de travailleur à lancer" in output


@pytest.mark.parametrize(("args", "status", "message"), [
    (["programme", "import", "absent.txt", "--annee", "2024"], 1,
     "absent.txt : fichier introuvable"),
    (["programme", "import", "x.txt"], 2, "arguments requis : --annee"),
    (["programme", "import", "x.txt", "--annee", "24"], 2,
     "--annee : année sur quatre chiffres attendue, ex. 2026, et non « 24 »"),
    (["programme"], 2, "arguments requis : commande"),
    (["worker", "--intervalle", "0"], 2,
     "--intervalle : secondes attendues, plus de 0 et au plus 3600, et non « 0 »"),
    (["compte", "creer"], 2, "arguments requis : ADRESSE"),
])
def test_resource_centre_commands_explain_bad_arguments(capsys, tmp_path, monkeypatch, args,
                                                        status, message):
    monkeypatch.chdir(tmp_path)
    code, output = run(capsys, *args)
    assert code == status and message in output, output


def test_new_commands_help_in_french(capsys):
    for command in (["init"], ["serve"], ["worker"], ["programme", "import"],
                    ["compte", "creer"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        help_text = capsys.readouterr().out
        assert "afficher cette aide et quitter" in help_text and "show this" not in help_text


@pytest.mark.django_db
def test_create_a_staff_account(capsys, tmp_path, django_command):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from quartiers.web.accounts.models import Role

    password = tmp_path / "mot-de-passe"
    password.write_text("une phrase de passe assez longue\n")
    code, output = run(capsys, "compte", "creer", "Marie@Exemple.fr", "--equipe",
                       "--mot-de-passe-fichier", str(password))
    assert code == 1 and "le rôle « Équipe du centre » n'existe pas encore" in output
    Group.objects.get_or_create(name=Role.STAFF)
    code, output = run(capsys, "compte", "creer", "Marie@Exemple.fr", "--equipe",
                       "--mot-de-passe-fichier", str(password))
    assert code == 0 and output == "Compte créé : marie@exemple.fr (Équipe du centre)"
    user = get_user_model().objects.get(email="marie@exemple.fr")
    assert user.check_password("une phrase de passe assez longue") and not user.is_staff
    assert user.roles == [Role.STAFF]
    code, output = run(capsys, "compte", "creer", "marie@exemple.fr",
                       "--mot-de-passe-fichier", str(password))
    assert code == 1 and "un compte existe déjà pour marie@exemple.fr" in output


@pytest.mark.django_db
def test_an_account_is_refused_a_bad_address_or_password(capsys, monkeypatch, tmp_path,
                                                        django_command):
    from django.contrib.auth import get_user_model

    code, output = run(capsys, "compte", "creer", "marie-exemple.fr")
    assert code == 1 and "« marie-exemple.fr » n'est pas une adresse électronique valide" in output
    typed = iter(["une phrase de passe assez longue", "une autre phrase de passe"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    code, output = run(capsys, "compte", "creer", "paul@exemple.fr")
    assert code == 1 and "les deux mots de passe diffèrent : rien n'a été créé" in output
    monkeypatch.setattr("getpass.getpass", lambda prompt: "123456")
    code, output = run(capsys, "compte", "creer", "paul@exemple.fr")
    assert code == 1 and output.startswith("mot de passe refusé : ") and "12" in output
    assert not get_user_model().objects.filter(email="paul@exemple.fr").exists()


@pytest.mark.django_db
def test_scheduled_tasks_are_listed_and_launched_when_due(capsys, django_command):
    code, output = run(capsys, "taches")
    assert code == 0 and "supprimer les fichiers localisés expirés : une fois par heure, " \
                         "dernier lancement jamais" in output, output
    code, output = run(capsys, "taches", "--lancer")
    assert code == 0 and "(lancée maintenant)" in output
    code, output = run(capsys, "taches", "--lancer")
    assert "expirés : une fois par heure, dernier lancement" in output
    assert "jamais" not in output.split("expirés")[1].split("(")[0]


@pytest.mark.parametrize(("path", "logged"), [
    ("/agenda/inscription/eyJyIjo0Mn0:1vPx:abc/", "/agenda/inscription/…"),
    ("/lettres/desabonnement/eyJzIjo3fQ:1vPx:xyz/", "/lettres/desabonnement/…"),
    ("/contacts/renouvellement/abc:def/", "/contacts/renouvellement/…"),
    ("/comptes/mot-de-passe/nouveau/MTI/cz3k-0123abcd/", "/comptes/mot-de-passe/nouveau/…"),
    ("/comptes/mot-de-passe/nouveau/termine/", "/comptes/mot-de-passe/nouveau/termine/"),
    ("/agenda/", "/agenda/"), ("/territoires/qpv/QN03504M/", "/territoires/qpv/QN03504M/"),
])
def test_the_access_log_never_holds_a_signed_link_s_token(path, logged):
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from quartiers.cli.access_log import TokenMaskingLogger

    request = SimpleNamespace(path=path, query="", method="GET", uri=path, version=(1, 1),
                              headers=[])
    response = SimpleNamespace(status="200 OK", response_length=10, headers=[], sent=10)
    environ = {"REMOTE_ADDR": "127.0.0.1", "RAW_URI": path, "PATH_INFO": path,
               "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_METHOD": "GET"}
    atoms = TokenMaskingLogger(Config()).atoms(response, request, environ,
                                               timedelta(milliseconds=3))
    assert atoms["U"] == logged
