"""Importing a commune's polling stations: bad files are refused with the file, the line (or
feature) and the field; good ones are stored for the build. Files are hand-made fixtures in the
Ministry's layout, or the real bundled files of Brest, said so in each test."""

from __future__ import annotations

import dataclasses
import gzip
import json

import pytest
import shapely

from quartiers import config as configuration
from quartiers.cli import main
from quartiers.engine.analyses.turnout_files import check_same_stations, read_contours, read_results
from quartiers.engine.warehouse.staging import BuildError

DATA = configuration.current().data_dir / "analyses" / "participation"
HEADER = "Code département;Libellé département;Code commune;Libellé commune;Code BV;Inscrits;Votants"


def _results(tmp_path, lines: list[str], header: str = HEADER, name: str = "res.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _square(x: float, size: float = 0.01):
    return [[[x, 48.4], [x + size, 48.4], [x + size, 48.41], [x, 48.41], [x, 48.4]]]


def _contours(tmp_path, features: list[dict], crs: str | None = None, name="bv.geojson"):
    collection = {"type": "FeatureCollection", "features": features}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path = tmp_path / name
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def _feature(number, coordinates, kind="Polygon", commune="29019"):
    return {"type": "Feature", "properties": {"DEPCO": commune, "BVOTE": number},
            "geometry": coordinates if coordinates is None else
            {"type": kind, "coordinates": coordinates}}


def test_ministry_layouts_old_and_new(tmp_path):
    new = _results(tmp_path, ["29;Finistère;29019;Brest;0001;900;600",
                              "29;Finistère;29011;Bohars;1;10;5"])
    assert [(r.number, r.registered, r.voters, r.line) for r in read_results(new, "29019")] == \
        [("1", 900, 600, 2)]
    old = _results(tmp_path, ["29,Finistère,019,Brest,0002,800,400"], name="old.csv",
                   header="Code du département,Libellé du département,Code de la commune,"
                          "Libellé de la commune,Code du b.vote,Inscrits,Votants")
    assert [(r.number, r.registered) for r in read_results(old, "29019")] == [("2", 800)]


@pytest.mark.parametrize("lines, header, message", [
    (["29;F;29019;Brest;1;900;600"], HEADER.replace("Votants", "Votant"),
     "res.csv, ligne 1, champ « Votants » : colonne absente (attendue sous l'un de ces noms : "
     "Votants) ; colonne(s) proche(s) : « Votant »"),
    (["29;F;29019;Brest;1;900;600"], HEADER.replace("Code BV", "Bureau"),
     "res.csv, ligne 1, champ « Code BV » : colonne absente"),
    (["29;F;29019;Brest;1;900;600", "29;F;29019;Brest;2;9OO;600"], HEADER,
     "res.csv, ligne 3, champ « Inscrits » : nombre entier attendu, et non « 9OO »"),
    (["29;F;29019;Brest;1;500;600"], HEADER,
     "res.csv, ligne 2, champ « Votants » : 600 votants pour 500 inscrits"),
    (["29;F;29019;Brest;1;900;600", "29;F;29019;Brest;001;900;600"], HEADER,
     "res.csv, ligne 3, champ « Code BV » : bureau 1 déjà lu ligne 2"),
    (["29;F;29011;Bohars;1;900;600"], HEADER,
     "res.csv : aucune ligne pour la commune 29019"),
])
def test_bad_results_are_refused_by_line_and_field(tmp_path, lines, header, message):
    with pytest.raises(BuildError) as error:
        read_results(_results(tmp_path, lines, header), "29019")
    assert str(error.value).startswith(message)


def test_contours_of_the_commune_only(tmp_path):
    path = _contours(tmp_path, [_feature(1, _square(-4.5)), _feature(1, _square(-4.4),
                                                                     commune="29061")])
    contours, warnings = read_contours(path, "29019")
    assert [(c.number, c.commune) for c in contours] == [("1", "29019")] and warnings == []


@pytest.mark.parametrize("features, message", [
    ([_feature(1, _square(-4.5)), _feature(2, None)],
     "bv.geojson, entité 2 (bureau 2), champ « geometry » : géométrie vide"),
    ([_feature(1, [[]])], "bv.geojson, entité 1 (bureau 1), champ « geometry » : géométrie vide"),
    ([_feature(1, [-4.5, 48.4], kind="Point")],
     "bv.geojson, entité 1 (bureau 1), champ « geometry » : Point au lieu d'un polygone"),
    ([_feature(1, _square(-4.5)), _feature("001", _square(-4.4))],
     "bv.geojson, champ « BVOTE » : bureau 1 de la commune 29019 dessiné deux fois"),
    ([_feature(1, _square(160_000, 500))],
     "bv.geojson, champ « crs » : coordonnées hors des longitudes et latitudes"),
])
def test_bad_contours_are_refused_by_feature_and_field(tmp_path, features, message):
    with pytest.raises(BuildError) as error:
        read_contours(_contours(tmp_path, features), "29019")
    assert str(error.value).startswith(message)


def test_unknown_number_property_is_named(tmp_path):
    feature = {"type": "Feature", "properties": {"DEPCO": "29019", "N": 1},
               "geometry": {"type": "Polygon", "coordinates": _square(-4.5)}}
    with pytest.raises(BuildError, match="aucune propriété ne donne le numéro du bureau"):
        read_contours(_contours(tmp_path, [feature]), "29019")
    contours, _ = read_contours(_contours(tmp_path, [feature]), "29019", number_field="N")
    assert contours[0].number == "1"


def test_invalid_polygon_is_repaired_and_said(tmp_path):
    bow_tie = [[[-4.5, 48.4], [-4.49, 48.41], [-4.49, 48.4], [-4.5, 48.41], [-4.5, 48.4]]]
    contours, warnings = read_contours(_contours(tmp_path, [_feature(7, bow_tie)]), "29019")
    assert contours[0].geometry.is_valid and contours[0].geometry.area > 0
    assert warnings[0].startswith("bv.geojson, entité 1 (bureau 7), champ « geometry » : "
                                  "géométrie invalide (Self-intersection")


def test_declared_lambert93_is_reprojected(tmp_path):
    square = [[[145_000, 6_840_000], [145_100, 6_840_000], [145_100, 6_840_100],
               [145_000, 6_840_100], [145_000, 6_840_000]]]
    path = _contours(tmp_path, [_feature(1, square)], crs="urn:ogc:def:crs:EPSG::2154")
    contours, warnings = read_contours(path, "29019")
    x, y = shapely.get_coordinates(contours[0].geometry)[0]
    assert -4.6 < x < -4.3 and 48.3 < y < 48.5  # Brest
    assert warnings == ["bv.geojson : contours en EPSG:2154 (projection déclarée), convertis en "
                        "WGS84"]
    with pytest.raises(BuildError, match="projection « urn:x:lambert » non reconnue"):
        read_contours(_contours(tmp_path, [_feature(1, square)], crs="urn:x:lambert"), "29019")


def test_station_numbers_must_match_between_files(tmp_path):
    results = read_results(_results(tmp_path, ["29;F;29019;Brest;1;900;600",
                                               "29;F;29019;Brest;3;800;500"]), "29019")
    path = _contours(tmp_path, [_feature(1, _square(-4.5)), _feature(2, _square(-4.4))])
    contours, _ = read_contours(path, "29019")
    with pytest.raises(BuildError) as error:
        check_same_stations(results, contours, tmp_path / "res.csv", path)
    assert str(error.value) == ("res.csv, ligne 3, champ « bureau » : bureau 3 absent des "
                                "contours bv.geojson")
    with pytest.raises(BuildError) as error:
        check_same_stations(results[:1], contours, tmp_path / "res.csv", path)
    assert str(error.value) == "bv.geojson : bureau(x) 2 sans résultat dans res.csv"


@pytest.fixture
def imports(tmp_path, monkeypatch):
    folder = tmp_path / "imports"
    monkeypatch.setattr(configuration, "_current",
                        dataclasses.replace(configuration.current(), imports_dir=folder))
    return folder


def _real_2024(tmp_path, tour: int = 1):
    """The real bundled 2024 file of Brest, unzipped as a user would give it."""
    path = tmp_path / f"leg2024_t{tour}.csv"
    with gzip.open(DATA / f"leg2024_t{tour}_bv_finistere_circo2-3.csv.gz") as handle:
        path.write_bytes(handle.read())
    return path


def test_command_refuses_what_is_bundled_and_bad_files(tmp_path, imports, capsys):
    real = _real_2024(tmp_path)
    common = ["elections", "importer", "--commune", "29019", "--tour", "1", "--resultats"]
    assert main([*common, str(real), "--scrutin", "leg2024"]) == 1
    assert "déjà fourni par les données embarquées" in capsys.readouterr().err
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(real.read_text(encoding="utf-8").replace("Code BV", "Code bureau"),
                       encoding="utf-8")
    assert main([*common, str(renamed), "--scrutin", "eur2024"]) == 1
    assert "renamed.csv, ligne 1, champ « Code BV » : colonne absente" in capsys.readouterr().err
    assert main([*common, str(real), "--scrutin", "eur2024", "--contours",
                 str(tmp_path / "absent.geojson")]) == 1
    assert not imports.exists()  # nothing written on any refusal


def test_command_stores_results_on_the_bundled_contours(tmp_path, imports, capsys):
    """A hand-made case from the real 2024 file: imported as if it were another round."""
    real = _real_2024(tmp_path, 2)
    assert main(["elections", "importer", "--commune", "29019", "--scrutin", "eur2024",
                 "--tour", "1", "--resultats", str(real)]) == 0
    out = capsys.readouterr().err
    assert "104 bureaux, 85122 inscrits, 58215 votants, contours 2024" in out
    assert sorted(p.name for p in (imports / "elections" / "29019").iterdir()) == \
        ["eur2024-t1.parquet"]
    assert main(["elections", "liste"]) == 0
    assert "29019 : eur2024-t1, 104 bureaux, contours 2024, importé le " in \
        capsys.readouterr().err
    assert main(["elections", "supprimer", "--commune", "29019"]) == 1
    assert "donnez --scrutin et --tour" in capsys.readouterr().err
    assert main(["elections", "supprimer", "--commune", "29019", "--scrutin", "eur2024",
                 "--tour", "1"]) == 0
    assert not list((imports / "elections" / "29019").iterdir())


@pytest.mark.parametrize("args, message", [
    (["--commune", "Brest"], "--commune : code INSEE de commune attendu, ex. 29019, et non "
                             "« Brest »"),
    (["--scrutin", "legislatives"], "--scrutin : scrutin attendu sous la forme type + année"),
    (["--tour", "3"], "--tour : choix inconnu 3 (possibles : 1, 2)"),
])
def test_command_explains_bad_arguments(capsys, args, message):
    base = {"--commune": "29019", "--scrutin": "leg2024", "--tour": "1", "--resultats": "r.csv"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(SystemExit) as code:
        main(["elections", "importer", *[x for pair in base.items() for x in pair]])
    assert code.value.code == 2
    assert message in capsys.readouterr().err
