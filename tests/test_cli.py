"""The command line, good and bad input: clear messages, exit codes, files written."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from quartiers.cli import main


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


@pytest.mark.parametrize("args", [["inconnue"], ["fiches", "--dossier", "x"]])
def test_bad_arguments(capsys, args):
    code, output = run(capsys, *args)
    assert code == 2 and "usage" in output


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
    assert "2 lignes" in output and "dans un QPV : 1" in output and "erreurs : 1" in output
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


def test_locate_bad_input(capsys, warehouse_path, tmp_path):
    code, output = run(capsys, "--warehouse", str(warehouse_path), "locate",
                       str(tmp_path / "absent.csv"))
    assert code == 1 and "introuvable" in output
    (tmp_path / "f.csv").write_text("nom\nA\n", encoding="utf-8")
    code, output = run(capsys, "--warehouse", str(warehouse_path), "locate",
                       str(tmp_path / "f.csv"))
    assert code == 1 and "aucune colonne de longitude" in output


def test_serve_uses_the_warehouse_it_is_given(tmp_path):
    """`quartiers --warehouse X serve` sets the variable after quartiers.paths was imported."""
    import os
    import subprocess
    import sys

    code = ("import os, quartiers.paths, django; "
            f"os.environ['QUARTIERS_WAREHOUSE'] = '{tmp_path / 'autre.duckdb'}'; "
            "os.environ['DJANGO_SETTINGS_MODULE'] = 'quartiers.web.settings'; django.setup(); "
            "from django.conf import settings; print(settings.QUARTIERS_WAREHOUSE)")
    env = {k: v for k, v in os.environ.items() if k != "QUARTIERS_WAREHOUSE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True).stdout.strip()
    assert out == str(tmp_path / "autre.duckdb")
