"""The partner space (/tiers-de-confiance/): a partner's members see their organisation's
agreements, deposit files and read the validation reports and the released outputs; the
centre's staff see every agreement, compute, review, release and withdraw outputs, and read
the journal.

Access: anonymous people go to the login page; an account without either role is refused;
another partner's agreement, deposit or output answers « not found », so that its existence is
never revealed. A partner sees only released outputs. Once an agreement has expired (its data
deleted), its deposits and their reports are no longer shown; its released outputs, which are
public, stay readable. Every page that reads an agreement writes an « accès » in the journal.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from ..accounts.models import Role
from . import documents, services
from .forms import ComputeForm, DepositForm, ReviewForm
from .models import Agreement, Deposit, JournalEntry, Output
from .uploads import MemoryOnlyUploadHandler, size_label

ROLES_REFUSED = ("L'espace des tiers de confiance est réservé aux membres des organismes "
                 "partenaires et à l'équipe du centre.")
STAFF_REFUSED = "Cette action est réservée à l'équipe du centre."
JOURNAL_PAGE = 50


def _guarded(allowed, refusal: str):
    def decorator(view):
        @wraps(view)
        @never_cache
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)
        return wrapped
    return decorator


partner_space = _guarded(lambda user: services.is_centre_staff(user) or Role.PARTNER_MEMBER in user.roles,
                         ROLES_REFUSED)
staff_only = _guarded(services.is_centre_staff, STAFF_REFUSED)


def _agreement(request, code: str) -> Agreement:
    """The agreement if the user may see it, else 404 (whether it exists or not)."""
    return get_object_or_404(services.visible_agreements(request.user).select_related("partner"),
                             code=code)


def _refused(request, title: str, message: str, status: int):
    return render(request, "partners/refused.html", {"title": title, "message": message},
                  status=status)


@partner_space
def index(request):
    agreements = services.visible_agreements(request.user).select_related("partner")
    return render(request, "partners/index.html", {
        "agreements": agreements, "staff": services.is_centre_staff(request.user)})


@partner_space
def agreement(request, code: str):
    item = _agreement(request, code)
    staff = services.is_centre_staff(request.user)
    services.log_access(request.user, item, "convention")
    titles = dict(documents.recipe_titles(item))
    outputs = list(services.visible_outputs(request.user, item))
    for made in outputs:
        made.recipe_title = titles.get(made.recipe, made.recipe)
    expired = item.status == Agreement.Status.EXPIRED
    return render(request, "partners/agreement.html", {
        "agreement": item, "staff": staff, "expired": expired,
        "fields": documents.schema_fields(item), "recipes": documents.recipe_titles(item),
        "secrecy": documents.secrecy_rows(item),
        "signatories": item.signatories.all(), "territories": item.territories.all(),
        "deposits": [] if expired and not staff else item.deposits.select_related("uploaded_by"),
        "outputs": outputs, "can_deposit": services.can_deposit(request.user, item),
        "certificate": getattr(item, "deletion_certificate", None),
    })


@partner_space
def summary_pdf(request, code: str):
    item = _agreement(request, code)
    services.log_access(request.user, item, "résumé PDF")
    return _pdf(documents.summary(item), f"convention-{item.code}.pdf")


@partner_space
def certificate_pdf(request, code: str):
    item = _agreement(request, code)
    record = getattr(item, "deletion_certificate", None)
    if record is None:
        return _refused(request, "Pas de certificat de suppression", (
            f"Les données de la convention {item.code} n'ont pas été supprimées : elles le "
            f"seront à la fin de conservation, le {item.ends_on:%d/%m/%Y}."), 404)
    services.log_access(request.user, item, "certificat de suppression")
    return _pdf(documents.certificate(record), f"certificat-suppression-{item.code}.pdf")


@csrf_exempt
@partner_space
def deposit(request, code: str):
    """The file is read by our memory-only handler, set before anything reads the request's
    body (hence CSRF checked after, inside: Django's documented way)."""
    handler = MemoryOnlyUploadHandler(request)
    request.upload_handlers = [handler]
    return _deposit(request, code, handler)


@csrf_protect
def _deposit(request, code: str, handler: MemoryOnlyUploadHandler):
    item = _agreement(request, code)
    if not services.can_deposit(request.user, item):
        return _refused(request, "Dépôt impossible", _deposit_refusal(request.user, item), 403)
    form = DepositForm(*(request.POST, request.FILES) if request.method == "POST" else (),
                       too_large=handler.too_large, cap=handler.cap)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        try:
            made = services.deposit(item, request.user, upload.name, upload.read())
        except services.Refused as refusal:
            return _refused(request, "Dépôt impossible", str(refusal), 403)
        return redirect("partners:deposit_report", pk=made.pk)
    return render(request, "partners/deposit.html", {
        "agreement": item, "form": form, "fields": documents.schema_fields(item),
        "cap": size_label(handler.cap)}, status=400 if form.errors else 200)


def _deposit_refusal(user, item: Agreement) -> str:
    if not services.is_member(user, item):
        return (f"Seuls les membres de {item.partner} déposent des fichiers sous la convention "
                f"{item.code}.")
    if item.status == Agreement.Status.EXPIRED:
        return (f"La convention {item.code} a pris fin le {item.ends_on:%d/%m/%Y} et ses données "
                "ont été supprimées : aucun dépôt n'est plus possible.")
    return (f"La convention {item.code} n'est pas en vigueur aujourd'hui (du "
            f"{item.starts_on:%d/%m/%Y} au {item.ends_on:%d/%m/%Y}) : aucun dépôt n'est possible.")


@partner_space
def deposit_report(request, pk):
    visible = services.visible_agreements(request.user)
    made = get_object_or_404(Deposit.objects.select_related("agreement__partner", "uploaded_by"),
                             pk=pk, agreement__in=visible)
    item = made.agreement
    if item.status == Agreement.Status.EXPIRED and not services.is_centre_staff(request.user):
        return _refused(request, "Dépôt supprimé", (
            f"La convention {item.code} a pris fin : ses données ont été supprimées et ses "
            "dépôts ne sont plus consultables."), 410)
    services.log_access(request.user, item, f"dépôt {made.pk}")
    return render(request, "partners/deposit_report.html", {
        "deposit": made, "agreement": item, "report": documents.deposit_report(made)})


@partner_space
def output(request, pk: int):
    staff = services.is_centre_staff(request.user)
    found = Output.objects.select_related("agreement__partner", "reviewed_by", "requested_by")
    if not staff:
        found = found.filter(status=Output.Status.RELEASED)
    made = get_object_or_404(found, pk=pk, agreement__in=services.visible_agreements(request.user))
    services.log_access(request.user, made.agreement, f"sortie {made.pk}")
    return render(request, "partners/output.html", {
        "output": made, "agreement": made.agreement, "staff": staff,
        "result": documents.output_view(made, staff), "review_form": ReviewForm() if staff else None})


@staff_only
@require_POST
def compute(request, code: str):
    item = _agreement(request, code)
    form = ComputeForm(request.POST, recipes=documents.recipe_titles(item))
    if not form.is_valid():
        messages.error(request, "Choisissez un des résultats autorisés par la convention.")
    else:
        try:
            made = services.request_output(item, form.cleaned_data["recipe"], request.user)
        except services.Refused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"Calcul demandé (résultat n° {made.pk}) : la page du "
                                      "résultat indique quand il est prêt à relire.")
    return redirect(reverse("partners:agreement", args=[item.code]) + "#resultats")


