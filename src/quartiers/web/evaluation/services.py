"""Workflows over a framework: creating it (empty or from the template, indicators bound with
their reference read live), saving or deleting any of its parts with the change logged, the
national or regional synthesis of frameworks."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.forms.models import model_to_dict

from quartiers.engine.warehouse.store import Warehouse

from . import live, starting
from .models import (
    PRIORITY_CHOICES,
    EvaluationQuestion,
    Framework,
    FrameworkChange,
    FrameworkIndicator,
    Objective,
)

KINDS = {Framework: ("cadre", ""), Objective: ("objectif", ""),
         EvaluationQuestion: ("question", "e"), FrameworkIndicator: ("indicateur", ""),
         "LocalValue": ("valeur locale", "e"), "NarrativeSection": ("section rédigée", "e")}
"""What the history calls each part of a framework, and the ending of its past participles."""


def _kind(obj) -> tuple[str, str]:
    return KINDS.get(type(obj)) or KINDS.get(type(obj).__name__, (type(obj).__name__, ""))


def kind_of(obj) -> str:
    return _kind(obj)[0]


def _done(obj, verb: str) -> str:
    """« Question ajoutée », « Indicateur supprimé »."""
    name, ending = _kind(obj)
    return f"{name.capitalize()} {verb}{ending}"


def snapshot(obj) -> dict:
    """The object's fields as JSON (dates as text)."""
    data = model_to_dict(obj)
    data["id"] = obj.pk
    return {key: (value.isoformat() if hasattr(value, "isoformat") else value)
            for key, value in data.items()}


def log(framework: Framework, user, action: str, obj, summary: str) -> FrameworkChange:
    return FrameworkChange.objects.create(
        framework=framework, author=user if user and user.is_authenticated else None,
        action=action, kind=kind_of(obj), summary=summary, snapshot=snapshot(obj))


def _field_text(form, name: str, value) -> str:
    field = form.fields.get(name)
    choices = dict(getattr(field, "choices", []) or []) if field is not None else {}
    if value in (None, ""):
        return "vide"
    return str(choices.get(value, value))


@transaction.atomic
def save_form(form, framework: Framework, user, name: str):
    """Save a ModelForm's object and log what changed, field by field, in words."""
    creating = form.instance.pk is None
    before = {} if creating else {n: form.initial.get(n) for n in form.changed_data}
    obj = form.save()
    if creating:
        log(framework, user, FrameworkChange.Action.CREATE, obj,
            f"{_done(obj, 'ajouté')} : « {name} ».")
    elif form.changed_data:
        changes = "; ".join(
            f"{form.fields[n].label} : {_field_text(form, n, before[n])} → "
            f"{_field_text(form, n, form.cleaned_data.get(n))}" for n in form.changed_data)
        log(framework, user, FrameworkChange.Action.UPDATE, obj,
            f"{_done(obj, 'modifié')} : « {name} » — {changes}.")
    return obj


@transaction.atomic
def delete(obj, framework: Framework, user, name: str) -> None:
    log(framework, user, FrameworkChange.Action.DELETE, obj,
        f"{_done(obj, 'supprimé')} : « {name} ».")
    obj.delete()


@transaction.atomic
def create_framework(store: Warehouse, contract: dict, user, title: str,
                     from_template: bool) -> Framework:
    framework = Framework.objects.create(contract_code=contract["code"], title=title,
                                         from_template=from_template)
    counts = Counter()
    if from_template:
        for order, (part, heading, priority, questions) in enumerate(starting.TEMPLATE, 1):
            objective = framework.objectives.create(part=part, title=heading,
                                                    priority=priority, order=order)
            counts["objectifs"] += 1
            for q_order, (text, codes, locals_) in enumerate(questions, 1):
                question = objective.questions.create(text=text, order=q_order)
                counts["questions"] += 1
                for i_order, code in enumerate(codes, 1):
                    item = FrameworkIndicator(question=question, order=i_order,
                                              kind=FrameworkIndicator.Kind.CATALOGUE,
                                              indicator_code=code)
                    live.record_baseline(store, contract, item)
                    item.save()
                    counts["indicateurs"] += 1
                for i_order, (label, unit) in enumerate(locals_, len(codes) + 1):
                    question.indicators.create(kind=FrameworkIndicator.Kind.LOCAL, label=label,
                                               unit=unit, order=i_order)
                    counts["indicateurs"] += 1
    made = ", ".join(f"{n} {k}" for k, n in counts.items())
    log(framework, user, FrameworkChange.Action.CREATE, framework,
        f"Cadre créé : « {title} »" + (f", à partir du modèle ({made})." if from_template
                                        else ", vide."))
    return framework


