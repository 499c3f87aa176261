"""A recipe: declared tables computed from an agreement's store, then protected and audited.

A recipe says what it computes, how (in French, for the review page and the public) and which
secrecy rule applies to each measure: counts of people or households follow the frequency rule,
amounts the dominance and p % rules over their contributors. ``run`` computes the cells and the
sum relations linking the tables actually published (QPV ⊂ commune with its « hors QPV »
remainder ⊂ EPCI, margins, each vintage apart), hands them to ``engine.secrecy.protect`` and keeps
only what may be shown: a hidden cell keeps its status and reason, never its value. When the
audit fails the result says ``ok = False`` and must never be released.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ...secrecy import SumRelation
from ...secrecy.protect import protect
from ...secrecy.rules import Cell, Rules

OK, SECRET, PUBLIC = "ok", "secret", "public"
HORS_QPV = "commune_hors_qpv"
HORS_CONTRAT = "departement_hors_contrat"
LEVEL_LABELS = {"qpv": "QPV", "commune": "commune", HORS_QPV: "commune hors QPV", "epci": "EPCI",
                "contrat_de_ville": "contrat de ville",
                HORS_CONTRAT: "département, postes hors contrat de ville", "departement": "département",
                "region": "région"}


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    unit: str
    rule: str = "fréquence"  # « fréquence », « dominance et p % », or « dérivée » / « publique »


@dataclass
class Computed:
    """What a recipe's ``compute`` returns: cells keyed ``(level, code, vintage, measure)``, the
    sums between them, and values shown beside (derived from protected cells, or public)."""

    cells: list[Cell]
    sums: list[SumRelation]
    vintage: str
    derived: Callable[[dict], list[dict]] | None = None  # published cells -> extra rows
    # cells hidden wherever the main ones are: (hidden keys, rules) -> (rows, AuditReport, label)
    extra_audits: list = field(default_factory=list)


@dataclass(frozen=True)
class Recipe:
    code: str
    title: str
    schema: str
    description: str
    method: tuple[str, ...]
    limits: tuple[str, ...]
    measures: tuple[Measure, ...]
    compute: Callable  # (con with ``depot`` and ``wh`` attached) -> Computed

    def measure(self, code: str) -> Measure:
        return next(m for m in self.measures if m.code == code)


@dataclass
class RecipeResult:
    recipe: str
    title: str
    vintage: str
    rows: list[dict]  # level, code, vintage, measure, value (None when secret), status, reason
    primary: int
    secondary: int
    audit: dict
    ok: bool
    measures: list[dict] = field(default_factory=list)
    method: list[str] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> RecipeResult:
        return cls(**data)


def run(recipe: Recipe, store, warehouse: Path, rules: Rules) -> RecipeResult:
    """Compute ``recipe`` on ``store`` (an ``AgreementStore``) beside the public warehouse, then
    protect and audit it with ``rules``."""
    with store.connect() as con:
        con.execute(f"ATTACH '{Path(warehouse)}' AS wh (READ_ONLY)")
        computed = recipe.compute(con)
    return protect_result(recipe, computed, rules)


def protect_result(recipe: Recipe, computed: Computed, rules: Rules) -> RecipeResult:
    protection = protect(computed.cells, computed.sums, rules)
    report = protection.audit
    reasons = protection.reasons()
    # with several audits, each summary says which cells it covers
    main = "Tableaux publiés : " if computed.extra_audits else ""
    audits = [{**report.as_json(), "resume": main + report.summary()}]
    ok = report.ok
    rows = [result_row(key, None if key in reasons else value, reasons.get(key))
            for key, value in sorted(protection.values.items())]
    for mirror in computed.extra_audits:
        mirror_rows, mirrored, label = mirror(protection.hidden, rules)
        rows += mirror_rows
        audits.append({**mirrored.as_json(), "resume": f"{label} : {mirrored.summary()}"})
        ok = ok and mirrored.ok
    if computed.derived:
        rows += computed.derived(protection.published())
    audit = {"ok": ok, "resume": " ".join(a["resume"] for a in audits),
             "cellules": [c for a in audits for c in a["cellules"]]}
    return RecipeResult(
        recipe=recipe.code, title=recipe.title, vintage=computed.vintage, rows=rows,
        primary=len(protection.primary), secondary=len(protection.secondary),
        audit=audit, ok=ok,
        measures=[asdict(m) for m in recipe.measures], method=list(recipe.method),
        limits=list(recipe.limits))


def result_row(key: tuple, value: float | None, reason: str | None) -> dict:
    level, code, vintage, measure = key
    return {"level": level, "code": code, "vintage": vintage, "measure": measure,
            "value": value, "status": SECRET if reason else OK, "reason": reason or ""}


# Geography shared by the recipes on people located at entry (QPV 2024, commune, EPCI) ---------

@dataclass
class Geography:
    """The warehouse's QPV → communes and commune → EPCI links."""

    qpv_communes: dict[str, list[str]]
    commune_epci: dict[str, str]

    @classmethod
    def read(cls, con) -> Geography:
        qpv: dict[str, list[str]] = defaultdict(list)
        for code, commune in con.execute(
                "SELECT code, parent_code FROM wh.marts.territory_links WHERE level = 'qpv' "
                "AND parent_level = 'commune' ORDER BY ALL").fetchall():
            qpv[code].append(commune)
        epci = dict(con.execute(
            "SELECT code, parent_code FROM wh.marts.territory_links WHERE level = 'commune' "
            "AND parent_level = 'epci' AND is_main").fetchall())
        return cls(dict(qpv), epci)


