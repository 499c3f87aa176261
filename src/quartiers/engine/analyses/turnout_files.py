"""Reading a commune's polling-station files: the Ministry's results per station and station
contours as GeoJSON, for the import command and for the bundle.

Every problem names the file, the line (or the feature) and the field, in French: these files
come from users, who must be able to put them right. Station numbers are compared once
normalised (« 0071 », « 071 » and « 71 » are the same station).
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import shapely

from ..sources.files import repaired, write_parquet
from ..warehouse.staging import BuildError

# what the analysis needs -> the names it has carried in the Ministry's files (2017 to 2024)
RESULT_FIELDS = {
    "departement": ("Code département", "Code du département"),
    "commune": ("Code commune", "Code de la commune"),
    "bureau": ("Code BV", "Code du b.vote", "Code B.Vote", "Code bureau de vote"),
    "inscrits": ("Inscrits",),
    "votants": ("Votants",),
}
# properties of a contours file, tried in this order when the user names none
NUMBER_FIELDS = ("BVOTE", "NUM_BUREAU", "numero", "num_bureau", "code_bv", "Code BV", "bureau",
                 "ASSOCIANT")
NAME_FIELDS = ("TITRE", "NOM", "nom", "NOM_CENTRE", "nom_bureau", "LIEUV", "libelle")
COMMUNE_FIELDS = ("DEPCO", "code_commune", "CODE_COMMUNE", "insee_com", "INSEE_COM",
                  "code_insee", "CODE_INSEE")
WGS84_NAMES = ("CRS84", "EPSG:4326", "EPSG::4326")


@dataclass(frozen=True)
class StationResult:
    number: str
    registered: int
    voters: int
    line: int


@dataclass(frozen=True)
class StationContour:
    number: str
    name: str
    commune: str
    geometry: object  # shapely polygon, WGS84


def station_number(value) -> str:
    """« 0071 », « 071 », 71 → « 71 »: files pad station numbers differently."""
    text = str(value).strip()
    return text.lstrip("0") or ("0" if text else "")


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")  # the Ministry's older files


def _find_column(header: list[str], names: tuple[str, ...], path: Path) -> str:
    wanted = {name.lower() for name in names}
    for column in header:
        if column.strip().lower() in wanted:
            return column
    lowered = {h.lower(): h for h in header}
    close = [lowered[h] for h in difflib.get_close_matches(names[0].lower(), lowered, n=2,
                                                           cutoff=0.6)]
    hint = f" ; colonne(s) proche(s) : « {' », « '.join(close)} »" if close else ""
    raise BuildError(f"{path.name}, ligne 1, champ « {names[0]} » : colonne absente (attendue "
                     f"sous l'un de ces noms : {', '.join(names)}){hint}")


def _count(value: str, path: Path, line: int, field: str) -> int:
    text = (value or "").replace(" ", "").replace("\u00a0", "")
    if not text.isdigit():
        raise BuildError(f"{path.name}, ligne {line}, champ « {field} » : nombre entier attendu, "
                         f"et non « {value} »")
    return int(text)


def read_results(path: Path, commune: str) -> list[StationResult]:
    """The stations of ``commune`` in a Ministry results file (';' or ',' separated)."""
    text = _decode(path)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise BuildError(f"{path.name} : fichier vide")
    columns = {key: _find_column(header, names, path) for key, names in RESULT_FIELDS.items()}
    index = {key: header.index(column) for key, column in columns.items()}
    stations: dict[str, StationResult] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise BuildError(f"{path.name}, ligne {line} : {len(row)} champs au lieu de "
                             f"{len(header)}")
        code = row[index["commune"]].strip()
        if len(code) < 5:  # older files give the commune's number within its département
            code = row[index["departement"]].strip().zfill(2) + code.zfill(3)
        if code != commune:
            continue
        number = station_number(row[index["bureau"]])
        if not number:
            raise BuildError(f"{path.name}, ligne {line}, champ « {columns['bureau']} » : "
                             "numéro de bureau vide")
        registered = _count(row[index["inscrits"]], path, line, columns["inscrits"])
        voters = _count(row[index["votants"]], path, line, columns["votants"])
        if voters > registered:
            raise BuildError(f"{path.name}, ligne {line}, champ « {columns['votants']} » : "
                             f"{voters} votants pour {registered} inscrits")
        if number in stations:
            raise BuildError(f"{path.name}, ligne {line}, champ « {columns['bureau']} » : bureau "
                             f"{number} déjà lu ligne {stations[number].line}")
        stations[number] = StationResult(number, registered, voters, line)
    if not stations:
        raise BuildError(f"{path.name} : aucune ligne pour la commune {commune} (champ "
                         f"« {columns['commune']} »)")
    return list(stations.values())


def _declared_crs(collection: dict, path: Path) -> str | None:
    """'EPSG:xxxx' as the file declares it (GeoJSON 2008 « crs » member), or None."""
    name = ((collection.get("crs") or {}).get("properties") or {}).get("name")
    if not name:
        return None
    if any(name.upper().endswith(w) for w in WGS84_NAMES):
        return "EPSG:4326"
    found = re.search(r"EPSG:{1,2}(\d+)$", name, re.IGNORECASE)
    if not found:
        raise BuildError(f"{path.name}, champ « crs » : projection « {name} » non reconnue "
                         "(attendu un code EPSG)")
    return f"EPSG:{found.group(1)}"


def _to_wgs84(geometries: list, crs: str | None, path: Path) -> list:
    if crs and crs != "EPSG:4326":
        from pyproj import Transformer
        from pyproj.exceptions import CRSError

        try:
            transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        except CRSError as error:
            raise BuildError(f"{path.name}, champ « crs » : projection {crs} inconnue") from error
        return [shapely.transform(g, lambda xy: np.column_stack(
            transformer.transform(xy[:, 0], xy[:, 1]))) for g in geometries]
    xmin, ymin, xmax, ymax = shapely.total_bounds(geometries)
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        raise BuildError(
            f"{path.name}, champ « crs » : coordonnées hors des longitudes et latitudes "
            f"(jusqu'à {max(abs(xmin), abs(xmax), abs(ymin), abs(ymax)):.0f}) et projection non "
            "déclarée : impossible de savoir où sont ces bureaux. Déclarez la projection (membre "
            "« crs », ex. EPSG:2154) ou convertissez le fichier en WGS84.")
    return geometries


def _field(properties_list: list[dict], wanted: str | None, candidates: tuple[str, ...],
           path: Path, what: str) -> str | None:
    present = set().union(*(p.keys() for p in properties_list))
    if wanted:
        if wanted not in present:
            raise BuildError(f"{path.name}, champ « {wanted} » : propriété absente des entités "
                             f"(propriétés : {', '.join(sorted(present))})")
        return wanted
    found = next((name for name in candidates if name in present), None)
    if found is None and what:
        raise BuildError(f"{path.name} : aucune propriété ne donne {what} (essayées : "
                         f"{', '.join(candidates)} ; propriétés : {', '.join(sorted(present))})")
    return found


def read_contours(path: Path, commune: str | None, number_field: str | None = None,
                  name_field: str | None = None) -> tuple[list[StationContour], list[str]]:
    """(stations of ``commune`` — all when None, then the file must say each one's commune —,
    warnings). Invalid polygons are repaired and said; empty or non-polygon ones refused."""
    try:
        collection = json.loads(_decode(path))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BuildError(f"{path.name} : GeoJSON illisible ({error})") from error
    features = collection.get("features") if isinstance(collection, dict) else None
    if not features:
        raise BuildError(f"{path.name}, champ « features » : aucune entité (une "
                         "FeatureCollection de polygones est attendue)")
    properties = [f.get("properties") or {} for f in features]
    number_key = _field(properties, number_field, NUMBER_FIELDS, path,
                        "le numéro du bureau (option --champ-numero)")
    name_key = _field(properties, name_field, NAME_FIELDS, path, "")
    commune_key = _field(properties, None, COMMUNE_FIELDS, path,
                         "" if commune else "la commune")
    crs = _declared_crs(collection, path)
    kept, warnings = [], []
    for position, (feature, props) in enumerate(zip(features, properties, strict=True), 1):
        where = f"{path.name}, entité {position}"
        if commune and commune_key and str(props.get(commune_key, "")).strip() != commune:
            continue
        number = station_number(props.get(number_key) if props.get(number_key) is not None
                                else "")
        if not number:
            raise BuildError(f"{where}, champ « {number_key} » : numéro de bureau vide")
        try:
            geometry = shapely.geometry.shape(feature["geometry"]) if feature.get(
                "geometry") else None
        except (KeyError, TypeError, ValueError, shapely.errors.GEOSException) as error:
            raise BuildError(f"{where} (bureau {number}), champ « geometry » : géométrie "
                             f"illisible ({error})") from error
        if geometry is None or geometry.is_empty:
            raise BuildError(f"{where} (bureau {number}), champ « geometry » : géométrie vide")
        if geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise BuildError(f"{where} (bureau {number}), champ « geometry » : "
                             f"{geometry.geom_type} au lieu d'un polygone")
        geometry = shapely.force_2d(geometry)
        if not geometry.is_valid:
            reason = shapely.is_valid_reason(geometry)
            geometry = repaired(geometry)
            if geometry is None:
                raise BuildError(f"{where} (bureau {number}), champ « geometry » : géométrie "
                                 f"invalide ({reason}) et irréparable")
            warnings.append(f"{where} (bureau {number}), champ « geometry » : géométrie "
                            f"invalide ({reason}), réparée")
        name = str(props.get(name_key) or "").strip() if name_key else ""
        code = commune or str(props.get(commune_key)).strip()
        kept.append(StationContour(number, name, code, geometry))
    if not kept:
        found = sorted({str(p.get(commune_key)) for p in properties})
        raise BuildError(f"{path.name}, champ « {commune_key} » : aucun bureau de la commune "
                         f"{commune} (communes du fichier : {', '.join(found[:10])})")
    seen: dict[tuple[str, str], int] = {}
    for position, station in enumerate(kept, 1):
        key = (station.commune, station.number)
        if key in seen:
            raise BuildError(f"{path.name}, champ « {number_key} » : bureau {station.number} "
                             f"de la commune {station.commune} dessiné deux fois")
        seen[key] = position
    geometries = _to_wgs84([s.geometry for s in kept], crs, path)
    if crs and crs != "EPSG:4326":
        warnings.append(f"{path.name} : contours en {crs} (projection déclarée), convertis en "
                        "WGS84")
    return [StationContour(s.number, s.name, s.commune, g)
            for s, g in zip(kept, geometries, strict=True)], warnings


def check_same_stations(results: list[StationResult], contours: list[StationContour],
                        results_path: Path, contours_path: Path) -> None:
    """Every station with results has a contour and the reverse: otherwise its voters could not
    be placed, or the commune's total would miss a station."""
    drawn = {c.number for c in contours}
    counted = {r.number: r for r in results}
    unplaced = [r for r in results if r.number not in drawn]
    if unplaced:
        first = unplaced[0]
        raise BuildError(
            f"{results_path.name}, ligne {first.line}, champ « bureau » : bureau {first.number} "
            f"absent des contours {contours_path.name}"
            + (f" (et {len(unplaced) - 1} autre(s) : "
               f"{', '.join(r.number for r in unplaced[1:11])})" if len(unplaced) > 1 else ""))
    silent = sorted(drawn - set(counted), key=lambda n: (len(n), n))
    if silent:
        raise BuildError(f"{contours_path.name} : bureau(x) {', '.join(silent[:10])} sans "
                         f"résultat dans {results_path.name}")


