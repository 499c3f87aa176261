"""Read access to the warehouse marts: the only door the web, the API, the CLI and the PDF use.

Opened read-only; when a build replaces the file, the next query reopens it, so pages keep
answering during a build and pick the new warehouse up afterwards.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path

from ..geo import connect
from ..indicators.catalogue import INDICATORS, INDICATORS_BY_CODE
from ..indicators.model import Indicator
from ..levels import LEVELS, PROFILE_LEVELS, level_label, qpv_geography, territory_label
from .marts import SOUND_STATUSES, STATUS_LABELS


class NotFound(LookupError):
    """Unknown territory or indicator; carries close matches to suggest."""

    def __init__(self, message: str, suggestions: list[dict] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


class WarehouseMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Value:
    indicator: str
    level: str
    code: str
    vintage: str
    year: int | None
    value: float | None
    status: str
    source: str
    method: str
    note: str
    n_units: int
    n_missing: int
    units_label: str

    @property
    def status_label(self) -> str:
        if self.status == "incomplet":
            return (f"somme partielle : valeur complète pour {self.n_units} {self.units_label} "
                    f"sur {self.n_units + self.n_missing}")
        return STATUS_LABELS[self.status]

    @property
    def is_sound(self) -> bool:
        """Shown as a territory's figure (key figures, charts, maps, comparison bars): a value
        that is neither blank nor a partial sum."""
        return self.value is not None and self.status in SOUND_STATUSES

    @property
    def geography(self) -> str | None:
        """Which QPV geography the value is about, said wherever it is shown."""
        return qpv_geography(self.level)

    def as_dict(self) -> dict:
        return {"indicateur": self.indicator, "niveau": self.level, "code": self.code,
                "millesime": self.vintage, "annee": self.year, "valeur": plain(self.value),
                "statut": self.status, "statut_libelle": self.status_label,
                "geographie": self.geography, "source": self.source,
                "methode": self.method, "note": self.note or None,
                "unites": self.n_units, "unites_sans_valeur": self.n_missing}


def plain(number: float | None) -> float | int | None:
    """A whole number as an int (no « 6778.0 » in exports); other values unchanged."""
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


VALUE_COLUMNS = ", ".join(f.name for f in fields(Value))
TERRITORY_COLUMNS = ("level, code, name, population, commune, epci, departement, region, postcodes, "
                     "densite, centralite, repaired, lon, lat, xmin, ymin, xmax, ymax")


CONTRAT_GENERATIONS = ("2024-2030", "2015-2023")
CONTRAT_COLUMNS = ("code, name, label, generation, signatory_level, signatory_code, "
                   "signatory_name, epci, departement, region, pop_qpv, qpv_level, qpv_count, "
                   "preferred")


MEMO_SIZE = 2048  # answers kept, up to six per territory (row, links, references, comparisons):
# ≈ 15 MiB, measured with tracemalloc


def _remembered(method):
    """An answer about one territory, kept per warehouse file for the most recently asked
    ones: a popular profile skips most of its queries. Shared: callers must not modify it."""

    @functools.wraps(method)
    def remembered(self, *args):
        return self._memo((method.__name__, *args), lambda: method(self, *args))

    return remembered


class Warehouse:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._memo_lock = threading.Lock()
        self._local = threading.local()
        # (connection, file stamp, cache of what never changes within one warehouse file),
        # swapped as one under the lock when a build replaces the file
        self._open: tuple | None = None

    # -- connection -----------------------------------------------------------------------
    @contextlib.contextmanager
    def pinned(self) -> Iterator[str]:
        """Every query of the block, in this thread, reads the warehouse file open when it
        began, even if a build replaces the file meanwhile: a page and the build stamp it is
        served under come from one build. Yields that stamp."""
        opened = self._current()
        self._local.pinned = opened
        try:
            yield "{:x}-{:x}".format(*opened[1])
        finally:
            self._local.pinned = None

    def _current(self) -> tuple:
        pinned = getattr(self._local, "pinned", None)
        if pinned:
            return pinned
        try:
            stat = os.stat(self.path)
        except FileNotFoundError as error:
            raise WarehouseMissing(
                f"entrepôt absent : {self.path} — lancez « quartiers build »") from error
        stamp = (stat.st_ino, stat.st_mtime_ns)
        opened = self._open
        if opened is None or opened[1] != stamp:
            with self._lock:
                if self._open is None or self._open[1] != stamp:
                    # attach rather than connect: DuckDB keeps one instance per path in a
                    # process, and would hand back the replaced file
                    con = connect(":memory:")
                    con.execute(f"ATTACH '{self.path}' AS warehouse (READ_ONLY)")
                    self._open = (con, stamp, {})
                opened = self._open
        return opened

    def _cursor(self):
        con, stamp, _ = self._current()
        local = self._local
        if getattr(local, "stamp", None) != stamp:
            local.cursor = con.cursor()
            local.cursor.execute("USE warehouse")
            local.stamp = stamp
        return local.cursor

    def query(self, sql: str, params: list | tuple = ()) -> list[dict]:
        cursor = self._cursor().execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    # -- territories ----------------------------------------------------------------------
    @_remembered
    def territory(self, level: str, code: str) -> dict:
        if level not in PROFILE_LEVELS:
            raise NotFound(f"niveau inconnu « {level} » (niveaux : {', '.join(PROFILE_LEVELS)})")
        rows = self.query(f"SELECT {TERRITORY_COLUMNS} FROM marts.territories "
                          "WHERE level = ? AND code = ?", [level, code])
        if not rows:
            raise NotFound(f"aucun territoire de niveau « {level} » avec le code « {code} »",
                           self.suggest(level, code))
        territory = rows[0]
        territory["level_label"] = territory_label(level, code)
        return territory

    def suggest(self, level: str | None, text: str, limit: int = 5) -> list[dict]:
        """Close matches for a mistyped code or name, in the level asked first (any level
        when ``level`` is None): close codes of that level, what the search finds by code or
        whole words, names alike (Jaro-Winkler over the search keys: « Renes » → Rennes,
        « Sain Nazaire » → Saint-Nazaire), then names holding the text as part of a word."""
        by_code = self._cached(("codes", level), lambda: {r["code"]: r for r in self.query(
            "SELECT level, code, name FROM marts.territories WHERE level = ?", [level])}
            ) if level in LEVELS else {}
        close = difflib.get_close_matches(text.upper(), list(by_code), n=limit, cutoff=0.6)
        searched = self.search(text, limit)
        key = self.query("SELECT trim(search_key(?)) AS k", [text])[0]["k"]
        alike = self.query("""
            SELECT level, code, arg_max(name, score) AS name FROM (
                SELECT level, code, name, population,
                       jaro_winkler_similarity(trim(key), ?) AS score
                FROM marts.search) WHERE score >= 0.85
            GROUP BY level, code
            ORDER BY level IS NOT DISTINCT FROM ? DESC, max(score) DESC,
                     max(population) DESC NULLS LAST, name
            LIMIT ?""", [key, level, limit]) if len(key) >= 3 else []
        found, seen = [], set()
        for r in ([by_code[c] for c in close] + [r for r in searched if r["match"] != "partial"]
                  + alike + [r for r in searched if r["match"] == "partial"]):
            if (r["level"], r["code"]) not in seen:
                seen.add((r["level"], r["code"]))
                found.append(r)
        return [{"niveau": r["level"], "code": r["code"], "nom": r["name"]} for r in found[:limit]]

    @_remembered
    def parents(self, level: str, code: str) -> list[dict]:
        """Enclosing territories, widest first (France, région, …), main ones first."""
        return self.query("""SELECT t.level, t.code, t.name, l.is_main
            FROM marts.territory_links l JOIN marts.territories t
              ON t.level = l.parent_level AND t.code = l.parent_code
            WHERE l.level = ? AND l.code = ?
            ORDER BY CASE l.parent_level WHEN 'france' THEN 0 WHEN 'region' THEN 1
                     WHEN 'departement' THEN 2 WHEN 'epci' THEN 3 ELSE 4 END,
                     l.is_main DESC, t.name""", [level, code])

    @_remembered
    def children(self, level: str, code: str, child_level: str) -> list[dict]:
        return self.query(f"""SELECT {', '.join('t.' + c for c in TERRITORY_COLUMNS.split(', '))}
            FROM marts.territory_links l JOIN marts.territories t
              ON t.level = l.level AND t.code = l.code
            WHERE l.parent_level = ? AND l.parent_code = ? AND l.level = ?
            ORDER BY t.name""", [level, code, child_level])

    def contrats_de_ville(self, epci: str) -> list[dict]:
        """The 2015-2023 contracts of an EPCI: the codes the posts files and the partners'
        releases are filed under."""
        return self.query("SELECT code, name, pop_qpv FROM marts.contrats_de_ville WHERE epci = ?",
                          [epci])

    # -- contrats de ville ----------------------------------------------------------------
    def _contrats_by_key(self) -> dict[tuple[str, str], dict]:
        """Every contract with its related ones, read once per warehouse file (≈ 900 rows)."""
        def load() -> dict[tuple[str, str], dict]:
            rows = {(r["generation"], r["code"]): {**r, "related": []} for r in self.query(
                f"SELECT {CONTRAT_COLUMNS} FROM marts.contrats ORDER BY code, generation DESC")}
            for r in self.query("SELECT * FROM marts.contrat_related"):
                rows[(r["generation"], r["code"])]["related"].append({
                    "code": r["related_code"], "generation": r["related_generation"],
                    "name": r["related_name"]})
            return rows

        return self._cached("contrats", load)

    def contrats(self, generation: str | None = None) -> list[dict]:
        """Every contrat de ville ordered by code (the 2024-2030 one first where a code is in
        both generations), or those of one generation. Shared: callers must not modify."""
        if generation is not None and generation not in CONTRAT_GENERATIONS:
            raise NotFound(f"génération inconnue « {generation} » (générations : "
                           f"{', '.join(CONTRAT_GENERATIONS)})")
        return [c for c in self._contrats_by_key().values()
                if generation is None or c["generation"] == generation]

    def contrat(self, code: str, generation: str | None = None) -> dict:
        """One contract. A bare code means the 2024-2030 contract when the code is in both
        generations (45 overseas contracts kept their CV code): ``generation`` reaches the
        other one."""
        by_key = self._contrats_by_key()
        generations = (generation,) if generation else ("2024-2030", "2015-2023")  # preferred first
        found = [by_key[(g, code)] for g in generations if (g, code) in by_key]
        if not found:
            raise NotFound(f"aucun contrat de ville avec le code « {code} »"
                           + (f" dans la génération {generation}" if generation else ""))
        return found[0]

    def contrat_qpv(self, code: str, generation: str | None = None) -> list[dict]:
        """The QPV derived from the signatory's territory (never an official list)."""
        c = self.contrat(code, generation)
        return self.query("""SELECT level, code, name, communes, population
            FROM marts.contrat_qpv WHERE generation = ? AND contrat = ? ORDER BY name, code""",
                          [c["generation"], c["code"]])

    def contrat_postes(self, code: str, generation: str | None = None) -> list[dict]:
        """Funded posts and employers per dispositif and year: counts, never amounts."""
        c = self.contrat(code, generation)
        return self.query("""SELECT dispositif, annee, postes, employeurs, source, via_code
            FROM marts.contrat_postes WHERE generation = ? AND code = ?
            ORDER BY dispositif, annee, via_code""", [c["generation"], c["code"]])

    def territory_contrats(self, level: str, code: str) -> list[dict]:
        """The contracts a territory signed, and for an EPCI those signed by a former EPCI
        now within it: 2024-2030 first."""
        return sorted((c for c in self._contrats_by_key().values()
                       if (c["signatory_level"], c["signatory_code"]) == (level, code)
                       or (level == "epci" and c["signatory_name"] is None
                           and c["epci"] == code)),
                      key=lambda c: (c["generation"] != "2024-2030", c["code"]))

    def inner_counts(self, level: str, code: str) -> dict[str, int]:
        """How many territories of each finer level lie inside this one (its wide tables):
        counted once per warehouse file for every territory (a few thousand parents), since
        a query per page scans the links table."""
        def count_all() -> dict[tuple[str, str], dict[str, int]]:
            counts: dict[tuple[str, str], dict[str, int]] = {}
            for r in self.query("""SELECT parent_level, parent_code, level,
                    count(DISTINCT code) AS n FROM marts.territory_links GROUP BY ALL"""):
                counts.setdefault((r["parent_level"], r["parent_code"]), {})[r["level"]] = r["n"]
            return counts

        return self._cached("inner_counts", count_all).get((level, code), {})

    def territories(self, level: str, limit: int = 100, offset: int = 0,
                    within: tuple[str, str] | None = None) -> tuple[int, list[dict]]:
        where, params = "level = ?", [level]
        if within:
            where += (" AND code IN (SELECT code FROM marts.territory_links WHERE level = ? "
                      "AND parent_level = ? AND parent_code = ?)")
            params += [level, *within]
        total = self.query(f"SELECT count(*) AS n FROM marts.territories WHERE {where}",
                           params)[0]["n"]
        rows = self.query(f"SELECT {TERRITORY_COLUMNS} FROM marts.territories WHERE {where} "
                          "ORDER BY code LIMIT ? OFFSET ?", [*params, limit, offset])
        return total, rows

    # -- search ---------------------------------------------------------------------------
    def search(self, text: str, limit: int = 20, every_exact: bool = False) -> list[dict]:
        """Codes, postcodes and names, without accents, case or spaces in codes.

        First the territories whose code or postcode is the query (a 5-digit query may be
        the postcode of some communes and the INSEE code of another one: all are given), then
        names: same name, starting with, containing the query as words, then as part of a
        word. Each row says why it matched: ``match`` is ``code``, ``postcode``, ``name`` or
        ``partial``, ``reason`` is French (« code postal 44100 », « code INSEE 44100 »).
        ``every_exact`` gives every code or postcode match even beyond ``limit``.
        """
        text = text.strip()
        if not any(ch.isalnum() for ch in text):
            return []
        token = "".join(text.split()).lower()  # « 44 100 » is 44100, « qn03504m » QN03504M
        order = {"qpv": 0, "commune": 1, "arrondissement": 2, "epci": 3, "departement": 4,
                 "region": 5, "france": 6, "qpv2015": 7}
        by_level = "CASE level " + " ".join(f"WHEN '{level}' THEN {rank}"
                                            for level, rank in order.items()) + " ELSE 8 END"
        code_names = {"commune": "code INSEE", "arrondissement": "code INSEE", "qpv": "code QPV",
                      "qpv2015": "code QPV 2015", "epci": "SIREN", "departement": "code département",
                      "region": "code région"}
        hits: dict[tuple, dict] = {}  # a territory may have the query as code and postcode
        for row in self.query("SELECT level, code, name, departement, population, via "
                              "FROM marts.search_codes WHERE token = ?", [token]):
            via = row.pop("via")
            hits.setdefault((row["level"], row["code"]), {**row, "vias": set()})["vias"].add(via)
        for row in hits.values():
            vias = row.pop("vias")
            reasons = [f"{code_names.get(row['level'], 'code')} {row['code']}"
                       ] if "code" in vias else []
            if "postcode" in vias:  # a QPV has the postcodes of its commune
                reasons.append(f"code postal {token}" + (
                    "" if row["level"] in ("commune", "arrondissement") else " de sa commune"))
            row["match"] = "code" if "code" in vias else "postcode"
            row["reason"] = " et ".join(reasons)
        exact = sorted(hits.values(), key=lambda r: (  # codes and communes, then their QPV
            r["match"] == "postcode" and r["level"] not in ("commune", "arrondissement"),
            order.get(r["level"], 8), -(r["population"] or 0), r["name"]))
        if exact and token.isdigit():  # a number that is a code or a postcode is not a name
            return exact if every_exact else exact[:limit]
        key = self.query("SELECT search_key(?) AS k", [text])[0]["k"]
        names = self.query(f"""
            SELECT level, code, arg_min(name, tier) AS name, any_value(departement) AS departement,
                   any_value(population) AS population, min(tier) AS tier
            FROM (SELECT *, CASE WHEN key = ? THEN 0 WHEN starts_with(key, ?) THEN 1
                                 WHEN contains(key, ?) THEN 2 ELSE 3 END AS tier
                  FROM marts.search WHERE contains(key, ?))
            GROUP BY level, code
            ORDER BY tier, {by_level}, population DESC NULLS LAST, name
            LIMIT ?""", [key, key, key, key.strip(), limit + len(exact)]) if key.strip() else []
        found = {(r["level"], r["code"]) for r in exact}
        names = [r for r in names if (r["level"], r["code"]) not in found]
        for row in names:
            row["match"] = "partial" if row.pop("tier") == 3 else "name"
            row["reason"] = "partie du nom" if row["match"] == "partial" else "nom"
        if every_exact:
            return exact + names[:max(0, limit - len(exact))]
        return (exact + names)[:limit]

    # -- values ---------------------------------------------------------------------------
    def values(self, level: str, code: str, indicator: str | None = None) -> list[Value]:
        sql = f"SELECT {VALUE_COLUMNS} FROM marts.indicator_values WHERE level = ? AND code = ?"
        params = [level, code]
        if indicator:
            sql += " AND indicator = ?"
            params.append(indicator)
        return [Value(**row) for row in self.query(sql + " ORDER BY indicator, year, vintage",
                                                   params)]

    def indicator_values(self, indicator: str, level: str, vintage: str | None, limit: int,
                         offset: int) -> tuple[int, list[Value]]:
        """One indicator for every territory of a level, at one vintage (default: latest)."""
        if vintage is None:
            vintage = self.latest_vintage(indicator, level)
        where = "indicator = ? AND level = ? AND vintage = ?"
        params = [indicator, level, vintage]
        total = self.query(f"SELECT count(*) AS n FROM marts.indicator_values WHERE {where}",
                           params)[0]["n"]
        rows = self.query(f"SELECT {VALUE_COLUMNS} FROM marts.indicator_values WHERE {where} "
                          "ORDER BY code LIMIT ? OFFSET ?", [*params, limit, offset])
        return total, [Value(**row) for row in rows]

    def latest_values(self, level: str, codes: list[str], indicators: list[str]) -> dict:
        """{code: {indicator: Value}} with the latest vintage of each, for lists of territories."""
        if not codes:
            return {}
        rows = self.query(f"""SELECT {VALUE_COLUMNS} FROM marts.indicator_values
            WHERE level = ? AND code IN ({', '.join('?' for _ in codes)})
              AND indicator IN ({', '.join('?' for _ in indicators)})
            ORDER BY year, vintage""", [level, *codes, *indicators])
        latest: dict[str, dict[str, Value]] = {}
        for row in rows:
            latest.setdefault(row["code"], {})[row["indicator"]] = Value(**row)
        return latest

    @_remembered
    def references(self, level: str, code: str) -> list[dict]:
        rows = self.query("""SELECT r.ref_level AS level, r.ref_code AS code, t.name
            FROM marts.references r JOIN marts.territories t
              ON t.code = r.ref_code AND t.level = CASE WHEN contains(r.ref_level, '_')
                 THEN split_part(r.ref_level, '_', 2) ELSE r.ref_level END
            WHERE r.level = ? AND r.code = ? ORDER BY r.rank, r.ref_code""", [level, code])
        for row in rows:  # a pooled group is named after its territory
            row["level_label"] = level_label(row["level"])
            row["label"] = (row["name"] if row["level"] in LEVELS
                            else f"{row['level_label']} ({row['name']})")
        return rows

    @_remembered
    def comparison(self, level: str, code: str) -> dict:
        """Indicators of a territory against its references (parents, pooled QPV groups)."""
        return self._compare(self.references(level, code))

    @_remembered
    def qpv_comparison(self, level: str, code: str) -> dict:
        """For a commune, EPCI, département, région or France: its QPV taken together,
        against all QPV of its région and of France (its pooled references). Most QPV figures
        exist only there."""
        return self._compare([r for r in self.references(level, code) if r["level"] not in LEVELS])

    def _compare(self, refs: list[dict]) -> dict:
        """One row per indicator the first reference (the subject) has, at its latest
        vintage; each other reference shows the same vintage when it has it, else its latest
        value, flagged ``other_vintage``."""
        # one point lookup per reference: each uses the zone maps of the sorted table
        lookups = " UNION ALL ".join(f"SELECT {VALUE_COLUMNS} FROM marts.indicator_values "
                                     "WHERE level = ? AND code = ?" for _ in refs)
        rows = self.query(f"SELECT * FROM ({lookups}) ORDER BY year, vintage",
                          [x for r in refs for x in (r["level"], r["code"])])
        by_cell: dict[tuple, list[Value]] = {}
        for row in rows:
            value = Value(**row)
            by_cell.setdefault((value.indicator, value.level, value.code), []).append(value)
        table = []
        for indicator in INDICATORS:
            own = by_cell.get((indicator.code, refs[0]["level"], refs[0]["code"]))
            if not own:
                continue
            subject = own[-1]
            cells = []
            for ref in refs:
                candidates = by_cell.get((indicator.code, ref["level"], ref["code"]), [])
                same = [v for v in candidates if v.vintage == subject.vintage]
                chosen = same[-1] if same else (candidates[-1] if candidates else None)
                cells.append({"value": chosen,
                              "other_vintage": bool(chosen and chosen.vintage != subject.vintage)})
            table.append({"indicator": indicator, "subject": subject, "cells": cells,
                          "history": own})
        return {"references": refs, "rows": table}

    def latest_vintage(self, indicator: str, level: str) -> str | None:
        rows = self.query("""SELECT vintage FROM marts.indicator_values
            WHERE indicator = ? AND level = ? GROUP BY vintage
            ORDER BY max(year) DESC NULLS LAST, vintage DESC LIMIT 1""", [indicator, level])
        return rows[0]["vintage"] if rows else None

    def distribution(self, indicator: str, level: str = "qpv") -> dict:
        ind = self.indicator(indicator)
        latest = self.latest_vintage(indicator, level)
        rows = self.query("""SELECT v.code, t.name, t.region, v.value, v.status
            FROM marts.indicator_values v JOIN marts.territories t
              ON t.level = v.level AND t.code = v.code
            WHERE v.indicator = ? AND v.level = ? AND v.vintage = ?
            ORDER BY v.value DESC NULLS LAST""", [indicator, level, latest])
        known = sorted(r["value"] for r in rows if r["value"] is not None)

        def quantile(q: float) -> float | None:
            """Linear interpolation between order statistics (the median of an even count
            is the mean of the two middle values)."""
            if not known:
                return None
            position = q * (len(known) - 1)
            low = int(position)
            high = min(low + 1, len(known) - 1)
            return known[low] + (known[high] - known[low]) * (position - low)

        return {"indicator": ind, "level": level, "vintage": latest, "rows": rows,
                "count": len(known), "missing": len(rows) - len(known),
                "quantiles": {name: quantile(q) for name, q in
                              (("min", 0), ("d1", .1), ("q1", .25), ("mediane", .5),
                               ("q3", .75), ("d9", .9), ("max", 1))}}

    @staticmethod
    def indicator(code: str) -> Indicator:
        if code not in INDICATORS_BY_CODE:
            close = difflib.get_close_matches(code, list(INDICATORS_BY_CODE), n=5, cutoff=0.5)
            raise NotFound(f"indicateur inconnu « {code} »",
                           [{"indicateur": c, "libelle": INDICATORS_BY_CODE[c].label}
                            for c in close])
        return INDICATORS_BY_CODE[code]

    # -- geometry -------------------------------------------------------------------------
    def geojson(self, level: str, code: str) -> dict | None:
        rows = self.query("""SELECT ST_AsGeoJSON(geometry) AS g FROM marts.territories
            WHERE level = ? AND code = ?""", [level, code])
        return json.loads(rows[0]["g"]) if rows and rows[0]["g"] else None

    def layer(self, level: str, indicator: str | None = None, within: tuple | None = None) -> dict:
        """A FeatureCollection of a level, optionally inside a territory, with one indicator."""
        where, params = "t.level = ?", [indicator or "", level, level]
        if within:
            where += (" AND t.code IN (SELECT code FROM marts.territory_links WHERE level = ? "
                      "AND parent_level = ? AND parent_code = ?)")
            params += [level, *within]
        rows = self.query(f"""
            WITH latest AS (  -- a blank, secret or partial latest value draws no colour
                SELECT code, arg_max(CASE WHEN status IN {tuple(sorted(SOUND_STATUSES))}
                                          THEN value END, (coalesce(year, 0), vintage)) AS value,
                       arg_max(status, (coalesce(year, 0), vintage)) AS status
                FROM marts.indicator_values WHERE indicator = ? AND level = ? GROUP BY code)
            SELECT t.code, t.name, ST_AsGeoJSON(t.geometry) AS g, l.value, l.status
            FROM marts.territories t LEFT JOIN latest l USING (code)
            WHERE {where} AND t.geometry IS NOT NULL ORDER BY t.code""", params)
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": i, "geometry": json.loads(r["g"]),
             "properties": {"code": r["code"], "nom": r["name"], "valeur": r["value"],
                            # said on the value itself: « au-delà de 100 % par construction »
                            "remarque": STATUS_LABELS[r["status"]]
                            if r["status"] in ("hors_bornes", "estimation") else None}}
            for i, r in enumerate(rows)]}

    def remember(self, key, compute):
        """An answer assembled from several queries (a profile), kept like the others."""
        return self._memo(key, compute)

    def _memo(self, key, compute):
        """Least recently used answers, per warehouse file (a rebuild starts afresh)."""
        memo = self._cached("memo", OrderedDict)
        with self._memo_lock:
            if key in memo:
                memo.move_to_end(key)
                return memo[key]
        value = compute()  # outside the lock: two threads may compute it once each
        with self._memo_lock:
            memo[key] = value
            while len(memo) > MEMO_SIZE:
                memo.popitem(last=False)
        return value

    def _cached(self, key, compute):
        """Computed once per warehouse file (a rebuild brings a fresh, empty cache)."""
        cache = self._current()[2]
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    def qpv_layer(self, indicator: str = "population") -> str:
        """The national QPV layer as GeoJSON text, cached per warehouse file and indicator."""
        return self._cached(("layer", indicator), lambda: json.dumps(
            self.layer("qpv", indicator), separators=(",", ":")))

    # -- provenance -----------------------------------------------------------------------
    def sources(self) -> list[dict]:
        return self._cached("sources", lambda: self.query(
            "SELECT * FROM marts.sources ORDER BY key"))

    def coverage(self) -> dict[str, dict[str, list[str]]]:
        """{indicator: {level: [vintages]}}: where the warehouse has values of each indicator
        (the catalogue declares where it is computed, not where the sources have figures)."""
        def compute() -> dict:
            found: dict[str, dict] = {}
            for row in self.query("""SELECT indicator, level,
                    list(DISTINCT vintage ORDER BY vintage) AS vintages
                FROM marts.indicator_values GROUP BY indicator, level"""):
                found.setdefault(row["indicator"], {})[row["level"]] = row["vintages"]
            return found

        return self._cached("coverage", compute)

    def build_info(self) -> dict:
        return self._cached("build_info", lambda: json.loads(
            self.query("SELECT info FROM marts.build_info")[0]["info"]))

    # -- basemap --------------------------------------------------------------------------
    def places(self, level: str, within: tuple, min_population: float = 0) -> list[dict]:
        """Named points of a level inside a territory (labels of the maps' basemap), the most
        populous first: a map labels them in that order."""
        return self.remember(("places", level, within, min_population), lambda: self.query("""
            SELECT t.level, t.code, t.name, t.population, t.lon, t.lat FROM marts.territories t
            WHERE t.level = ? AND t.lon IS NOT NULL AND coalesce(t.population, 0) >= ?
              AND t.code IN (SELECT code FROM marts.territory_links WHERE level = ?
                             AND parent_level = ? AND parent_code = ?)
            ORDER BY t.population DESC NULLS LAST, t.code""",
            [level, min_population, level, *within]))

    def overseas_qpv_extents(self) -> list[dict]:
        """Each overseas département or collectivité with QPV: its name, QPV count and their
        extent (the national map's insets)."""
        return self.remember(("overseas_qpv_extents",), lambda: self.query("""
            SELECT q.departement AS code, d.name, count(*) AS qpv, min(q.xmin) AS xmin,
                   min(q.ymin) AS ymin, max(q.xmax) AS xmax, max(q.ymax) AS ymax
            FROM marts.territories q
            JOIN marts.territories d ON d.level = 'departement' AND d.code = q.departement
            WHERE q.level = 'qpv' AND q.geometry IS NOT NULL
              AND (q.departement LIKE '97%' OR q.departement LIKE '98%')
            GROUP BY ALL ORDER BY q.departement"""))

