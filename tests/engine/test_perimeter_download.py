"""Downloading the official perimeters: from the dataset's metadata (data.gouv.fr API) or a direct
URL, served here by a local HTTP server. The envelope of the dataset metadata follows the API's
documented fields (title, format, url, last_modified); the perimeters served are real ones (the
bundled QPV of Rennes), not a recording of the official file."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import shapely

from quartiers.cli import main
from quartiers.engine.locator import bundled, current
from quartiers.engine.locator.perimeters import IMPORTED, download_official

QPV_35 = ("QN03501I", "QN03502M", "QN03503I", "QN03504M", "QN03505M")  # 5 of Ille-et-Vilaine


@pytest.fixture(scope="module")
def server(store):
    base = bundled(store)
    features = [{"type": "Feature", "properties": {"code_qp": code},
                 "geometry": json.loads(shapely.to_geojson(base.geometries[list(base.codes).index(code)]))}
                for code in QPV_35]
    files = {"/qpv2024.geojson": json.dumps({"type": "FeatureCollection", "features": features}),
             "/inconnus.geojson": json.dumps({"type": "FeatureCollection", "features": [
                 {"type": "Feature", "properties": {"code_qp": "QN99999X"},
                  "geometry": {"type": "Point", "coordinates": [0, 0]}}]})}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/api/1/datasets/qpv/":
                port = self.server.server_port
                body = json.dumps({"title": "Quartiers prioritaires de la politique de la ville",
                                   "resources": [
                    {"title": "QPV 2015 (shapefile)", "format": "zip",
                     "url": f"http://127.0.0.1:{port}/qpv2015.zip", "last_modified": "2025-01-01"},
                    {"title": "QPV 2024 (GeoJSON)", "format": "geojson",
                     "url": f"http://127.0.0.1:{port}/qpv2024.geojson",
                     "last_modified": "2024-06-27"},
                    {"title": "Ancien export", "format": "geojson",
                     "url": f"http://127.0.0.1:{port}/inconnus.geojson",
                     "last_modified": "2023-01-01"}]})
            elif self.path in files:
                body = files[self.path]
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def test_the_2024_geojson_of_the_dataset_is_downloaded_and_used(store, tmp_path, server):
    perimeters, url = download_official(store, tmp_path, dataset_api=f"{server}/api/1/datasets/qpv/")
    assert url == f"{server}/qpv2024.geojson"
    assert "officiels pour 5 QPV" in perimeters.label
    assert "officiels pour 5 QPV" in current(store, tmp_path).label
    assert sorted(p.name for p in (tmp_path / IMPORTED).parent.iterdir()) == [
        "qpv2024_perimetres_officiels.geojson"]


def test_a_refused_or_missing_download_keeps_the_previous_import(store, tmp_path, server):
    download_official(store, tmp_path, url=f"{server}/qpv2024.geojson")
    before = (tmp_path / IMPORTED).read_bytes()
    with pytest.raises(ValueError, match="codes inconnus"):
        download_official(store, tmp_path, url=f"{server}/inconnus.geojson")
    with pytest.raises(ValueError, match="HTTP 404"):
        download_official(store, tmp_path, url=f"{server}/absent.geojson")
    with pytest.raises(ValueError, match=r"téléchargement impossible.*importez un fichier local"):
        download_official(store, tmp_path, url="http://127.0.0.1:9/qpv.geojson")
    assert (tmp_path / IMPORTED).read_bytes() == before
    assert len(list((tmp_path / IMPORTED).parent.iterdir())) == 1


def test_perimeters_in_another_projection_are_refused(store, tmp_path):
    from pyproj import Transformer

    from quartiers.engine.locator.perimeters import import_official

    base = bundled(store)
    to_l93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    shape = shapely.transform(base.geometries[list(base.codes).index("QN03504M")],
                              lambda xy: np.column_stack(to_l93.transform(xy[:, 0], xy[:, 1])))
    source = tmp_path / "l93.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code_qp": "QN03504M"},
         "geometry": json.loads(shapely.to_geojson(shape))}]}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"loin du QPV de même code.*WGS84"):
        import_official(source, store, tmp_path / "data")


def test_cli_download(capsys, warehouse_path, tmp_path, server):
    args = ["--warehouse", str(warehouse_path), "data", "import-perimetres", "--data", str(tmp_path)]
    assert main([*args, "--telecharger", "--url", f"{server}/qpv2024.geojson"]) == 0
    assert "officiels pour 5 QPV" in "".join(capsys.readouterr())
    assert main(args) == 1
    assert "--telecharger" in "".join(capsys.readouterr())
