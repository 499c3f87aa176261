"""Pages of a contract's evaluation framework (/contrats/<code>/cadre/…), its mid-term report
and the synthesis of frameworks.

Reading is public: a framework is evaluation material the contract's signatories share, made
of public data and of what the team chooses to write. Changing it is for the centre's staff
and the chef·fe·s de projet of the contract's territory (``contracts.access``): anonymous
people go to the login page, anyone else is refused (403). The history names who changed
what: it is shown to those who may edit only. Pages read the database: never kept by the
build's cache.
"""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from quartiers.engine.reports import format_number
from quartiers.engine.reports.comparison import series_chart
from quartiers.engine.reports.midterm import render_midterm_odt, render_midterm_pdf

from ..accounts.services import is_centre_staff
from ..contracts.access import can_edit_contract
from ..core.warehouse import get_store
from . import report, services
from .forms import (
    CreateForm,
    FrameworkForm,
    IndicatorForm,
    LocalValueForm,
    NarrativeForm,
    ObjectiveForm,
    QuestionFormSet,
)
from .live import indicator_unit, live, record_baseline
from .models import (
    EvaluationQuestion,
    Framework,
    FrameworkIndicator,
    LocalValue,
    NarrativeSection,
    Objective,
    Part,
)

REFUSED = ("Seuls l'équipe du centre et les chef·fe·s de projet rattaché·e·s au territoire "
           "signataire de ce contrat peuvent modifier son cadre d'évaluation.")


def _contract(code: str) -> dict:
    """A 2024-2030 contract: frameworks and mid-term reports are about the contracts in force
    (a code of the 2015-2023 generation only, or unknown, is the 404 page)."""
    return get_store().contrat(code, "2024-2030")


def editor(view):
    """Anonymous → login; not allowed on this contract → 403; else the view with the
    contract. The login comes first, whatever the code, so that nothing is revealed."""
    @wraps(view)
    @never_cache
    def wrapped(request, code: str, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        contract = _contract(code)
        if not can_edit_contract(request.user, contract):
            raise PermissionDenied(REFUSED)
        return view(request, contract, *args, **kwargs)
    return wrapped


def _framework(contract: dict) -> Framework:
    framework = Framework.objects.filter(contract_code=contract["code"]).first()
    if framework is None:
        raise Http404(f"Le contrat {contract['code']} n'a pas encore de cadre d'évaluation.")
    return framework


def _home(contract: dict):
    return redirect("evaluation:framework", code=contract["code"])


# -- reading ---------------------------------------------------------------------------
@never_cache
def framework_page(request, code: str):
    contract = _contract(code)
    framework = Framework.objects.filter(contract_code=contract["code"]).first()
    can_edit = can_edit_contract(request.user, contract)
    context = {"contract": contract, "framework": framework, "can_edit": can_edit}
    if framework is not None:
        context["parts"] = _parts(framework, contract)
        narratives = {n.section: n for n in framework.narratives.all()}
        context["narratives"] = [(value, label, narratives.get(value))
                                 for value, label in NarrativeSection.Section.choices]
    return render(request, "evaluation/framework.html", context)


def _parts(framework: Framework, contract: dict) -> list[dict]:
    """Objectives by part of the guide, each question with its indicators' live values."""
    store = get_store()
    objectives = framework.objectives.prefetch_related(
        "questions__indicators__local_values__entered_by")
    parts = []
    for value, label in Part.choices:
        shown = []
        for objective in (o for o in objectives if o.part == value):
            questions = []
            for question in objective.questions.all():
                items = []
                for item in question.indicators.all():
                    data = live(store, contract, item)
                    if data["series"]:
                        data["chart"] = mark_safe(series_chart(data["series"]))  # our own SVG
                    items.append({"item": item, "live": data})
                questions.append({"question": question, "indicators": items})
            shown.append({"objective": objective, "questions": questions})
        parts.append({"value": value, "label": label, "objectives": shown})
    return parts


@editor
def history(request, contract):
    framework = _framework(contract)
    changes = framework.changes.select_related("author")
    return render(request, "evaluation/history.html", {
        "contract": contract, "framework": framework,
        "changes": [(change, _recorded(change)) for change in changes]})


KIND_MODELS = {kind: next(m for m in (Framework, Objective, EvaluationQuestion,
                                      FrameworkIndicator, LocalValue, NarrativeSection)
                         if key in (m, m.__name__))
               for key, kind in services.KINDS.items()}


def _recorded(change) -> list[tuple[str, str]]:
    """The recorded state in words: (field's French name, value), links to other rows left
    out (the summary names them)."""
    model = KIND_MODELS.get(change.kind)
    rows = []
    for name, value in change.snapshot.items():
        field = next((f for f in model._meta.concrete_fields if f.name == name), None) \
            if model else None
        if name == "id" or (field is not None and field.is_relation) or value in ({}, []):
            continue
        if field is not None and field.choices:
            value = dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            value = "oui" if value else "non"
        elif isinstance(value, float):
            value = repr(value).removesuffix(".0").replace(".", ",")
        elif isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False)
        rows.append((str(field.verbose_name) if field is not None else name,
                     "–" if value in (None, "") else str(value)))
    return rows