@transaction.atomic
def rebind(store: Warehouse, contract: dict, item: FrameworkIndicator, framework: Framework,
           user) -> None:
    """Record the reference value again (after a build brought a new vintage), logged with
    the old and new vintages."""
    old = item.baseline_vintage or "aucun"
    live.record_baseline(store, contract, item)
    item.save()
    log(framework, user, FrameworkChange.Action.UPDATE, item,
        f"Valeur de référence de « {item.display_label} » enregistrée de nouveau : millésime "
        f"{old} → {item.baseline_vintage or 'aucun'}.")


# -- synthesis -------------------------------------------------------------------------
def regions(store: Warehouse) -> list[tuple[str, str]]:
    """(code, name) of the régions that have contracts, by name."""
    codes = {c["region"] for c in store.contrats("2024-2030") if c["region"]}
    return sorted(((code, store.territory("region", code)["name"]) for code in codes),
                  key=lambda r: r[1])


def synthesis(store: Warehouse, region: str | None) -> dict:
    """Frameworks entered in the database (of one région, or all): how many contracts have
    one, the indicators used most, the objectives per national priority."""
    contracts: dict[str, dict] = {}
    for contract in store.contrats():  # a bare code is the 2024-2030 contract, as in URLs
        contracts.setdefault(contract["code"], contract)
    frameworks = [f for f in Framework.objects.all()
                  if f.contract_code in contracts
                  and (not region or contracts[f.contract_code]["region"] == region)]
    ids = [f.pk for f in frameworks]
    indicators = FrameworkIndicator.objects.filter(question__objective__framework__in=ids)
    used: Counter = Counter()
    frameworks_of: dict[str, set] = {}
    for item in indicators.select_related("question__objective"):
        key = (item.kind, item.indicator_code if item.kind == "catalogue" else
               f"{item.analysis}:{item.component}" if item.kind == "analyse"
               else item.label.strip().lower())
        used[key] += 1
        frameworks_of.setdefault(key, set()).add(item.question.objective.framework_id)
        frameworks_of.setdefault(("label", key), item.display_label)
    priorities = Counter(Objective.objects.filter(framework__in=ids)
                         .exclude(priority="").values_list("priority", flat=True))
    covered = {f.pk: set() for f in frameworks}
    for fid, priority in Objective.objects.filter(framework__in=ids).exclude(priority="") \
            .values_list("framework_id", "priority"):
        covered[fid].add(priority)
    in_scope = [c for c in contracts.values() if not region or c["region"] == region]
    return {
        "frameworks": len(frameworks),
        "contracts": len([c for c in in_scope if c["generation"] == "2024-2030"]),
        "by_contract": [{"framework": f, "contract": contracts[f.contract_code]}
                        for f in frameworks],
        "indicators": [{"kind": dict(FrameworkIndicator.Kind.choices)[kind],
                        "label": frameworks_of[("label", (kind, code))],
                        "code": code if kind != "local" else "",
                        "uses": count, "frameworks": len(frameworks_of[(kind, code)])}
                       for (kind, code), count in used.most_common(30)],
        "priorities": [{"label": label, "objectives": priorities.get(value, 0),
                        "frameworks": sum(value in p for p in covered.values())}
                       for value, label in PRIORITY_CHOICES],
    }
