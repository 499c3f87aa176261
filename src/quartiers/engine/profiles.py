"""A territory's profile, assembled once: the page, the PDF, the exports and the API read it.

What a profile says first, which notices it shows and which series it draws are decided here
and nowhere else, so the four outputs cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .indicators.catalogue import INDICATORS_BY_CODE, KEY_INDICATORS
from .indicators.model import ADMIN_LEVELS, Indicator
from .levels import level_label, qpv_geography
from .warehouse.store import Value, Warehouse

KEY_FIGURES = 8
QPV_COLUMNS = ("population", "taux_pauvrete", "taux_emploi", "part_etrangers", "part_alloc_rsa")
CONTINUITY = {
    "INCHANGE": "périmètre inchangé en 2024 : la série du QPV 2015 se poursuit",
    "MODIFIE": "périmètre modifié en 2024 : la série porte sur l'ancien périmètre (QPV 2015)",
    "NOUVEAU": "nouveau quartier en 2024 : pas de série antérieure",
    "COMMUNE": "quartier d'outre-mer de la géographie 2025 : pas de série antérieure",
}


@dataclass(frozen=True)
class SeriesLine:
    label: str
    geography: str | None  # « QPV 2015 », « QPV 2024 », None for a commune, a département…
    note: str  # continuity: how this line relates to the territory on screen
    points: tuple[Value, ...]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(v.year for v in self.points if v.year is not None)


@dataclass(frozen=True)
class Series:
    indicator: Indicator
    lines: tuple[SeriesLine, ...]

    @property
    def years(self) -> list[int]:
        return sorted({year for line in self.lines for year in line.years})


@dataclass(frozen=True)
class Predecessor:
    code: str
    name: str
    status: str  # INCHANGE, MODIFIE, NOUVEAU, COMMUNE (the ANCT table's words)
    has_profile: bool

    @property
    def continuity(self) -> str:
        return CONTINUITY.get(self.status, self.status.lower())


@dataclass(frozen=True)
class Profile:
    territory: dict
    parents: list[dict]
    comparison: dict  # references, rows: indicator, subject (latest), cells, history
    qpv_comparison: dict | None  # its QPV together, against those of its région and France
    key_figures: list[dict]  # rows whose figure is sound, the key indicators first
    series: list[Series]
    predecessors: list[Predecessor]  # a 2024 QPV: the 2015 QPV it replaces
    successors: list[dict]  # a 2015 QPV: the 2024 QPV that replace it
    qpv: list[tuple[dict, dict[str, Value]]]  # its QPV with a few figures each
    contrats: list[dict]  # contracts it signed (an EPCI: also its former EPCI's), newest first
    notices: list[str] = field(default_factory=list)
    partners: list[dict] = field(default_factory=list)  # « Données partenaires », per release

    @property
    def level(self) -> str:
        return self.territory["level"]

    @property
    def code(self) -> str:
        return self.territory["code"]


def build_profile(store: Warehouse, level: str, code: str) -> Profile:
    """The profile of one territory (kept per warehouse file with the store's other answers)."""
    return store.remember(("profile", level, code), lambda: _assemble(store, level, code))


def _assemble(store: Warehouse, level: str, code: str) -> Profile:
    territory = store.territory(level, code)
    comparison = store.comparison(level, code)
    qpv = store.children(level, code, "qpv") if level in ADMIN_LEVELS else []
    figures = store.latest_values("qpv", [q["code"] for q in qpv], list(QPV_COLUMNS))
    predecessors = _predecessors(store, code) if level == "qpv" else []
    return Profile(
        territory=territory,
        parents=store.parents(level, code),
        comparison=comparison,
        qpv_comparison=store.qpv_comparison(level, code) if qpv else None,
        key_figures=key_rows(comparison["rows"], KEY_FIGURES),
        series=_series(store, territory, comparison, predecessors),
        predecessors=predecessors,
        successors=store.query(
            "SELECT p.code, t.name, p.status FROM marts.qpv_predecessors p JOIN "
            "marts.territories t ON t.level = 'qpv' AND t.code = p.code WHERE p.code2015 = ? "
            "ORDER BY p.code", [code]) if level == "qpv2015" else [],
        qpv=[(q, figures.get(q["code"], {})) for q in qpv],
        contrats=store.territory_contrats(level, code) if level in ("epci", "commune") else [],
        notices=_notices(store, territory, comparison, qpv),
        partners=partner_values(store, level, code),
    )


def key_rows(rows: list[dict], count: int) -> list[dict]:
    """Key figures: the key indicators first (in their declared order), then the others; each
    shows its latest sound value — never a partial sum, a blank or a secret."""
    chosen = []
    for row in rows:
        sound = [v for v in row["history"] if v.is_sound]
        if sound:
            chosen.append({**row, "subject": sound[-1]})
    order = {code: rank for rank, code in enumerate(KEY_INDICATORS)}
    chosen.sort(key=lambda row: order.get(row["indicator"].code, len(order)))
    return chosen[:count]


def _predecessors(store: Warehouse, code: str) -> list[Predecessor]:
    rows = store.query("SELECT code2015, name2015, status, has_profile FROM marts.qpv_predecessors "
                       "WHERE code = ? ORDER BY rank", [code])
    return [Predecessor(r["code2015"] or "", r["name2015"] or "", r["status"], r["has_profile"])
            for r in rows]


def _series(store: Warehouse, territory: dict, comparison: dict,
            predecessors: list[Predecessor]) -> list[Series]:
    """Every indicator with values in several years: the territory's own line, then the lines
    that continue or frame it, each labelled by its geography (never one line mixing two)."""
    level, code = territory["level"], territory["code"]
    sources: list[tuple[str, str, str, str | None, str]] = [
        (level, code, territory["name"], qpv_geography(level), "")]
    if level in ADMIN_LEVELS:
        sources.append((f"qpv2015_{level}", code, level_label(f"qpv2015_{level}"), "QPV 2015",
                        "les quartiers de la géographie 2015 situés sur le territoire"))
    for predecessor in predecessors:
        if predecessor.code:
            sources.append(("qpv2015", predecessor.code,
                            f"{predecessor.name} ({predecessor.code})", "QPV 2015",
                            predecessor.continuity))
    reference = None
    if level in ("qpv", "qpv2015"):  # for rates only: a count of all QPV dwarfs the others
        reference = ("qpv2015_france", "FR", level_label("qpv2015_france"), "QPV 2015",
                     "référence : tous les QPV 2015 de France")
        sources.append(reference)
    by_indicator: dict[str, list[SeriesLine]] = {}
    own = [v for row in comparison["rows"] for v in row["history"]]  # already read
    for source in sources:
        source_level, source_code, label, geography, note = source
        values: dict[str, list[Value]] = {}
        read = own if source is sources[0] else store.values(source_level, source_code)
        for value in read:
            if source is reference and INDICATORS_BY_CODE[value.indicator].decimals == 0:
                continue
            if value.year is not None:
                values.setdefault(value.indicator, []).append(value)
        for indicator, points in values.items():
            by_indicator.setdefault(indicator, []).append(
                SeriesLine(label, geography, note, tuple(points)))
    order = [row["indicator"].code for row in comparison["rows"]]
    order += [code for code in by_indicator if code not in order]
    series = []
    for code_ in order:
        lines = tuple(line for line in by_indicator.get(code_, ()) if
                      any(v.is_sound for v in line.points))
        years = {v.year for line in lines for v in line.points if v.is_sound}
        if len(years) >= 2 and code_ in INDICATORS_BY_CODE:
            series.append(Series(INDICATORS_BY_CODE[code_], lines))
    return series


def _notices(store: Warehouse, territory: dict, comparison: dict, qpv: list[dict]) -> list[str]:
    """What a reader must know about the figures on screen: the doubts of the sources they come
    from, then facts about this territory's own QPV (a repaired contour, a missing one)."""
    # the sources of the key figures first, then the others the page shows
    used = [row["subject"].source for row in key_rows(comparison["rows"], KEY_FIGURES)]
    used += ["qpv2024_perimetres"] if territory["level"] != "qpv2015" else []
    used += [row["subject"].source for row in comparison["rows"]]
    doubts = {source["family"]: source["doubts"] for source in store.sources()}
    notices: list[str] = []
    for family in dict.fromkeys(used):
        notices += [d for d in (doubts.get(family) or "").split("\n") if d and d not in notices]
    own = [territory] if territory["level"] == "qpv" else qpv
    if territory["level"] == "qpv" and not any(
            row["subject"].source == "qpv2024_indicateurs" for row in comparison["rows"]):
        notices.insert(0, "La compilation des chiffres clés du SIG Ville n'a aucun chiffre pour ce "
                          "quartier.")
    repaired = [q["name"] for q in own if q.get("repaired")]
    if repaired:
        notices.insert(0, _plural(repaired, "Le contour de {} était invalide dans la source ; il a "
                                            "été réparé (make_valid).",
                                  "Les contours de {} QPV ({}) étaient invalides dans la source ; "
                                  "ils ont été réparés (make_valid)."))
    missing = [q["name"] for q in own if q.get("xmin") is None]
    if missing:
        notices.insert(0, _plural(missing, "{} n'a pas de contour dans la copie simplifiée des "
                                           "périmètres (réduit à un point) : pas de carte.",
                                  "{} QPV ({}) n'ont pas de contour dans la copie simplifiée "
                                  "des périmètres (réduits à un point)."))
    return notices


PARTNER_PLACES = {  # a territory's own cells in the partners' releases, besides its level
    "commune": "'commune_hors_qpv'", "departement": "'departement_hors_contrat'"}


def partner_values(store: Warehouse, level: str, code: str) -> list[dict]:
    """Released partners' values for the territory (an EPCI: also its contrats de ville), per
    release with its provenance, as one table per place (measures × vintages, the way series
    read); hidden cells say « secret statistique »."""
    from .reports.charts import format_number  # reports import this module

    if not store.query("SELECT 1 FROM information_schema.tables WHERE table_schema = 'marts' "
                       "AND table_name = 'partner_values'"):
        return []
    levels = f"'{level}'" + (f", {PARTNER_PLACES[level]}" if level in PARTNER_PLACES else "")
    contrats = ("OR (v.level = 'contrat_de_ville' AND v.code IN (SELECT code FROM "
                "marts.contrats_de_ville WHERE epci = ?))" if level == "epci" else "")
    rows = store.query(
        f"SELECT r.*, v.measure, v.measure_label, v.unit, v.level AS value_level, v.level_label, "
        f"v.code AS value_code, v.vintage AS value_vintage, v.value, v.status, v.note, "
        f"coalesce(t.name, c.name) AS place_name "
        f"FROM marts.partner_values v JOIN marts.partner_releases r ON r.key = v.release "
        f"LEFT JOIN marts.territories t ON t.level = split_part(v.level, '_hors', 1) "
        f"AND t.code = v.code "
        f"LEFT JOIN marts.contrats_de_ville c ON v.level = 'contrat_de_ville' AND c.code = v.code "
        f"WHERE (v.level IN ({levels}) AND v.code = ?) {contrats} "
        f"ORDER BY r.released_at, r.key, v.level, v.code, v.measure, v.vintage",
        [code, code] if contrats else [code])
    releases: dict[str, dict] = {}
    for row in rows:
        release = releases.setdefault(row["key"], {
            name: row[name] for name in ("key", "agreement", "title", "producer", "licence",
                                         "recipe_title", "vintage", "released_at", "method",
                                         "limits")} | {
            "released_on": "/".join(reversed(row["released_at"][:10].split("-"))), "places": {}})
        place = release["places"].setdefault((row["value_level"], row["value_code"]), {
            "level": row["level_label"], "level_code": row["value_level"], "code": row["value_code"],
            "name": row["place_name"] or row["value_code"], "vintages": [], "measures": {}})
        if row["value_vintage"] not in place["vintages"]:
            place["vintages"].append(row["value_vintage"])
        measure = place["measures"].setdefault(row["measure"], {
            "code": row["measure"], "label": row["measure_label"], "unit": row["unit"],
            "cells": {}})
        measure["cells"][row["value_vintage"]] = {
            "value": row["value"], "status": row["status"],
            "secret": row["status"] == "secret", "public": row["status"] == "public",
            "shown": "" if row["value"] is None else format_number(
                row["value"], 1 if row["unit"] == "%" else 0, row["unit"]),
            "note": row["note"]}
    for release in releases.values():
        places = []
        for place in release.pop("places").values():
            place["vintages"].sort()
            place["rows"] = [{"code": m["code"], "label": m["label"], "unit": m["unit"],
                              "cells": [m["cells"].get(v) for v in place["vintages"]]}
                             for m in place.pop("measures").values()]
            places.append(place)
        release["places"] = places
    return list(releases.values())


def _plural(names: list[str], one: str, many: str) -> str:
    return one.format(names[0]) if len(names) == 1 else many.format(len(names), ", ".join(names))
