"""A roadmap's indicators with their values read live from the served warehouse: heat
components for each of the territory's QPV (marts.analysis_results, as /analyses/chaleur/
shows them), catalogue indicators for its QPV taken together (« ensemble des QPV de … », the
latest vintage, as the profile's QPV comparison gives it), local values as staff entered them.
A blank stays a blank, said with its status."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from quartiers.engine.analyses import results
from quartiers.engine.analyses.heat import ANALYSIS as HEAT
from quartiers.engine.analyses.model import RESULT_STATUSES
from quartiers.engine.indicators.catalogue import INDICATORS_BY_CODE
from quartiers.engine.reports import format_number
from quartiers.engine.reports.analysis_note import format_value, score_label

from ..core.warehouse import get_store
from .models import Application, Indicator

MAX_QPV = 500


@dataclass
class Shown:
    indicator: Indicator
    unit: str = ""
    description: str = ""
    # heat: one row per QPV; catalogue: one row for the QPV together; local: one per date
    rows: list[dict] = field(default_factory=list)
    empty: str = ""  # why there is no row


def shown_indicators(application: Application) -> list[Shown]:
    indicators = list(application.indicators.prefetch_related("values"))
    store = get_store()
    heat = (_heat_entries(store, application)
            if any(i.kind == Indicator.Kind.HEAT for i in indicators) else [])
    pooled = (_pooled_values(store, application)
              if any(i.kind == Indicator.Kind.CATALOGUE for i in indicators) else {})
    shown = []
    for indicator in indicators:
        if indicator.kind == Indicator.Kind.HEAT:
            shown.append(_heat(indicator, heat))
        elif indicator.kind == Indicator.Kind.CATALOGUE:
            shown.append(_catalogue(indicator, pooled))
        else:
            shown.append(_local(indicator))
    return shown


def _heat_entries(store, application: Application) -> list[dict]:
    _, entries = results.results(store, HEAT.code, "qpv", (application.level, application.code),
                                 None, MAX_QPV, 0)
    return entries


def _heat(indicator: Indicator, entries: list[dict]) -> Shown:
    component = HEAT.component(indicator.code)
    rows = []
    for entry in entries:
        found = entry["components"].get(component.code)
        ok = found is not None and found["status"] == "ok"
        rows.append({
            "name": entry["name"], "code": entry["code"],
            "url": reverse("analyses:territory", args=[HEAT.code, "qpv", entry["code"]]),
            "value": format_value(found["value"], component.unit) if ok else "",
            "score": score_label(found["score"]) if ok and found["score"] else "",
            "status": (found["status_label"] if found else RESULT_STATUSES["non_disponible"]),
            "ok": ok, "vintage": found["vintage"] if found else "",
            "note": (found or {}).get("note") or ""})
    return Shown(indicator, unit=component.unit, description=component.description, rows=rows,
                 empty="" if rows else "Aucun QPV de ce territoire n'a de résultat dans "
                                       "l'analyse.")


def _pooled_values(store, application: Application) -> dict:
    comparison = store.qpv_comparison(application.level, application.code)
    return {row["indicator"].code: row["subject"] for row in comparison["rows"]}


def _catalogue(indicator: Indicator, pooled: dict) -> Shown:
    declared = INDICATORS_BY_CODE[indicator.code]
    value = pooled.get(declared.code)
    shown = Shown(indicator, unit=declared.unit, description=declared.definition)
    if value is None:
        shown.empty = ("Pas de valeur pour l'ensemble des QPV de ce territoire dans "
                       "l'observatoire.")
        return shown
    shown.rows = [{"name": "Ensemble des QPV du territoire",
                   "value": (format_number(value.value, declared.decimals, declared.unit)
                             if value.is_sound else ""),
                   "ok": value.is_sound, "status": value.status_label,
                   "vintage": value.vintage, "geography": value.geography or "",
                   "note": value.note or ""}]
    return shown


def _local(indicator: Indicator) -> Shown:
    rows = [{"date": value.measured_on,
             "value": format_number(float(value.value), _decimals(value.value), indicator.unit),
             "source": value.source, "ok": True} for value in indicator.values.all()]
    return Shown(indicator, unit=indicator.unit, rows=rows,
                 empty="" if rows else "Aucune valeur saisie pour l'instant.")


def _decimals(number) -> int:
    """As many decimals as staff typed (up to three), none for a whole number."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
