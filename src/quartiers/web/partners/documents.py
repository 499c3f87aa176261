"""The two PDF of an agreement, laid out by Typst: its summary (what the partner signed: data,
territories, outputs, secrecy, dates) and the certificate that its data were deleted.

Python gathers the texts; the templates read them as JSON strings, so that nothing typed by the
staff can become Typst markup.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format

from quartiers.engine.partners.schemas import SCHEMAS
from quartiers.engine.reports import compile_typst

from ..core.territories import TerritoryReference, territory_name
from ..site.models import CentreIdentity
from .models import Agreement, DeletionCertificate, Deposit, Output

TYPST = Path(__file__).with_name("typst")
CENTRE = "Centre de ressources politique de la ville"
KIND_LABELS = {
    "identifier": "identifiant (pseudonymisé au dépôt)", "text": "texte", "integer": "nombre entier",
    "decimal": "nombre décimal", "date": "date", "year": "année", "category": "catégorie",
    "commune": "code commune", "iris": "code IRIS", "qpv": "code QPV",
    "address": "adresse (localisée puis effacée)", "longitude": "longitude (localisée puis effacée)",
    "latitude": "latitude (localisée puis effacée)",
}


def schema_fields(agreement: Agreement) -> list[dict]:
    """The schema's fields with, for each, whether the agreement allows it (also the web page's)."""
    schema = SCHEMAS.get(agreement.schema)
    if schema is None:
        return []
    allowed = set(agreement.allowed_fields or ())
    return [{"name": field.name, "label": field.label,
             "kind": KIND_LABELS.get(field.kind, field.kind), "choices": ", ".join(field.choices),
             "required": field.required, "description": field.description,
             "allowed": field.name in allowed} for field in schema.fields]


def recipe_titles(agreement: Agreement) -> list[tuple[str, str]]:
    """(code, title) of the outputs the agreement allows, in its order."""
    from quartiers.engine.partners.recipes import RECIPES

    return [(code, RECIPES[code].title if code in RECIPES else code)
            for code in agreement.recipes or ()]


def secrecy_rows(agreement: Agreement) -> list[tuple[str, str]]:
    rows = [("Seuil de fréquence", f"moins de {agreement.threshold} unités : case secrète"),
            ("Dominance", f"{_largest(agreement.dominance_n)} au-delà de "
                          f"{_number(agreement.dominance_k)} % de la case : case secrète"),
            ("Règle du p %", f"{_number(agreement.p_percent)} %" if agreement.p_percent
             else "non appliquée"),
            ("Protection exigée", f"{_number(agreement.protection_percent)} % de la valeur de "
                                  "chaque case masquée, de part et d'autre")]
    return rows


def summary(agreement: Agreement) -> bytes:
    schema = SCHEMAS.get(agreement.schema)
    return compile_typst(TYPST / "resume.typ", {
        **_header(agreement, "Résumé de la convention"),
        "title": agreement.title, "partner": agreement.partner.name,
        "status": agreement.get_status_display(),
        "legal_basis": agreement.get_legal_basis_display(),
        "period": f"du {_date(agreement.starts_on)} au {_date(agreement.ends_on)}",
        "retention": (f"{_date(agreement.ends_on)} (données supprimées le "
                      f"{_date(agreement.data_deleted_at)})" if agreement.data_deleted_at
                      else f"{_date(agreement.ends_on)} : les données déposées sont supprimées "
                           "à cette date"),
        "purpose": agreement.purpose,
        "signatories": [{"name": s.name, "function": s.function, "side": s.get_side_display(),
                         "signed_on": _date(s.signed_on) if s.signed_on else "non signé"}
                        for s in agreement.signatories.all()],
        "schema_title": schema.title if schema else agreement.schema,
        "schema_description": schema.description if schema else "",
        "fields": [{**field, "allowed": "oui" if field["allowed"] else "non"}
                   for field in schema_fields(agreement)],
        "territories": [f"{t.get_level_display()} {t.name} ({t.code})"
                        for t in agreement.territories.all()],
        "recipes": [title for _code, title in recipe_titles(agreement)],
        "secrecy": secrecy_rows(agreement),
        "notice": "Les identifiants directs sont pseudonymisés dès le dépôt par un hachage à clé "
                  "propre à la convention ; les adresses et coordonnées sont localisées puis "
                  "effacées. Seuls les résultats vérifiés par le secret statistique et examinés "
                  "par l'équipe du centre sont publiés. Chaque dépôt, accès, calcul et "
                  "publication est inscrit au journal chaîné du tiers de confiance.",
    })


def certificate(record: DeletionCertificate) -> bytes:
    agreement = record.agreement
    facts = [("Convention", f"{agreement.code} — {agreement.title}"),
             ("Organisme partenaire", agreement.partner.name),
             ("Fin de conservation prévue", _date(agreement.ends_on)),
             ("Suppression effectuée le", _datetime(record.deleted_at))]
    facts += [(str(label), fact_text(value)) for label, value in (record.facts or {}).items()]
    return compile_typst(TYPST / "certificat.typ", {
        **_header(agreement, "Certificat de suppression des données"),
        "statement": _deletion_statement(agreement, record.facts or {}),
        "facts": facts,
        "journal_note": "Empreinte de l'entrée du journal qui inscrit cette suppression (le journal "
                        "est chaîné : toute modification d'une entrée antérieure la rend fausse) :",
        "journal_hash": record.journal_hash,
    })


def _deletion_statement(agreement: Agreement, facts: dict) -> str:
    """What is certified, as the deletion's facts say it: no claim beyond them."""
    keys = ("ainsi que les clés qui permettaient de les lire et de pseudonymiser les identifiants"
            if facts.get("clés détruites") else "dont les clés avaient déjà été détruites")
    return (f"Le {_centre()}, tiers de confiance, certifie avoir supprimé toutes les données "
            f"déposées par {agreement.partner.name} au titre de la convention {agreement.code}, "
            f"{keys}. Les résultats publiés, soumis au secret statistique, ne contiennent aucune "
            "donnée individuelle.")