@staff_only
@require_POST
def review(request, pk: int):
    made = get_object_or_404(Output.objects.select_related("agreement__partner"), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return render(request, "partners/output.html", {
            "output": made, "agreement": made.agreement, "staff": True,
            "result": documents.output_view(made, True), "review_form": form}, status=400)
    accept = form.cleaned_data["decision"] == ReviewForm.PUBLISH
    try:
        services.review(made, request.user, accept, form.cleaned_data["comment"])
        if accept:
            services.release(made, request.user)
    except services.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Résultat publié : il entrera dans l'entrepôt public, puis sur "
                                  "les fiches des territoires, à la prochaine mise à jour de "
                                  "l'entrepôt (commande quartiers build)."
                         if accept else "Résultat refusé.")
    return redirect("partners:output", pk=made.pk)


@staff_only
@require_POST
def withdraw(request, pk: int):
    made = get_object_or_404(Output, pk=pk)
    try:
        services.withdraw(made, request.user)
    except services.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Résultat retiré : il quittera l'entrepôt public à la "
                                  "prochaine construction.")
    return redirect("partners:output", pk=made.pk)


@staff_only
def journal(request):
    entries = Paginator(JournalEntry.objects.order_by("-seq"), JOURNAL_PAGE)
    page = entries.get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.details_text = " ; ".join(f"{key} : {documents.fact_text(value)}"
                                        for key, value in entry.details.items())
    return render(request, "partners/journal.html", {
        "page": page, "verification": services.verify_journal()})


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response

