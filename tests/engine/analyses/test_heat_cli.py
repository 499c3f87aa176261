"""``quartiers chaleur importer-lcz``: good files are stored compactly in Lambert-93, bad ones
refused with the file, entity and field named, nothing stored. Hand-made layers are test
fixtures; the real one is the bundled Redon OSM sample written back to its UTM projection."""

from __future__ import annotations

import dataclasses

import geopandas
import pyarrow.parquet as pq
import pytest
import shapely

from quartiers import config as configuration
from quartiers.cli import main
from quartiers.engine.analyses.heat import ANALYSIS

SQUARE = shapely.box(350000, 6690000, 350100, 6690100)  # 1 ha in Nantes, Lambert-93


@pytest.fixture
def imports(tmp_path, monkeypatch):
    folder = tmp_path / "imports"
    monkeypatch.setattr(configuration, "_current",
                        dataclasses.replace(configuration.current(), imports_dir=folder))
    return folder / "lcz"


def _layer(tmp_path, rows, name="couche.geojson", crs="EPSG:2154", **more):
    """A hand-made layer (fixture): rows of (properties, geometry)."""
    frame = geopandas.GeoDataFrame([p for p, _ in rows], geometry=[g for _, g in rows], crs=crs)
    path = tmp_path / name
    frame.to_file(path, **more)
    return path


def _run(capsys, *args):
    status = main(["chaleur", *map(str, args)])
    captured = capsys.readouterr()
    return status, " ".join((captured.out + captured.err).split())


def test_redon_osm_sample_in_utm_is_stored_in_lambert93(capsys, imports, tmp_path):
    bundled = ANALYSIS.sources[1]  # the OSM variant, bundled in Lambert-93
    table = pq.read_table(configuration.current().data_dir / bundled.path).to_pandas()
    frame = geopandas.GeoDataFrame({"LCZ_PRIMARY": table["lcz"].map(
        lambda c: int(c) if c.isdigit() else 101 + "ABCDEFG".index(c))},
        geometry=geopandas.GeoSeries.from_wkt(table["geometry"]), crs="EPSG:2154")
    path = tmp_path / "redon_osm_utm.geojson"
    frame.to_crs("EPSG:32630").to_file(path)  # back to the kit's projection
    status, said = _run(capsys, "importer-lcz", path, "--nom", "Redon OSM", "--millesime", "2022")
    assert status == 0, said
    assert "521 zones" in said
    back = pq.read_table(imports / "redon-osm.parquet").to_pandas()
    assert len(back) == len(table) and list(back["lcz"]) == list(table["lcz"])
    areas = geopandas.GeoSeries.from_wkt(back["geometry"]).area.sum()
    assert abs(areas / geopandas.GeoSeries.from_wkt(table["geometry"]).area.sum() - 1) < 1e-4
    status, said = _run(capsys, "couches")
    assert "« Redon OSM », 2022, 521 zones" in said
    status, said = _run(capsys, "importer-lcz", path, "--nom", "Redon OSM")
    assert status == 1 and "--remplacer" in said
    assert _run(capsys, "retirer-lcz", "Redon OSM")[0] == 0
    assert not list(imports.glob("*.parquet"))


def test_cerema_geopackage_and_repaired_geometry_are_reported(capsys, imports, tmp_path):
    bowtie = shapely.Polygon([(350000, 6690000), (350100, 6690100), (350100, 6690000),
                              (350000, 6690100)])
    path = _layer(tmp_path, [({"lcz": "2"}, SQUARE), ({"lcz": "E"}, bowtie),
                             ({"lcz": None}, SQUARE)], name="aire.gpkg")
    status, said = _run(capsys, "importer-lcz", path, "--format", "cerema")
    assert status == 0, said
    assert "2 zones (1 de types « chauds »)" in said
    assert "réparée(s) : entité(s) 2" in said
    assert "sans classe laissée(s) de côté : entité(s) 3" in said


@pytest.mark.parametrize("rows, args, message", [
    ([({"nom": "x"}, SQUARE)], (), "couche.geojson : champ de classe « LCZ_PRIMARY » (geoclimate) "
     "ou « lcz » (cerema) absent ; champs trouvés : nom"),
    ([({"LCZ_PRIMARY": 6}, SQUARE)], ("--format", "cerema"),
     "champ de classe « lcz » (format cerema) absent"),
    ([({"LCZ_PRIMARY": 6}, SQUARE), ({"LCZ_PRIMARY": 12}, SQUARE)], (),
     "couche.geojson, entité 2, champ « LCZ_PRIMARY » : classe LCZ inconnue « 12 »"),
    ([({"lcz": "6"}, SQUARE), ({"lcz": "6"}, shapely.Polygon())], (),
     "couche.geojson, entité 2 : géométrie vide ou absente"),
    ([({"lcz": "6"}, shapely.Point(350000, 6690000))], (),
     "couche.geojson, entité 1 : géométrie Point, un polygone est attendu"),
])
def test_bad_layers_are_refused_naming_file_entity_and_field(capsys, imports, tmp_path, rows,
                                                             args, message):
    path = _layer(tmp_path, rows)
    status, said = _run(capsys, "importer-lcz", path, *args)
    assert status == 1
    assert message in said and "rien n'a été importé" in said
    assert not imports.exists() or not list(imports.iterdir())


def test_a_shapefile_without_projection_is_refused(capsys, imports, tmp_path):
    path = _layer(tmp_path, [({"lcz": "6"}, SQUARE)], name="sans_prj.shp")
    path.with_suffix(".prj").unlink()
    status, said = _run(capsys, "importer-lcz", path)
    assert status == 1 and "sans_prj.shp : projection absente" in said


def test_unreadable_or_missing_files(capsys, imports, tmp_path):
    bad = tmp_path / "texte.geojson"
    bad.write_text("pas du GeoJSON")
    status, said = _run(capsys, "importer-lcz", bad)
    assert status == 1 and "texte.geojson : fichier illisible" in said
    table = tmp_path / "tableau.csv"  # read by the same reader, but without any geometry
    table.write_text("lcz;nom\n6;quartier\n")
    status, said = _run(capsys, "importer-lcz", table)
    assert status == 1 and "tableau.csv : aucune géométrie dans le fichier" in said
    status, said = _run(capsys, "importer-lcz", tmp_path / "absent.gpkg")
    assert status == 1 and "absent.gpkg : fichier introuvable" in said
