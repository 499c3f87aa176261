"""Raw loading and checks on small hand-made files: messages name the file, line and field."""

from __future__ import annotations

import gzip

import pytest

from quartiers.engine.geo import connect
from quartiers.engine.sources.model import Source
from quartiers.engine.warehouse.staging import NUMBER_MACRO, BuildError, check_numbers, load_raw


def source(path: str, columns: tuple[str, ...], insee: bool = True) -> Source:
    return Source(key="essai", path=path, producer="test", dataset="test", vintage="2024",
                  licence="test", origin="test", columns=columns, attribution="test",
                  insee_format=insee)


@pytest.fixture
def con():
    con = connect()
    con.execute('CREATE SCHEMA "raw"')
    con.execute(NUMBER_MACRO)
    return con


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode("utf-8")) if name.endswith(".gz")
                     else text.encode("utf-8"))
    return path


def test_insee_numbers_parse_with_spaces_and_decimal_commas(con):
    rows = con.execute("SELECT num('1 234,5'), num('12\u00a0000'), num(''), num('-10,0'), "
                       "num('8\u202f350')").fetchone()
    assert rows == (1234.5, 12000.0, None, -10.0, 8350.0)


def test_load_raw_keeps_every_line_and_checks_columns(con, tmp_path):
    write(tmp_path, "f.csv.gz", "\ufeffCODGEO;POP\nQP001001;1 200\nQP001002;\n")
    assert load_raw(con, source("f.csv.gz", ("CODGEO", "POP")), tmp_path) == 2
    assert con.execute('SELECT _line, "POP" FROM "raw".essai ORDER BY _line').fetchall() == [
        (2, "1 200"), (3, None)]


def test_missing_column_is_named(con, tmp_path):
    write(tmp_path, "f.csv", "CODGEO;POPULATION\nQP001001;12\n")
    with pytest.raises(BuildError, match=r"f.csv : colonne\(s\) attendue\(s\) absente\(s\) : POP"):
        load_raw(con, source("f.csv", ("CODGEO", "POP")), tmp_path)


def test_bad_number_is_named_with_its_line(con, tmp_path):
    write(tmp_path, "f.csv", "CODGEO;POP\nQP001001;12\nQP001002;douze\n")
    src = source("f.csv", ("CODGEO", "POP"))
    load_raw(con, src, tmp_path)
    with pytest.raises(BuildError, match=r"f.csv, ligne 3, champ « POP » : valeur non numérique "
                                         r"« douze »"):
        check_numbers(con, src, ("POP",))


def test_empty_and_missing_files(con, tmp_path):
    write(tmp_path, "vide.csv", "CODGEO;POP\n")
    with pytest.raises(BuildError, match=r"vide\.csv : fichier vide"):
        load_raw(con, source("vide.csv", ("CODGEO", "POP")), tmp_path)
    with pytest.raises(BuildError, match=r"absent\.csv : fichier absent"):
        load_raw(con, source("absent.csv", ("CODGEO",)), tmp_path)


def test_bad_code_is_named_with_its_line(con, tmp_path):
    write(tmp_path, "qpv.csv", "code_qp\nQN03504M\nQ 0350\n")
    src = source("qpv.csv", ("code_qp",), insee=False)
    load_raw(con, src, tmp_path)
    from quartiers.engine.warehouse.staging import check_codes

    with pytest.raises(BuildError, match=r"qpv.csv, ligne 3, champ « code_qp » : code QPV "
                                         r"invalide « Q 0350 »"):
        check_codes(con, src, "code_qp", "QN[0-9A-Z]{5,6}M?", "code QPV")


def test_secrecy_hides_small_denominators_and_their_numerators(con):
    from quartiers.engine.warehouse.marts import apply_secrecy

    con.execute("CREATE SCHEMA marts")
    con.execute("""CREATE TABLE marts.indicator_values AS SELECT * FROM (VALUES
        ('part_alloc_rsa', 'commune', 'A', '2020', 30.0, 3.0, 10.0, true, '', 'ok', 'r', 0),
        ('part_alloc_rsa', 'commune', 'B', '2020', 27.3, 3.0, 11.0, true, '', 'ok', 'r', 0),
        ('taux_pauvrete', 'qpv_commune', 'C', '2020', 40.0, 2.0, 5.0, false, '', 'ok', 'r', 0),
        ('population', 'commune', 'D', '2020', 8.0, NULL, NULL, false, '', 'ok', 'p', 0))
        AS t(indicator, level, code, vintage, value, numerator, denominator, counts_units, note,
             status, method, n_missing)""")
    con.execute("CREATE TABLE marts.territory_links (level VARCHAR, code VARCHAR, "
                "parent_level VARCHAR, parent_code VARCHAR, is_main BOOLEAN)")
    apply_secrecy(con)
    rows = dict((r[0], r[1:]) for r in con.execute(
        "SELECT code, value, numerator, status FROM marts.indicator_values").fetchall())
    assert rows["A"] == (None, None, "secret")  # 10 allocataires: hidden, numerator too
    assert rows["B"][2] == "ok"  # 11 is enough
    assert rows["C"][2] == "ok" and rows["D"][2] == "ok"  # weights and plain counts untouched
