"""Pages of the contrats de ville (/contrats/): the registry, a contract's page, its documents
(upload, page, file, deletion), its QPV confirmed, the search across documents and the
comparison with the national priorities.

Reading is public (reserved documents aside); uploading, confirming and deleting belong to the
centre's staff and the contract's project leads (``access.can_edit_contract``): anonymous
people go to the login page, anyone else is refused (403).
"""

from __future__ import annotations

from functools import reduce, wraps
from operator import or_
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from quartiers.engine.profiles import build_profile

from ..core.warehouse import get_store
from ..programme.taxonomy import normalise
from ..territories.comparison import comparison_table
from . import comparison, services
from .access import can_edit_contract
from .forms import DocumentForm, PerimeterForm
from .models import ConfirmedPerimeter, ContractDocument, Priority, PriorityMatch
from .passages import highlighted, keyword_patterns
from .related import contract_territories, related_events, related_resources
from .search import LONGEST_QUERY, search_documents
from .tasks import extract_document

GENERATIONS = ("2024-2030", "2015-2023")
PER_PAGE = 50
REFUSED = ("Seules l'équipe du centre et les chef·fe·s de projet rattaché·e·s au territoire "
           "signataire de ce contrat peuvent modifier ses documents et ses quartiers.")


def _contract(request, code: str, generation: str | None = None) -> dict:
    """The contract of this code (the 2024-2030 one where a code is in both generations,
    unless ``?generation=`` says otherwise); NotFound is answered in French by the
    middleware."""
    generation = generation or request.GET.get("generation")
    return get_store().contrat(code, generation if generation in GENERATIONS else None)


def _check_editor(request, contract: dict) -> None:
    if not can_edit_contract(request.user, contract):
        raise PermissionDenied(REFUSED)