def territorial_cells(counts: dict[tuple[str | None, str, str, str], int], geo: Geography,
                      margins: Iterable[tuple[str, tuple[str, ...]]] = (),
                      ) -> tuple[list[Cell], list[SumRelation]]:
    """Count cells per QPV, commune « hors QPV », commune and EPCI from ``counts`` keyed
    ``(qpv or None, commune, vintage, measure)``, with the relations a reader could difference:
    commune = Σ its QPV parts + hors QPV (the part of a QPV spread over two communes is never
    published: an unknown of the relation), EPCI = Σ its communes, and for each territory and
    vintage ``total = Σ parts`` for every ``(total, parts)`` of ``margins``."""
    values: dict[tuple, int] = defaultdict(int)
    parts_of: dict[tuple, set] = defaultdict(set)  # (commune, vintage, measure) -> QPV keys
    communes_of: dict[tuple, set] = defaultdict(set)  # (epci, vintage, measure) -> commune keys
    pieces: dict[tuple, set] = defaultdict(set)  # QPV key -> its unpublished parts per commune
    for (qpv, commune, vintage, measure), n in counts.items():
        if qpv and not commune:  # located by its QPV only: its commune when it has one
            communes = geo.qpv_communes.get(qpv, [])
            commune = communes[0] if len(communes) == 1 else None
            if commune is None:
                values[("qpv", qpv, vintage, measure)] += n
                pieces[("qpv", qpv, vintage, measure)].add(("qpv_partie", f"{qpv}@?", vintage,
                                                            measure))
                continue
        if not commune:
            continue
        commune_key = ("commune", commune, vintage, measure)
        values[commune_key] += n
        if qpv:
            values[("qpv", qpv, vintage, measure)] += n
            whole = geo.qpv_communes.get(qpv, [commune]) == [commune]
            part = ("qpv", qpv, vintage, measure) if whole else ("qpv_partie", f"{qpv}@{commune}",
                                                                  vintage, measure)
            parts_of[(commune, vintage, measure)].add(part)
            if not whole:
                pieces[("qpv", qpv, vintage, measure)].add(part)
        else:
            values[(HORS_QPV, commune, vintage, measure)] += n
        epci = geo.commune_epci.get(commune)
        if epci:
            values[("epci", epci, vintage, measure)] += n
            communes_of[(epci, vintage, measure)].add(commune_key)
    sums = []
    for level, commune, vintage, measure in sorted(values):
        if level == "commune":
            rest = (HORS_QPV, commune, vintage, measure)
            values.setdefault(rest, 0)
            parts = parts_of.get((commune, vintage, measure), set()) | {rest}
            sums.append(SumRelation((level, commune, vintage, measure), tuple(sorted(parts))))
    for (epci, vintage, measure), communes in communes_of.items():
        sums.append(SumRelation(("epci", epci, vintage, measure), tuple(sorted(communes))))
    for total, parts in pieces.items():
        sums.append(SumRelation(total, tuple(sorted(parts))))
    unknown = {part for parts in pieces.values() for part in parts}
    present = set(values)
    for total, parts in margins:
        for level, code, vintage, measure in sorted(present | unknown):
            members = tuple((level, code, vintage, p) for p in parts)
            if measure == total and any(m in present or m in unknown for m in members):
                if level != "qpv_partie":
                    for member in members:
                        values.setdefault(member, 0)
                sums.append(SumRelation((level, code, vintage, total), members))
    cells = [Cell(key, float(v), units=int(v)) for key, v in values.items()]
    return cells, sums
