"""Build the compact bundled data set (``data/``) from the shared data kit.

Run once by a maintainer (``quartiers data bundle --from ../shared/data``); its output is
committed so that a fresh clone builds without the kit. Geometries are repaired, simplified for
the web and dissolved to EPCI, département and région here, so the build itself stays fast.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import lzma
import shutil
import zipfile
from collections import defaultdict
from pathlib import Path

import shapely
from shapely import wkb

from ..analyses import ANALYSES
from .declared import SOURCES
from .files import repaired, sha256, write_gzip, write_parquet

SIMPLIFY_DEGREES = 0.001  # ≈ 100 m: enough for maps of a commune, a tenth of the file size

COPIES = {  # bundled path -> path in the kit, copied byte for byte
    "qpv2024/liste_qpv_communes.csv": "qpv2024/liste_qpv2024_communes.csv",
    "qpv2024/indicateurs.csv.gz": "qpv2024/indicateurs_qpv2024.csv.gz",
    "filosofi/FILO2019_DISP_COM.csv.gz": "filosofi/FILO2019_DISP_COM.csv.gz",
    "filosofi/FILO2019_DISP_EPCI.csv.gz": "filosofi/FILO2019_DISP_EPCI.csv.gz",
    "filosofi/BASE_TD_FILO_DISP_IRIS_2019.csv.gz": "filosofi/BASE_TD_FILO_DISP_IRIS_2019.csv.gz",
    "filosofi/data_CAF_2020_IRIS.csv.gz": "filosofi/data_CAF_2020_IRIS.csv.gz",
    "bpe/bpe2019_iris_typequ_reg52_53.csv.gz": "bpe/bpe2019_iris_typequ_reg52_53.csv.gz",
    "typologies/densite_communes_cog2025.csv.gz": "typologies/densite_communes_cog2025.csv.gz",
    "typologies/centralite_communes_cog2025.csv.gz":
        "typologies/centralite_communes_cog2025.csv.gz",
    "qpv2024/correspondance_qp2024_qp2015.csv.gz": "qpv2024/correspondance_qp2024_qp2015.csv.gz",
    "filosofi/cc_filosofi_2021_COM.csv.gz": "filosofi/cc_filosofi_2021_COM.csv.gz",
    "filosofi/FILO2019_DISP_DEP.csv.gz": "filosofi/FILO2019_DISP_DEP.csv.gz",
    "filosofi/FILO2019_DISP_REG.csv.gz": "filosofi/FILO2019_DISP_REG.csv.gz",
    "filosofi/FILO2019_DISP_METROPOLE.csv.gz": "filosofi/FILO2019_DISP_METROPOLE.csv.gz",
    "filosofi/FILO2020_DISP_PAUVRES_DEP.csv.gz": "filosofi/FILO2020_DISP_PAUVRES_DEP.csv.gz",
    "filosofi/FILO2020_DISP_DEP.csv.gz": "filosofi/FILO2020_DISP_DEP.csv.gz",
    "filosofi/FILO2018_DISP_Pauvres_COM.csv.gz": "filosofi/FILO2018_DISP_Pauvres_COM.csv.gz",
    **{f"politique_ville/{name}_2020_2023_reg52_53.csv.gz":
       f"politique_ville/{name}_2020_2023_reg52_53.csv.gz"
       for name in ("adultes_relais", "postes_fonjep")},
    **{f"populations_legales/{name}.csv.gz": f"populations_legales/{name}.csv.gz"
       for name in ("PL2023_donnees_communes", "PL2023_donnees_departements",
                    "PL2023_donnees_regions", "PL2021_donnees_communes")},
}


def _web_geometry(geometry) -> str | None:
    """WKT at 4 decimals (≈ 10 m): text compresses three times better than WKB doubles."""
    if geometry is None or geometry.is_empty:
        return None
    simplified = repaired(shapely.simplify(geometry, SIMPLIFY_DEGREES))
    return simplified and shapely.to_wkt(simplified, rounding_precision=4, trim=True)


def _bundle_qpv(kit: Path, out: Path) -> None:
    with gzip.open(kit / "qpv2024/perimetres_qpv2024_simplifies.geojson.gz", "rt") as handle:
        collection = json.load(handle)
    rows = []
    for feature in collection["features"]:
        props = feature["properties"]
        original = shapely.geometry.shape(feature["geometry"])
        geometry = repaired(original)
        rows.append({
            "code_qp": props["code_qp"], "lib_qp": props["lib_qp"],
            "insee_reg": props["insee_reg"], "insee_dep": props["insee_dep"],
            "insee_com": props["insee_com"], "lib_com": props["lib_com"],
            "siren_epci": props["siren_epci"], "repaired": not original.is_valid,
            "geometry": geometry and shapely.to_wkt(geometry, rounding_precision=5, trim=True),
        })
    write_parquet(rows, out / "qpv2024/perimetres.parquet")


def _bundle_admin(kit: Path, out: Path) -> None:
    def load_json(name: str):
        with gzip.open(kit / f"admin/{name}.json.gz", "rt") as handle:
            return json.load(handle)

    with lzma.open(kit / "admin/datafrance_communes.csv.lzma", "rt") as handle:
        every_shape = [row for row in csv.DictReader(handle) if row["geometry"] != "\\N"]
    shapes = {row["code"]: row["geometry"] for row in every_shape if row["type"] == "COM"}
    district_shapes = {row["code"]: row["geometry"] for row in every_shape if row["type"] == "ARM"}
    every_commune = load_json("decoupage_communes")
    communes = [c for c in every_commune if c["type"] == "commune-actuelle"]
    former = defaultdict(set)  # current code -> codes it absorbed (to read older files)
    for c in every_commune:
        if c["type"] == "commune-actuelle":
            former[c["code"]].update(c.get("anciensCodes", []))
        elif c["type"] in ("commune-deleguee", "commune-associee") and c.get("chefLieu"):
            former[c["chefLieu"]].add(c["code"])
        elif c["type"] == "arrondissement-municipal":
            former[c["commune"]].add(c["code"])
    write_parquet([{  # arrondissements municipaux of Paris, Lyon and Marseille
        "code": a["code"], "nom": a["nom"], "commune": a["commune"],
        "departement": a.get("departement"), "region": a.get("region"),
        "population": a.get("population"), "codes_postaux": ",".join(a.get("codesPostaux", [])),
        "geometry": _web_geometry(wkb.loads(district_shapes[a["code"]], hex=True)
                                  if a["code"] in district_shapes else None),
    } for a in every_commune if a["type"] == "arrondissement-municipal"],
        out / "admin/arrondissements.parquet")
    epcis = load_json("decoupage_epci")
    epci_of = {m["code"]: e["code"] for e in epcis for m in e["membres"]}

    full = {}
    for commune in communes:
        parts = [shapes[code] for code in [commune["code"], *commune.get("anciensCodes", [])]
                 if code in shapes]
        if parts:
            full[commune["code"]] = shapely.union_all([wkb.loads(p, hex=True) for p in parts])
    write_parquet([{
        "code": c["code"], "nom": c["nom"], "departement": c.get("departement"),
        "region": c.get("region"), "epci": epci_of.get(c["code"]),
        "population": c.get("population"), "zone": c["zone"],
        "codes_postaux": ",".join(c.get("codesPostaux", [])),
        "anciens_codes": ",".join(sorted(former[c["code"]] - {c["code"]})),
        "geometry": _web_geometry(full.get(c["code"])),
    } for c in communes], out / "admin/communes.parquet")

    def dissolve(key_of) -> dict[str, bytes | None]:
        groups = defaultdict(list)
        for commune in communes:
            if commune["code"] in full and key_of(commune):
                groups[key_of(commune)].append(full[commune["code"]])
        return {key: _web_geometry(shapely.union_all(parts, grid_size=1e-6))
                for key, parts in groups.items()}

    epci_shapes = dissolve(lambda c: epci_of.get(c["code"]))
    write_parquet([{
        "code": e["code"], "nom": e["nom"], "type": e["type"],
        "population": e["populationMunicipale"], "geometry": epci_shapes.get(e["code"]),
    } for e in epcis], out / "admin/epci.parquet")
    dep_shapes = dissolve(lambda c: c.get("departement"))
    write_parquet([{
        "code": d["code"], "nom": d["nom"], "region": d["region"], "zone": d["zone"],
        "geometry": dep_shapes.get(d["code"]),
    } for d in load_json("decoupage_departements")], out / "admin/departements.parquet")
    reg_shapes = dissolve(lambda c: c.get("region"))
    write_parquet([{
        "code": r["code"], "nom": r["nom"], "zone": r["zone"], "geometry": reg_shapes.get(r["code"]),
    } for r in load_json("decoupage_regions")], out / "admin/regions.parquet")


CONTRATS = {"2024_2030": "2024-2030", "2015_2023": "2015-2023"}  # file stem -> generation
POSTS = ("adultes_relais", "postes_fonjep")
POST_COLUMNS = ("id_poste", "code_tiers", "annee", "code_cv", "insee_dep", "insee_reg")


def _bundle_contrats(kit: Path, out: Path) -> None:
    """The two generations of contrats de ville as CSV (the points are kept: one contract has
    none), and the national 2023 posts without the amounts nor the employers' names: only
    what counts of posts and employers per contract need (amounts per contract go through
    the trusted third party)."""
    (out / "contrats_de_ville").mkdir(parents=True, exist_ok=True)
    for stem in CONTRATS:
        path = kit / f"contrats_de_ville/contrats_de_ville_{stem}_points.geojson.gz"
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            features = json.load(handle)["features"]
        target = out / f"contrats_de_ville/contrats_de_ville_{stem}.csv"
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["code_cv", "lib_cv", "codgeo", "insee_dep", "pop", "lon", "lat"])
            for feature in features:
                p = feature["properties"]
                lon, lat = (feature["geometry"] or {}).get("coordinates", ("", ""))
                writer.writerow([p["code_cv"], p["lib_cv"], p["codgeo"], p["insee_dep"],
                                 "" if p["pop"] is None else int(p["pop"]),
                                 lon if lon == "" else round(lon, 5),
                                 lat if lat == "" else round(lat, 5)])
    for name in POSTS:
        with gzip.open(kit / f"politique_ville/{name}_2023.json.gz", "rt") as handle:
            posts = json.load(handle)
        lines = io.StringIO()
        writer = csv.writer(lines, lineterminator="\n")
        writer.writerow(POST_COLUMNS)
        writer.writerows([post.get(column) or "" for column in POST_COLUMNS] for post in posts)
        write_gzip(lines.getvalue().encode(), out / f"politique_ville/{name}_2023.csv.gz")


SCHOOL_COLUMNS = {  # bundled column -> column of the Éducation nationale directory
    "uai": "Identifiant_de_l_etablissement", "nom": "Nom_etablissement",
    "type": "Type_etablissement", "statut": "Statut_public_prive", "adresse": "Adresse_1",
    "code_postal": "Code postal", "code_commune": "Code_commune", "commune": "Nom_commune",
    "latitude": "latitude", "longitude": "longitude",
    "precision_localisation": "precision_localisation",
    "education_prioritaire": "Appartenance_Education_Prioritaire",
}


def _bundle_schools(kit: Path, out: Path) -> None:
    """The columns of the school directory that the locator's example and tests use."""
    path = kit / "education_35" / "annuaire_education_dep35_2023-06.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    (out / "education").mkdir(parents=True, exist_ok=True)
    with (out / "education" / "ecoles_35.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SCHOOL_COLUMNS)
        for row in sorted(rows, key=lambda r: r["Identifiant_de_l_etablissement"]):
            writer.writerow(row[name].strip() for name in SCHOOL_COLUMNS.values())


def _variables_only(dictionary: bytes) -> bytes:
    """An INSEE dictionary without its CODGEO rows (one per commune, with its name): the lines
    that describe variables, byte for byte."""
    lines = dictionary.splitlines(keepends=True)
    return b"".join(line for line in lines if not line.startswith(b"CODGEO;"))


def _bundle_insee_extras(kit: Path, out: Path) -> None:
    """The comparateur's data file out of INSEE's zip (unchanged, gzipped) and the variable
    lines of the two dictionaries."""
    with zipfile.ZipFile(kit / "insee_communes/base_cc_comparateur_csv.zip") as archive:
        write_gzip(archive.read("base_cc_comparateur.CSV"),
                    out / "insee_communes/base_cc_comparateur.csv.gz")
        dictionary = _variables_only(archive.read("meta_base_cc_comparateur.CSV"))
    (out / "insee_communes/meta_base_cc_comparateur_variables.csv").write_bytes(dictionary)
    with gzip.open(kit / "filosofi/meta_FILO2018_DISP_Pauvres_COM.csv.gz") as handle:
        write_gzip(_variables_only(handle.read()),
                    out / "filosofi/meta_FILO2018_DISP_Pauvres_COM_variables.csv.gz")


def _copy_qpv2015(kit: Path, out: Path) -> None:
    for source in SOURCES:
        if source.key.startswith("qpv2015_"):
            name = Path(source.path).name
            (out / "qpv2015").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(kit / "qpv2015_insee" / name, out / source.path)


def write_manifest(out: Path) -> dict:
    """Record size and checksum of every bundled file, with its declared provenance; a
    source's dictionary is recorded under ``<key>/dictionnaire``."""
    manifest = {}
    for source in SOURCES:
        for key, relative in ((source.key, source.path),
                              (f"{source.key}/dictionnaire", source.dictionary)):
            if relative:
                path = out / relative
                manifest[key] = {"path": relative, "bytes": path.stat().st_size,
                                 "sha256": sha256(path)}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def sources_markdown() -> str:
    """data/SOURCES.md, written from the catalogue (a test checks it is up to date)."""
    lines = ["# Données embarquées : provenance, licences, limites", "",
             "Fichier généré par `quartiers data bundle` à partir du catalogue des sources "
             "(`src/quartiers/engine/sources/catalogue.py`) ; empreintes SHA-256 dans "
             "`manifest.json`.", ""]
    for source in SOURCES:
        lines += [f"## `{source.path}`", "",
                  f"- **{source.producer}** — {source.dataset}",
                  f"- Millésime : {source.vintage}",
                  f"- Licence : {source.licence} — mention : « {source.attribution} »",
                  f"- Origine de notre copie : {source.origin}"]
        lines += [f"- Limite : {doubt}" for doubt in (*source.doubts, *source.file_notes)]
        if source.dictionary:
            lines.append(f"- Dictionnaire des variables (documentation) : `{source.dictionary}`")
        lines.append("")
    return "\n".join(lines)


def bundle(kit: Path, out: Path, log=print) -> dict:
    kit, out = Path(kit), Path(out)
    for target, origin in COPIES.items():
        (out / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kit / origin, out / target)
    log("copies: ok")
    _copy_qpv2015(kit, out)
    log("qpv2015: ok")
    _bundle_insee_extras(kit, out)
    log("comparateur, dictionnaires: ok")
    _bundle_contrats(kit, out)
    _bundle_schools(kit, out)
    _bundle_qpv(kit, out)
    log("qpv2024: ok")
    _bundle_admin(kit, out)
    log("admin: ok")
    for analysis in ANALYSES:
        if analysis.bundle:
            analysis.bundle(kit, out)
            log(f"analyse {analysis.code}: ok")
    missing = [path for s in SOURCES for path in (s.path, s.dictionary)
               if path and not (out / path).exists()]
    if missing:
        raise RuntimeError(f"bundle incomplete, missing: {missing}")
    (out / "SOURCES.md").write_text(sources_markdown(), encoding="utf-8")
    return write_manifest(out)

