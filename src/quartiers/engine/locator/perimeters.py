"""Which QPV perimeters the locator uses, and how precise they are said to be.

The bundled perimeters are a simplified copy (≈ 50 vertices per QPV): fine for maps, not for
an address at the boundary. Official full-resolution perimeters, imported from a file or
downloaded from the ANCT dataset on data.gouv.fr (``quartiers data import-perimetres``), replace
them; every output says which ones were used.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import httpx
import numpy as np
import shapely

from ..warehouse.store import Warehouse
from .core import Perimeters

SIMPLIFIED_PRECISION_M = 50.0  # declared: vertices ≈ 50–100 m apart along streets and blocks
OFFICIAL_PRECISION_M = 5.0
IMPORTED = "imports/qpv2024_perimetres_officiels.geojson"
# The ANCT dataset (data.gouv.fr API): its GeoJSON resources hold the official perimeters.
DATASET_API = ("https://www.data.gouv.fr/api/1/datasets/"
               "quartiers-prioritaires-de-la-politique-de-la-ville-qpv/")
DOWNLOAD_MAX_BYTES = 500 * 1024 * 1024


def bundled(store: Warehouse) -> Perimeters:
    rows = store.query("""SELECT code, name, commune, ST_AsWKB(geometry) AS wkb
        FROM marts.territories WHERE level = 'qpv' AND geometry IS NOT NULL ORDER BY code""")
    return Perimeters(
        geography="2024",
        codes=np.array([r["code"] for r in rows], dtype=object),
        names=np.array([r["name"] for r in rows], dtype=object),
        communes=np.array([r["commune"] for r in rows], dtype=object),
        geometries=shapely.from_wkb([bytes(r["wkb"]) for r in rows]),
        precision_m=SIMPLIFIED_PRECISION_M,
        label=f"QPV 2024, périmètres simplifiés (précision ±{SIMPLIFIED_PRECISION_M:.0f} m)")


def official(path: Path, store: Warehouse) -> Perimeters:
    """Full-resolution perimeters from an ANCT GeoJSON (field code_qp) replace the simplified
    ones for the QPV they cover; the label says how many are official."""
    try:
        collection = json.loads(Path(path).read_text(encoding="utf-8"))
        features = [f for f in collection["features"] if f.get("geometry")]
        codes = [f["properties"]["code_qp"] for f in features]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path} : GeoJSON des QPV illisible ({error!r} ; champ code_qp "
                         "attendu)") from error
    base = bundled(store)
    index = {code: i for i, code in enumerate(base.codes)}
    known = {r["code"] for r in store.query("SELECT code FROM marts.territories "
                                            "WHERE level = 'qpv'")}
    unknown = sorted({c for c in codes if c not in known}, key=str)
    if unknown or not codes:
        raise ValueError(f"{path} : aucun QPV, ou codes inconnus du référentiel 2024 : "
                         f"{unknown[:5]}")
    geometries = base.geometries.copy()
    try:
        shapes = shapely.make_valid(shapely.from_geojson([json.dumps(f["geometry"])
                                                           for f in features]))
    except shapely.errors.GEOSException as error:
        raise ValueError(f"{path} : géométrie illisible ({error})") from error
    misplaced = [code for code, shape in zip(codes, shapes, strict=True) if code in index
                 and not shape.intersects(shapely.buffer(base.geometries[index[code]], 0.01))]
    if misplaced:  # another projection than WGS84, or perimeters of another geography
        raise ValueError(f"{path} : {len(misplaced)} périmètre(s) loin du QPV de même code "
                         f"({', '.join(misplaced[:5])}) : coordonnées attendues en longitude / "
                         "latitude WGS84 (EPSG:4326), géographie 2024")
    for code, shape in zip(codes, shapes, strict=True):
        if code in index:
            geometries[index[code]] = shape
    complete = set(codes) >= set(base.codes)
    precision = OFFICIAL_PRECISION_M if complete else SIMPLIFIED_PRECISION_M
    label = (f"QPV 2024, périmètres officiels importés (précision ±{precision:.0f} m)" if complete
             else f"QPV 2024, périmètres officiels pour {len(set(codes))} QPV, simplifiés pour "
                  f"les autres (précision ±{precision:.0f} m)")
    return Perimeters(geography="2024", codes=base.codes, names=base.names,
                      communes=base.communes, geometries=geometries, precision_m=precision,
                      label=label)


def import_official(source: Path, store: Warehouse, data_dir: Path) -> Perimeters:
    """Check an official perimeter file, then keep a copy where the locator looks for it."""
    perimeters = official(source, store)
    target = Path(data_dir) / IMPORTED
    target.parent.mkdir(parents=True, exist_ok=True)
    copy = target.with_name(f".{target.name}.{os.getpid()}.copie")
    shutil.copyfile(source, copy)
    copy.replace(target)  # readers never see half a file
    return perimeters


def official_resource(dataset: dict) -> dict:
    """The dataset's GeoJSON of the 2024 geography: a GeoJSON resource whose title says 2024,
    else the most recently modified GeoJSON (the import refuses 2015 codes anyway)."""
    geojson = [r for r in dataset.get("resources", [])
               if (r.get("format") or "").lower() == "geojson"
               or str(r.get("url", "")).lower().endswith(".geojson")]
    if not geojson:
        raise ValueError(f"aucune ressource GeoJSON dans le jeu de données "
                         f"« {dataset.get('title', '?')} »")
    return max(geojson, key=lambda r: ("2024" in (r.get("title") or ""),
                                       r.get("last_modified") or ""))


def download_official(store: Warehouse, data_dir: Path, *, url: str | None = None,
                      dataset_api: str = DATASET_API,
                      transport: httpx.BaseTransport | None = None) -> tuple[Perimeters, str]:
    """Download the official perimeters (``url``, or the dataset's GeoJSON resource), check them
    and import them; returns the perimeters and the URL used. A failure leaves the previous
    import in place."""
    imports = Path(data_dir) / IMPORTED
    imports.parent.mkdir(parents=True, exist_ok=True)
    partial = imports.with_name(f".telechargement.{os.getpid()}.geojson")
    try:
        with httpx.Client(timeout=httpx.Timeout(600.0, connect=10.0), transport=transport,
                          follow_redirects=True) as client:
            if url is None:
                try:
                    url = official_resource(_get(client, dataset_api).json())["url"]
                except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
                    raise ValueError(f"{dataset_api} : description du jeu de données illisible "
                                     f"({error!r}) ; donnez l'adresse du fichier (--url)") from error
            with client.stream("GET", url) as response:
                _check(response, url)
                size = 0
                with partial.open("wb") as handle:
                    for block in response.iter_bytes():
                        size += len(block)
                        if size > DOWNLOAD_MAX_BYTES:
                            raise ValueError(f"{url} : plus de {DOWNLOAD_MAX_BYTES >> 20} Mo, "
                                             "ce n'est pas le fichier des périmètres attendu")
                        handle.write(block)
        return import_official(partial, store, data_dir), url
    except httpx.HTTPError as error:
        raise ValueError(f"{url or dataset_api} : téléchargement impossible "
                         f"({type(error).__name__} : {error}) ; sans réseau, importez un "
                         "fichier local") from error
    finally:
        partial.unlink(missing_ok=True)


def _get(client: httpx.Client, url: str) -> httpx.Response:
    response = client.get(url)
    _check(response, url)
    return response


def _check(response: httpx.Response, url: str) -> None:
    if response.status_code != 200:
        raise ValueError(f"{url} : réponse HTTP {response.status_code}")


def current(store: Warehouse, data_dir: Path) -> Perimeters:
    """The official perimeters when imported, else the bundled simplified ones."""
    imported = Path(data_dir) / IMPORTED
    return official(imported, store) if imported.exists() else bundled(store)