def contour_rows(contours: list[StationContour]) -> list[dict]:
    """Rows of a stored contours file: WKT at 6 decimals (≈ 0.1 m)."""
    return [{"commune": c.commune, "numero": c.number, "nom": c.name,
             "geometry": shapely.to_wkt(c.geometry, rounding_precision=6, trim=True)}
            for c in contours]


def stored_contours(path: Path, commune: str) -> list[StationContour]:
    """Contours already bundled or imported (a file written by ``contour_rows``)."""
    table = pq.read_table(path, columns=["commune", "numero", "nom", "geometry"]).to_pylist()
    return [StationContour(row["numero"], row["nom"], row["commune"],
                           shapely.from_wkt(row["geometry"]))
            for row in table if row["commune"] == commune]


def store_import(imports_dir: Path, commune: str, scrutin: str, round_: int, contours_year: int,
                 results: list[StationResult], contours: list[StationContour] | None,
                 origin: str, imported_on: str) -> list[Path]:
    """Write the checked stations where ``quartiers build`` reads users' imports (contours
    only when new); each file is written beside its target then moved, so a build never reads
    half a file."""
    folder = imports_dir / "elections" / commune
    targets = {folder / f"{scrutin}-t{round_}.parquet": [
        {"numero": r.number, "inscrits": r.registered, "votants": r.voters,
         "scrutin": scrutin, "tour": round_, "annee_contours": contours_year,
         "origine": origin, "importe_le": imported_on} for r in results]}
    if contours is not None:
        targets[folder / f"contours-{contours_year}.parquet"] = contour_rows(contours)
    for target, rows in targets.items():
        partial = target.with_name(f".{target.name}.partiel")
        write_parquet(rows, partial)
        partial.replace(target)
    return list(targets)


ELECTION_KINDS = {"leg": "Législatives", "pres": "Présidentielle", "mun": "Municipales",
                  "eur": "Européennes", "reg": "Régionales", "dep": "Départementales"}
SCRUTIN_PATTERN = re.compile(r"(leg|pres|mun|eur|reg|dep)(\d{4})")


def election_year(scrutin: str) -> int:
    return int(SCRUTIN_PATTERN.fullmatch(scrutin).group(2))


def facet_label(scrutin: str, round_: int) -> str:
    """« leg2024 », 1 → « Législatives 2024, 1er tour »."""
    kind, year = SCRUTIN_PATTERN.fullmatch(scrutin).groups()
    return f"{ELECTION_KINDS[kind]} {year}, {'1er' if round_ == 1 else '2d'} tour"
