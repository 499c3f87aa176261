"""The mid-term report of a contrat de ville: a tagged PDF (Typst) and an editable
OpenDocument text, from one gathering (``midterm_data``) whose numbers are all formatted.

It holds the contract's identity and QPV, the QPV taken together against their région and
France and their series (as the signatory's fiche shows them), the evaluation framework's
indicators against their reference value and target (saying which vintage each used and
whether a build changed it since), the team's narrative sections, and the sources. The
framework arrives as plain data (``framework``, built by the web app from its database).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..levels import LEVELS
from ..profiles import build_profile
from ..warehouse.store import NotFound, Warehouse
from .charts import format_number
from .comparison import series_chart
from .odt import odt_document
from .pdf import (
    LEGEND,
    LICENCE,
    built_at_label,
    compile_typst,
    profile_series,
    profile_sources,
    qpv_table,
    source_entry,
)

TEMPLATE = Path(__file__).with_name("templates") / "midterm.typ"
NO_FRAMEWORK = ("Ce contrat n'a pas encore de cadre d'évaluation enregistré : le rapport ne "
                "présente que les chiffres de ses quartiers.")


def render_midterm_pdf(store: Warehouse, contract: dict, framework: dict | None) -> bytes:
    data, files = midterm_data(store, contract, framework)
    return compile_typst(TEMPLATE, data, files)


def render_midterm_odt(store: Warehouse, contract: dict, framework: dict | None) -> bytes:
    data, _ = midterm_data(store, contract, framework)
    return odt_document(data["document_title"], odt_blocks(data))


def midterm_data(store: Warehouse, contract: dict, framework: dict | None) -> tuple[dict, dict]:
    files: dict[str, str] = {}
    profile = _profile(store, contract)
    qpv_rows, refs = [], []
    if profile and profile.qpv_comparison:
        qpv_rows = profile.qpv_comparison["rows"]
        refs = list(enumerate(profile.qpv_comparison["references"]))[1:]
    series = profile_series(profile) if profile else []
    for item in series:
        files[item["file"]] = item.pop("svg")
    indicators, keys = _framework_rows(framework, files)
    sources = profile_sources(store, profile.territory, qpv_rows, refs, False) if profile else {
        "origins": [], "methods": [], "sources": []}
    sources["sources"] += _more_sources(store, keys, sources["sources"])
    qpv = store.contrat_qpv(contract["code"], contract["generation"])
    return {
        "document_title": f"Rapport à mi-parcours — contrat de ville {contract['name']}",
        "name": contract["name"], "code": contract["code"],
        "date": date.today().strftime("%d/%m/%Y"),
        "identity": _identity(store, contract),
        "qpv": [{"code": q["code"], "name": q["name"], "communes": q["communes"] or "",
                 "population": format_number(q["population"], 0)} for q in qpv],
        "qpv_note": (f"{len(qpv)} quartiers dérivés du territoire signataire (ceux dont au moins "
                     "une commune en fait partie) : la liste n'est pas une liste officielle."),
        "qpv_table": qpv_table(profile) if profile and profile.qpv_comparison else None,
        "series": series,
        "framework": _framework_head(framework),
        "indicators": indicators,
        "narratives": framework["narratives"] if framework else [],
        "legend": list(LEGEND),
        **sources,
        "built_at": built_at_label(store.build_info()),
        "licence": LICENCE,
        "footer": f"Quartiers — rapport à mi-parcours, {contract['name']} ({contract['code']})",
    }, files


def _profile(store: Warehouse, contract: dict):
    """The signatory's profile (assembled once), None when today's referential no longer
    has the signatory (a merged EPCI)."""
    try:
        return build_profile(store, contract["signatory_level"], contract["signatory_code"])
    except NotFound:
        return None


def _identity(store: Warehouse, contract: dict) -> list[dict]:
    level = LEVELS[contract["signatory_level"]].label
    signatory = contract["signatory_name"] or "territoire absent du référentiel actuel"
    rows = [("Code officiel", contract["code"]), ("Intitulé ANCT", contract["label"]),
            ("Génération", contract["generation"]),
            ("Signataire", f"{signatory} ({level}, {contract['signatory_code']})"),
            ("Département", contract["departement"] or "–"),
            ("Région", _region_name(store, contract["region"])),
            ("Quartiers prioritaires", str(contract["qpv_count"])),
            ("Population des QPV (ANCT)", format_number(contract["pop_qpv"], 0)
             if contract["pop_qpv"] is not None else "non renseignée")]
    rows += [("Autre génération", f"{r['name']} ({r['code']}, {r['generation']})")
             for r in contract.get("related") or []]
    return [{"label": label, "value": value} for label, value in rows]


def _region_name(store: Warehouse, code: str | None) -> str:
    if not code:
        return "–"
    try:
        return store.territory("region", code)["name"]
    except NotFound:
        return code


def _framework_head(framework: dict | None) -> dict | None:
    if framework is None:
        return None
    return {key: framework[key] for key in ("title", "status", "template_note", "updated")}


def _framework_rows(framework: dict | None, files: dict[str, str]) -> tuple[list[dict], list]:
    """One block per objective; a line per indicator (baseline, latest, target, vintage
    note); a chart and its table for a catalogue series, a table per QPV for an analysis."""
    if framework is None:
        return [], []
    blocks, keys, number = [], [], 0
    for part in framework["parts"]:
        for objective in part["objectives"]:
            rows = []
            for question in objective["questions"]:
                for shown in question["indicators"]:
                    chart = None
                    if shown.get("series"):
                        number += 1
                        chart = f"cadre{number}.svg"
                        files[chart] = series_chart(shown["series"])
                    keys += shown.get("sources", []) + shown.get("local_sources", [])
                    rows.append({
                        "question": question["text"], "label": shown["label"],
                        "kind": shown["kind"], "place": shown.get("place", ""),
                        "baseline": shown["baseline"], "latest": shown["latest"],
                        "target": shown["target"], "note": shown["note"],
                        "changed": bool(shown.get("changed")), "chart": chart,
                        "series_table": shown.get("series_table"),
                        "qpv": shown.get("qpv", []),
                        "local_values": shown.get("local_values", [])})
            blocks.append({"part": part["label"], "objective": objective["title"],
                           "priority": objective["priority"],
                           "questions": [q["text"] for q in objective["questions"]],
                           "rows": rows})
    return blocks, keys


def _more_sources(store: Warehouse, keys: list[str], listed: list[dict]) -> list[dict]:
    """Entries of the warehouse's sources catalogue for the framework's source keys (a key or
    a family of files); a local source, written by the team, is listed as such."""
    catalogue = store.sources()
    seen = {entry["title"] + entry["detail"] for entry in listed}
    extra = []
    for key in dict.fromkeys(keys):
        records = [r for r in catalogue if key in (r["key"], r["family"])]
        entries = [source_entry(r) for r in records] or [
            {"title": key, "detail": "Source locale déclarée par l'équipe du contrat"}]
        for entry in entries:
            if entry["title"] + entry["detail"] not in seen:
                seen.add(entry["title"] + entry["detail"])
                extra.append(entry)
    return extra


# -- the editable version ----------------------------------------------------------------
def odt_blocks(data: dict) -> list[tuple]:
    """The report as headings, paragraphs and tables (the charts' values are in the
    tables; the drawings themselves are in the PDF)."""
    blocks: list[tuple] = [("title", data["document_title"]),
                           ("p", f"Rapport généré le {data['date']} ; entrepôt construit le "
                                 f"{data['built_at']}. Document modifiable : les chiffres "
                                 "proviennent de l'observatoire Quartiers.")]
    blocks += [("h1", "Le contrat"),
               ("table", "Identité du contrat", ["", ""],
                [[r["label"], r["value"]] for r in data["identity"]])]
    blocks += [("h2", "Quartiers prioritaires"), ("p", data["qpv_note"]),
               ("table", "Quartiers du contrat", ["Code", "Quartier", "Communes", "Population"],
                [[q["code"], q["name"], q["communes"], q["population"]] for q in data["qpv"]])]
    if data["qpv_table"]:
        table = data["qpv_table"]
        blocks += [("h2", "Les quartiers ensemble, face à leur région et à la France"),
                   ("table", "Chiffres des QPV cumulés", ["Indicateur", *table["headers"]],
                    [[r["label"], *r["cells"]] for r in table["rows"] if "label" in r])]
    if data["series"]:
        blocks.append(("h2", "Évolution dans le temps"))
        for item in data["series"]:
            blocks.append(("table", "Série", ["", *item["years"]],
                           [[r["label"], *r["cells"]] for r in item["rows"]]))
    blocks.append(("h1", "Le cadre d'évaluation"))
    head = data["framework"]
    if head is None:
        blocks.append(("p", NO_FRAMEWORK))
    else:
        blocks.append(("p", f"{head['title']} — {head['status']} (modifié le {head['updated']})."))
        if head["template_note"]:
            blocks.append(("p", head["template_note"]))
        part = None
        for block in data["indicators"]:
            if block["part"] != part:
                part = block["part"]
                blocks.append(("h2", part))
            blocks.append(("h3", block["objective"] + (f" — priorité : {block['priority']}"
                                                       if block["priority"] else "")))
            blocks += [("p", f"Question : {q}") for q in block["questions"]]
            if block["rows"]:
                blocks.append(("table", "Indicateurs",
                               ["Indicateur", "Référence", "Dernière valeur", "Cible"],
                               [[r["label"], r["baseline"], r["latest"], r["target"]]
                                for r in block["rows"]]))
            for row in block["rows"]:
                blocks.append(("p", f"{row['label']} : {row['note']}"))
                if row["qpv"]:
                    blocks.append(("table", f"{row['label']}, par quartier",
                                   ["Quartier", "Référence", "Dernière valeur"],
                                   [[f"{q['name']} ({q['code']})", q["baseline"], q["latest"]]
                                    for q in row["qpv"]]))
        for narrative in data["narratives"]:
            blocks.append(("h2", narrative["title"]))
            blocks += [("p", text) for text in narrative["paragraphs"]]
    blocks.append(("h1", "Sources"))
    blocks += [("p", f"{s['title']} — {s['detail']}") for s in data["sources"]]
    blocks.append(("p", data["licence"]))
    return blocks