# -- editing ---------------------------------------------------------------------------
@editor
def create(request, contract):
    if Framework.objects.filter(contract_code=contract["code"]).exists():
        return _home(contract)
    form = CreateForm(request.POST or None, initial={
        "title": f"Cadre d'évaluation du contrat de ville — {contract['name']}"})
    if request.method == "POST" and form.is_valid():
        services.create_framework(get_store(), contract, request.user,
                                  form.cleaned_data["title"],
                                  form.cleaned_data["start"] == "modele")
        messages.success(request, "Le cadre d'évaluation est créé.")
        return _home(contract)
    return render(request, "evaluation/form.html", {
        "contract": contract, "form": form, "title": "Créer le cadre d'évaluation"})


@editor
def edit_framework(request, contract):
    framework = _framework(contract)
    form = FrameworkForm(request.POST or None, instance=framework)
    if request.method == "POST" and form.is_valid():
        services.save_form(form, framework, request.user, framework.title)
        messages.success(request, "Le cadre est enregistré.")
        return _home(contract)
    return render(request, "evaluation/form.html", {
        "contract": contract, "framework": framework, "form": form,
        "title": "Modifier le titre et le statut du cadre"})


@editor
def objective(request, contract, pk: int | None = None):
    """An objective and its questions (a formset): added or changed together, or neither."""
    framework = _framework(contract)
    instance = get_object_or_404(Objective, pk=pk, framework=framework) if pk else \
        Objective(framework=framework, part=request.GET.get("partie") or Part.CONTEXT)
    data = request.POST if request.method == "POST" else None
    form = ObjectiveForm(data, instance=instance)
    questions = QuestionFormSet(data, instance=instance, prefix="questions")
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        with transaction.atomic():
            saved = services.save_form(form, framework, request.user, form.instance.title)
            questions.instance = saved
            for sub in questions.forms:
                if not sub.has_changed() and sub.instance.pk is None:
                    continue
                if questions.can_delete and questions._should_delete_form(sub):
                    if sub.instance.pk:
                        services.delete(sub.instance, framework, request.user,
                                        sub.instance.text)
                    continue
                sub.instance.objective = saved
                services.save_form(sub, framework, request.user, sub.cleaned_data["text"])
        messages.success(request, "L'objectif et ses questions sont enregistrés.")
        return _home(contract)
    return render(request, "evaluation/objective.html", {
        "contract": contract, "framework": framework, "form": form, "questions": questions,
        "title": "Modifier l'objectif" if pk else "Ajouter un objectif"})


@editor
def indicator(request, contract, pk: int | None = None):
    framework = _framework(contract)
    instance = get_object_or_404(FrameworkIndicator, pk=pk,
                                 question__objective__framework=framework) if pk else None
    initial = {"question": request.GET.get("question")} if not pk else None
    form = IndicatorForm(request.POST or None, instance=instance, initial=initial,
                         framework=framework)
    if request.method == "POST" and form.is_valid():
        item = form.instance
        if item.pk is None:
            record_baseline(get_store(), contract, item)
        services.save_form(form, framework, request.user, item.display_label)
        messages.success(request, "L'indicateur est enregistré.")
        return _home(contract)
    return render(request, "evaluation/indicator.html", {
        "contract": contract, "framework": framework, "form": form, "item": instance,
        "title": "Modifier l'indicateur" if pk else "Ajouter un indicateur"})