def _editor_only(view):
    """The contract's editors only: the login page for anonymous people, 403 for others."""
    @wraps(view)
    def wrapped(request, code, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        contract = _contract(request, code)
        _check_editor(request, contract)
        return view(request, contract, *args, **kwargs)
    return wrapped


def _generation_query(contract: dict) -> str:
    """What the contract's own addresses carry when its code also names a 2024-2030 one."""
    return "" if contract["preferred"] else f"?generation={contract['generation']}"


def _territory_names(level: str) -> dict[str, str]:
    return {t["code"]: t["name"] for t in get_store().territories(level, limit=500)[1]}


def registry(request):
    """Every contract, the 2024-2030 generation first, filtered by generation, région,
    département and words of its name, code or signatory."""
    store = get_store()
    regions, departements = _territory_names("region"), _territory_names("departement")
    chosen = {"generation": request.GET.get("generation", ""),
              "region": request.GET.get("region", ""),
              "departement": request.GET.get("departement", ""),
              "q": request.GET.get("q", "").strip()[:LONGEST_QUERY]}
    contracts = [c for generation in GENERATIONS for c in store.contrats(generation)]
    if chosen["generation"] in GENERATIONS:
        contracts = [c for c in contracts if c["generation"] == chosen["generation"]]
    if chosen["region"] in regions:
        contracts = [c for c in contracts if c["region"] == chosen["region"]]
    if chosen["departement"] in departements:
        contracts = [c for c in contracts if c["departement"] == chosen["departement"]]
    words = normalise(chosen["q"]).split()
    if words:
        contracts = [c for c in contracts if all(w in normalise(" ".join(
            filter(None, (c["code"], c["name"], c["signatory_name"])))) for w in words)]
    counts = {f"{generation} {code}": n for generation, code, n in
              ContractDocument.objects.filter(public=True).values_list("generation", "contract")
              .annotate(n=Count("pk")).values_list("generation", "contract", "n").order_by()}
    page = Paginator(contracts, PER_PAGE).get_page(request.GET.get("page"))
    params = {k: v for k, v in chosen.items() if v}
    return render(request, "contracts/registry.html", {
        "page": page, "count": len(contracts), "chosen": params,
        "page_params": urlencode(params), "generations": GENERATIONS,
        "generation": chosen["generation"], "words": chosen["q"],
        "regions": sorted(regions.items(), key=lambda r: normalise(r[1])),
        "region": chosen["region"],
        "departements": sorted(departements.items()), "departement": chosen["departement"],
        "region_names": regions, "departement_names": departements,
        "documents": counts})


def _perimeter(contract: dict) -> tuple[list[dict], list[dict], ConfirmedPerimeter | None]:
    """The derived QPV, those shown (the confirmed ones once confirmed) and the confirmation."""
    derived = get_store().contrat_qpv(contract["code"], contract["generation"])
    confirmed = ConfirmedPerimeter.objects.filter(
        contract=contract["code"], generation=contract["generation"]).select_related(
        "confirmed_by").first()
    shown = derived if confirmed is None else [q for q in derived if q["code"] in confirmed.codes]
    return derived, shown, confirmed


def _posts(contract: dict) -> list[dict]:
    """Posts per year; those filed under the 2015-2023 contract link to it."""
    return sorted(({**p, "via_url": p["via_code"] and services.contract_url(p["via_code"],
                                                                            "2015-2023")}
                   for p in get_store().contrat_postes(contract["code"], contract["generation"])),
                  key=lambda p: (p["annee"], p["dispositif"]))


def contract_page(request, code: str):
    store = get_store()
    contract = _contract(request, code)
    derived, qpv, confirmed = _perimeter(contract)
    editable = can_edit_contract(request.user, contract)
    profile = None
    if contract["signatory_name"]:
        profile = build_profile(store, contract["signatory_level"], contract["signatory_code"])
    groups = profile and getattr(profile, "qpv_comparison", None)
    documents = services.visible_documents(request.user).filter(
        contract=code, generation=contract["generation"])
    reasons = contract_territories(contract, qpv)
    priorities = (PriorityMatch.objects.filter(document__in=documents)
                  .values("priority__slug", "priority__name", "priority__order")
                  .annotate(passages=Count("pk"), documents=Count("document", distinct=True))
                  .order_by("priority__order", "priority__name"))
    return render(request, "contracts/contract.html", {
        "contract": contract, "generation_query": _generation_query(contract),
        "related": [{**r, "url": services.contract_url(r["code"], r["generation"])}
                    for r in contract["related"]],
        "signatory_url": contract["signatory_name"] and reverse(
            "profile", args=[contract["signatory_level"], contract["signatory_code"]]),
        "qpv": qpv, "derived": derived, "confirmed": confirmed,
        "qpv_comparison": groups and comparison_table(groups),
        "posts": _posts(contract), "documents": documents, "priorities": priorities,
        "resources": related_resources(reasons), "events": related_events(reasons),
        "editable": editable,
        "perimeter_form": editable and PerimeterForm(derived=derived, initial={
            "qpv": [q["code"] for q in qpv]}),
    })


def _document(request, code: str, pk: int) -> tuple[dict, ContractDocument]:
    """A document this person may see (a reserved one answers « not found » to others)."""
    document = get_object_or_404(services.visible_documents(request.user), pk=pk, contract=code)
    return _contract(request, code, document.generation), document


def document_page(request, code: str, pk: int):
    contract, document = _document(request, code, pk)
    by_priority = []
    matches = document.matches.select_related("priority").order_by(
        "priority__order", "priority__name", "page", "pk")
    for match in matches:
        if not by_priority or by_priority[-1][0] != match.priority:
            by_priority.append((match.priority, []))
        by_priority[-1][1].append((match, highlighted(
            match.passage, keyword_patterns(match.keywords.split(", ")), limit=1)))
    return render(request, "contracts/document.html", {
        "contract": contract, "document": document, "by_priority": by_priority,
        "unmatched": [p for p in Priority.objects.all()
                      if p.pk not in {priority.pk for priority, _ in by_priority}],
        "editable": can_edit_contract(request.user, contract)})


def document_file(request, code: str, pk: int):
    _contract, document = _document(request, code, pk)
    if not document.file.storage.exists(document.file.name):
        raise Http404("Le fichier de ce document n'est plus disponible.")
    return FileResponse(document.file.open("rb"), as_attachment=False,
                        filename=document.filename)


@_editor_only
def upload(request, contract: dict):
    form = DocumentForm(request.POST or None, request.FILES or None,
                        instance=ContractDocument(contract=contract["code"],
                                                  generation=contract["generation"],
                                                  uploaded_by=request.user))
    if request.method == "POST" and form.is_valid():
        document = form.save()
        extract_document.enqueue(document.pk)
        messages.success(request, f"« {document.title} » est déposé ; son texte sera extrait "
                                  "dans quelques instants.")
        return redirect("contracts:document", contract["code"], document.pk)
    return render(request, "contracts/upload.html", {
        "contract": contract, "generation_query": _generation_query(contract), "form": form},
        status=400 if form.errors else 200)


@require_POST
def delete(request, code: str, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    document = get_object_or_404(ContractDocument, pk=pk, contract=code)
    contract = _contract(request, code, document.generation)
    _check_editor(request, contract)
    services.delete_document(document)
    messages.success(request, f"« {document.title} » est supprimé.")
    return redirect(services.contract_url(code, contract["generation"]))


@require_POST
@_editor_only
def perimeter(request, contract: dict):
    form = PerimeterForm(request.POST, derived=get_store().contrat_qpv(
        contract["code"], contract["generation"]))
    if not form.is_valid():
        messages.error(request, "Ces quartiers ne sont pas parmi ceux du territoire signataire.")
    else:
        kept = services.confirm_perimeter(contract, form.cleaned_data["qpv"], request.user)
        messages.success(request, f"Liste des QPV confirmée ({len(kept.codes)} quartiers).")
    return redirect(services.contract_url(contract["code"], contract["generation"]) + "#qpv")


def search(request):
    store = get_store()
    query = request.GET.get("q", "").strip()[:LONGEST_QUERY]
    regions = _territory_names("region")
    chosen = {"q": query, "generation": request.GET.get("generation", ""),
              "region": request.GET.get("region", ""),
              "priorite": request.GET.get("priorite", "")}
    documents = services.visible_documents(request.user)
    if chosen["generation"] in GENERATIONS or chosen["region"] in regions:
        chosen_contracts = [c for c in store.contrats(chosen["generation"] or None)
                            if chosen["region"] not in regions or c["region"] == chosen["region"]]
        documents = documents.filter(reduce(or_, (
            Q(generation=generation, contract__in=[c["code"] for c in chosen_contracts
                                                   if c["generation"] == generation])
            for generation in GENERATIONS)))
    priorities = list(Priority.objects.all())
    if chosen["priorite"] in {p.slug for p in priorities}:
        documents = documents.filter(matches__priority__slug=chosen["priorite"]).distinct()
    total, hits = search_documents(query, documents) if query else (0, [])
    for hit in hits:
        hit.contract = store.contrat(hit.document.contract, hit.document.generation)
    return render(request, "contracts/search.html", {
        "words": query, "hits": hits, "total": total, "generations": GENERATIONS,
        "regions": sorted(regions.items(), key=lambda r: normalise(r[1])),
        "priorities": priorities, "chosen": chosen})


def comparison_page(request):
    generation = request.GET.get("generation", "")
    table = comparison.comparison_table(generation if generation in GENERATIONS else None)
    return render(request, "contracts/comparison.html", {
        "table": table, "generations": GENERATIONS, "generation": generation})


def comparison_csv(request):
    generation = request.GET.get("generation", "")
    table = comparison.comparison_table(generation if generation in GENERATIONS else None)
    response = HttpResponse(comparison.table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contrats_priorites.csv"'
    return response