def deposit_report(record: Deposit) -> dict:
    """The stored validation report, with the location counts under their French labels."""
    report = dict(record.report or {})
    labels = report.get("located_labels") or {}
    report["located"] = [(labels.get(key, key), count)
                         for key, count in (report.get("located") or {}).items()]
    return report


def output_view(output: Output, staff: bool = False) -> dict:
    """What an output's page shows: one table per level and vintage (territories by measures,
    hidden cells as « s », with their reason for the staff only: a reason bounds the cell), and
    for the staff the secrecy summary and the audit of every hidden cell."""
    from quartiers.engine.partners.recipes.model import LEVEL_LABELS

    result = output.result or {}
    measures = {m["code"]: m for m in result.get("measures") or ()}
    grouped: dict[tuple, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    for row in result.get("rows") or ():
        grouped[(row["level"], row["vintage"])][row["code"]][row["measure"]] = row
    tables = []
    for (level, vintage), places in grouped.items():
        used = list(dict.fromkeys(code for cells in places.values() for code in cells))
        used.sort(key=lambda code: list(measures).index(code) if code in measures else len(measures))
        tables.append({
            "title": f"{LEVEL_LABELS.get(level, level).capitalize()} — {vintage}",
            "columns": ["Territoire", *(_measure_label(measures.get(code), code) for code in used)],
            "rows": [[{"text": _place(level, code)},
                      *(_cell(places[code].get(m), staff) for m in used)]
                     for code in sorted(places)]})
    hidden = [row for row in result.get("rows") or () if row.get("status") == "secret"]
    secrecy = [("Cases masquées par les règles primaires", str(result.get("primary", 0))),
               ("Cases masquées en secret secondaire", str(result.get("secondary", 0))),
               ("Cases publiées", str(len(result.get("rows") or ()) - len(hidden)))] if result else []
    return {"title": result.get("title") or dict(recipe_titles(output.agreement)).get(
                output.recipe, output.recipe),
            "vintage": result.get("vintage", ""), "method": result.get("method") or (),
            "limits": result.get("limits") or (), "audit": result.get("audit"),
            "secrecy": secrecy, "tables": tables}


def _measure_label(measure: dict | None, code: str) -> str:
    if measure is None:
        return code
    return f"{measure['label']} ({measure['unit']})" if measure.get("unit") else measure["label"]


def _place(level: str, code: str) -> str:
    name = territory_name(level, code) if level in TerritoryReference.LEVELS else code
    return code if name == code else f"{name} ({code})"


def _cell(row: dict | None, staff: bool) -> dict:
    if row is None:
        return {"text": "", "reason": ""}
    if row.get("value") is None:
        return {"text": "s", "reason": (staff and row.get("reason")) or "secret statistique"}
    value = row["value"]
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return {"text": text.replace(",", "\u202f").replace(".", ","), "reason": ""}


def _header(agreement: Agreement, what: str) -> dict:
    return {"document_title": f"{what} — {agreement.code}", "code": agreement.code,
            "centre": _centre(), "author": f"{_centre()} — plateforme Quartiers",
            "issued": _date(timezone.localdate())}


def _centre() -> str:
    return CentreIdentity.load().name or CENTRE


def _date(day) -> str:
    if day is None:
        return "non renseignée"
    if hasattr(day, "hour"):
        day = timezone.localtime(day).date()
    return date_format(day, "j F Y")


def _datetime(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y à H:i")


def _largest(n: int) -> str:
    return "le plus grand contributeur" if n == 1 else f"les {n} plus grands contributeurs"


def _number(value) -> str:
    return f"{value:g}".replace(".", ",")


def fact_text(value) -> str:
    """A fact of the journal or of a certificate in French: lists joined, yes/no for booleans."""
    if isinstance(value, dict):
        return " ; ".join(f"{key} : {fact_text(item)}" for key, item in value.items()) or "aucun"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or "aucun"
    if isinstance(value, bool):
        return "oui" if value else "non"
    return "—" if value is None or value == "" else str(value)