@editor
def rebind(request, contract, pk: int):
    framework = _framework(contract)
    item = get_object_or_404(FrameworkIndicator, pk=pk, question__objective__framework=framework)
    if request.method != "POST":
        return _home(contract)
    services.rebind(get_store(), contract, item, framework, request.user)
    messages.success(request, f"Valeur de référence de « {item.display_label} » enregistrée "
                              "de nouveau.")
    return _home(contract)


@editor
def local_values(request, contract, pk: int):
    framework = _framework(contract)
    item = get_object_or_404(FrameworkIndicator, pk=pk, kind=FrameworkIndicator.Kind.LOCAL,
                             question__objective__framework=framework)
    form = LocalValueForm(request.POST or None, instance=LocalValue(indicator=item,
                                                                     entered_by=request.user))
    if request.method == "POST" and form.is_valid():
        unit, decimals = indicator_unit(item)
        services.save_form(form, framework, request.user,
                           f"{item.display_label} : "
                           f"{format_number(form.cleaned_data['value'], decimals, unit)} au "
                           f"{form.cleaned_data['date']:%d/%m/%Y}")
        messages.success(request, "La valeur est enregistrée.")
        return redirect("evaluation:local_values", code=contract["code"], pk=item.pk)
    return render(request, "evaluation/local_values.html", {
        "contract": contract, "framework": framework, "item": item, "form": form,
        "live": live(get_store(), contract, item)})


DELETABLE = {"objectif": (Objective, "framework", "title"),
             "indicateur": (FrameworkIndicator, "question__objective__framework", None),
             "valeur": (LocalValue, "indicator__question__objective__framework", None)}


@editor
def delete(request, contract, kind: str, pk: int):
    framework = _framework(contract)
    if kind not in DELETABLE:
        raise Http404(kind)
    model, path, attribute = DELETABLE[kind]
    obj = get_object_or_404(model, pk=pk, **{path: framework})
    name = getattr(obj, attribute) if attribute else str(
        obj.display_label if kind == "indicateur" else f"{obj.indicator.display_label} : {obj}")
    if request.method == "POST":
        services.delete(obj, framework, request.user, name)
        messages.success(request, f"« {name} » est supprimé.")
        return _home(contract)
    return render(request, "evaluation/delete.html", {
        "contract": contract, "framework": framework, "name": name, "kind": kind})


@editor
def narrative(request, contract, section: str):
    framework = _framework(contract)
    if section not in NarrativeSection.Section.values:
        raise Http404(section)
    instance = NarrativeSection.objects.filter(framework=framework, section=section).first() \
        or NarrativeSection(framework=framework, section=section)
    form = NarrativeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_form(form, framework, request.user, instance.get_section_display())
        messages.success(request, "Le texte est enregistré.")
        return _home(contract)
    return render(request, "evaluation/form.html", {
        "contract": contract, "framework": framework, "form": form,
        "title": f"Rédiger la section « {instance.get_section_display()} »"})


# -- report and synthesis ----------------------------------------------------------------
def _report(code: str, render_document, content_type: str, extension: str):
    contract = _contract(code)
    framework = Framework.objects.filter(contract_code=contract["code"]).first()
    store = get_store()
    document = render_document(store, contract, report.framework_data(store, contract, framework))
    response = HttpResponse(document, content_type=content_type)
    response["Content-Disposition"] = (f'{"inline" if extension == "pdf" else "attachment"}; '
                                       f'filename="rapport-mi-parcours-{contract["code"]}.'
                                       f'{extension}"')
    return response


@never_cache
def report_pdf(request, code: str):
    return _report(code, render_midterm_pdf, "application/pdf", "pdf")


@never_cache
def report_odt(request, code: str):
    return _report(code, render_midterm_odt, "application/vnd.oasis.opendocument.text", "odt")


@never_cache
def synthesis(request):
    store = get_store()
    regions = services.regions(store)
    region = request.GET.get("region") or ""
    if region and region not in {code for code, _ in regions}:
        return render(request, "evaluation/synthesis.html", {
            "regions": regions, "region": region,
            "error": f"Région « {region} » inconnue : choisissez-la dans la liste."},
                      status=400)
    return render(request, "evaluation/synthesis.html", {
        "regions": regions, "region": region,
        "region_name": dict(regions).get(region, ""),
        "staff": is_centre_staff(request.user),
        **services.synthesis(store, region or None)})

