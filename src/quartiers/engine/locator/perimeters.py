"""Which QPV perimeters the locator uses, and how precise they are said to be.

The bundled perimeters are a simplified copy (≈ 50 vertices per QPV): fine for maps, not for
an address at the boundary. Official full-resolution perimeters, imported from a file or
downloaded from the ANCT dataset on data.gouv.fr (``quartiers data import-perimetres``), replace
them; every output says which ones were used.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import numpy as np
import shapely
from shapely.geometry import shape

from ..atomic import replacing
from ..warehouse.store import Warehouse
from .core import Perimeters

SIMPLIFIED_PRECISION_M = 50.0  # declared: vertices ≈ 50–100 m apart along streets and blocks
OFFICIAL_PRECISION_M = 5.0
GEOGRAPHY = "2024"
IMPORTED = "imports/qpv2024_perimetres_officiels.geojson"
# The ANCT dataset (data.gouv.fr API): its GeoJSON resources hold the official perimeters.
DATASET_API = ("https://www.data.gouv.fr/api/1/datasets/"
               "quartiers-prioritaires-de-la-politique-de-la-ville-qpv/")
DOWNLOAD_MAX_BYTES = 500 * 1024 * 1024


def bundled(store: Warehouse) -> Perimeters:
    """Every QPV of the referential; the few whose simplified perimeter collapsed have none
    (no point is ever located in them) until official perimeters are imported."""
    rows = store.query("""SELECT code, name, commune, ST_AsWKB(geometry) AS wkb
        FROM marts.territories WHERE level = 'qpv' ORDER BY code""")
    return Perimeters(
        geography=GEOGRAPHY,
        codes=np.array([r["code"] for r in rows], dtype=object),
        names=np.array([r["name"] for r in rows], dtype=object),
        communes=np.array([r["commune"] for r in rows], dtype=object),
        geometries=shapely.from_wkb([bytes(r["wkb"]) if r["wkb"] else None for r in rows]),
        precision_m=SIMPLIFIED_PRECISION_M,
        label=f"QPV {GEOGRAPHY}, périmètres simplifiés (précision ±{SIMPLIFIED_PRECISION_M:.0f} m)")


def official(path: Path, store: Warehouse) -> Perimeters:
    """Full-resolution perimeters from an ANCT GeoJSON (field code_qp) replace the simplified
    ones for the QPV they cover; the label says how many are official."""
    base = bundled(store)
    index = {code: i for i, code in enumerate(base.codes)}
    try:
        collection = json.loads(Path(path).read_text(encoding="utf-8"))
        features = [f for f in collection["features"] if f.get("geometry")]
        codes = [f["properties"]["code_qp"] for f in features]
        shapes = shapely.make_valid(np.array([shape(f["geometry"]) for f in features],
                                             dtype=object))
    except (ValueError, KeyError, TypeError, AttributeError, IndexError,
            shapely.errors.ShapelyError) as error:
        raise ValueError(f"{path} : GeoJSON des QPV illisible ({error!r} ; champ code_qp et "
                         "géométries attendus)") from error
    unknown = sorted({c for c in codes if c not in index}, key=str)
    if unknown or not codes:
        raise ValueError(f"{path} : aucun QPV, ou codes inconnus du référentiel {GEOGRAPHY} : "
                         f"{unknown[:5]}")
    positions = np.array([index[code] for code in codes])
    known = base.geometries[positions]
    close = shapely.dwithin(shapes, known, 0.01) | shapely.is_missing(known)
    if not close.all():  # another projection than WGS84, or perimeters of another geography
        misplaced = [code for code, ok in zip(codes, close, strict=True) if not ok]
        raise ValueError(f"{path} : {len(misplaced)} périmètre(s) loin du QPV de même code "
                         f"({', '.join(misplaced[:5])}) : coordonnées attendues en longitude / "
                         f"latitude WGS84 (EPSG:4326), géographie {GEOGRAPHY}")
    geometries = base.geometries.copy()
    geometries[positions] = shapes
    complete = set(codes) >= set(base.codes)
    precision = OFFICIAL_PRECISION_M if complete else SIMPLIFIED_PRECISION_M
    label = (f"QPV {GEOGRAPHY}, périmètres officiels importés (précision ±{precision:.0f} m)"
             if complete else
             f"QPV {GEOGRAPHY}, périmètres officiels pour {len(set(codes))} QPV, simplifiés "
             f"pour les autres (précision ±{precision:.0f} m)")
    return Perimeters(geography=GEOGRAPHY, codes=base.codes, names=base.names,
                      communes=base.communes, geometries=geometries, precision_m=precision,
                      label=label)


def import_official(source: Path, store: Warehouse, data_dir: Path) -> Perimeters:
    """Check an official perimeter file, then keep a copy where the locator looks for it."""
    perimeters = official(source, store)
    with replacing(Path(data_dir) / IMPORTED) as copy:
        shutil.copyfile(source, copy)
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
                      dataset_api: str = DATASET_API) -> tuple[Perimeters, str]:
    """Download the official perimeters (``url``, or the dataset's GeoJSON resource), check them
    and import them; returns the perimeters and the URL used. A failure leaves the previous
    import in place."""
    try:
        with httpx.Client(timeout=httpx.Timeout(600.0, connect=10.0),
                          follow_redirects=True) as client:
            if url is None:
                try:
                    url = official_resource(_get(client, dataset_api).json())["url"]
                except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
                    raise ValueError(f"{dataset_api} : description du jeu de données illisible "
                                     f"({error!r}) ; donnez l'adresse du fichier (--url)") from error
            with replacing(Path(data_dir) / IMPORTED) as partial:
                with client.stream("GET", url) as response, partial.open("wb") as handle:
                    _check(response, url)
                    size = 0
                    for block in response.iter_bytes():
                        size += len(block)
                        if size > DOWNLOAD_MAX_BYTES:
                            raise ValueError(f"{url} : plus de {DOWNLOAD_MAX_BYTES >> 20} Mo, "
                                             "ce n'est pas le fichier des périmètres attendu")
                        handle.write(block)
                perimeters = official(partial, store)  # refused: the previous import stays
        return perimeters, url
    except httpx.HTTPError as error:
        raise ValueError(f"{url or dataset_api} : téléchargement impossible "
                         f"({type(error).__name__} : {error}) ; sans réseau, importez un "
                         "fichier local") from error


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
