"""The Labo's public pages (calls, the application form and its signed link, the roadmaps of
the territories followed) and the staff's review pages (applications, scoring grid, decisions,
roadmap editing)."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from ..accounts.decorators import staff_only
from ..accounts.services import is_centre_staff
from . import services
from .forms import ApplicationForm, DecisionForm, ScoreForm
from .indicators import shown_indicators
from .models import Application, Attachment, Call, Review
from .roadmap_forms import RoadmapForms
from .services import Refused

Status = Application.Status
PUBLISHED = Call.Status.PUBLISHED


def _refused(request, refusal: Refused, title: str = "Demande refusée"):
    return render(request, "labo/refused.html", {"title": title, "message": str(refusal)},
                  status=refusal.status)


def _visible_call(request, slug: str) -> Call:
    """A published call; staff also see the calls in preparation."""
    calls = Call.objects.all() if is_centre_staff(request.user) else Call.objects.filter(
        status=PUBLISHED)
    return get_object_or_404(calls, slug=slug)


def _followed():
    return (Application.objects.filter(status=Status.SELECTED, call__status=PUBLISHED)
            .select_related("call").order_by("call__title", "territory_name"))


def index(request):
    calls = list(Call.objects.filter(status=PUBLISHED))
    current = [call for call in calls if call.phase() != Call.Phase.CLOSED]
    return render(request, "labo/index.html", {
        "current": sorted(current, key=lambda call: call.deadline),
        "past": [call for call in calls if call.phase() == Call.Phase.CLOSED],
        "followed": _followed(), "is_staff": is_centre_staff(request.user)})


def call_page(request, slug: str):
    call = _visible_call(request, slug)
    return render(request, "labo/call.html", {
        "call": call, "closed": call.closed_reason(),
        "criteria": call.criteria.all(),
        "documents": call.documents.select_related("document"),
        "followed": call.applications.filter(status=Status.SELECTED)
        .order_by("territory_name"),
        "is_staff": is_centre_staff(request.user)})


@never_cache
def apply(request, slug: str):
    """A new application: the form, saved as a draft or submitted at once."""
    call = _visible_call(request, slug)
    return _application_form(request, call, None)


@never_cache
def application_page(request, token: str):
    """The applicant's own page, by the signed link: the draft to resume, or what was
    submitted and its status."""
    try:
        application = services.application_from(token)
    except Refused as refusal:
        return _refused(request, refusal, "Lien refusé")
    if not application.is_draft:
        return render(request, "labo/submitted.html", {
            "application": application, "call": application.call, "token": token,
            "answers": application.answers.select_related("criterion")
            .order_by("criterion__sort_order", "criterion__pk"),
            "just_submitted": request.GET.get("depose") == "1"})
    return _application_form(request, application.call, application, token=token)


def _application_form(request, call: Call, application: Application | None, token=""):
    closed = call.closed_reason()
    status = 200
    error = ""
    if request.method == "POST":
        submitting = request.POST.get("action") == ApplicationForm.SUBMIT
        form = ApplicationForm(request.POST, request.FILES, call=call, application=application,
                               submitting=submitting)
        if closed:
            error, status = closed, 400
            form = ApplicationForm(call=call, application=application)
        elif form.is_valid():
            try:
                application = services.save_draft(call, application, form.draft(),
                                                   source=f"formulaire {request.path}")
                token = services.token(application)
                if not submitting:
                    return redirect(f"{services.resume_url(application)}?enregistre=1")
                services.submit(application)
                return redirect(f"{services.resume_url(application)}?depose=1")
            except Refused as refusal:
                error, status = str(refusal), refusal.status
                form = ApplicationForm(call=call, application=application)
        else:
            status = 400
    else:
        form = ApplicationForm(call=call, application=application)
    return render(request, "labo/apply.html", {
        "call": call, "form": form, "application": application, "token": token,
        "closed": closed, "error": error, "saved": request.GET.get("enregistre") == "1",
        "draft_link_sent": application is not None and application.pk is not None},
        status=status)


@never_cache
def applicant_attachment(request, token: str, pk: int):
    try:
        application = services.application_from(token)
    except Refused as refusal:
        return _refused(request, refusal, "Lien refusé")
    return _file(get_object_or_404(Attachment, pk=pk, application=application))


def roadmap(request, slug: str, territory: str):
    call = _visible_call(request, slug)
    level, _, code = territory.partition("-")
    application = get_object_or_404(call.applications, level=level, code=code,
                                    status=Status.SELECTED)
    return render(request, "labo/roadmap.html", {
        "call": call, "application": application, "steps": application.steps.all(),
        "indicators": shown_indicators(application), "is_staff": is_centre_staff(request.user)})


def _file(attachment: Attachment) -> HttpResponse:
    types = {"pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "odt": "application/vnd.oasis.opendocument.text"}
    response = HttpResponse(bytes(attachment.content), content_type=types.get(
        attachment.name.rsplit(".", 1)[-1].lower(), "application/octet-stream"))
    response["Content-Disposition"] = f'attachment; filename="{attachment.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- staff -----------------------------------------------------------------------------------


@staff_only
def staff_index(request):
    return render(request, "labo/staff/index.html", {"calls": Call.objects.all()})


@staff_only
def staff_call(request, slug: str):
    call = get_object_or_404(Call, slug=slug)
    return render(request, "labo/staff/call.html", {
        "call": call, "rows": services.grid(call), "criteria": call.criteria.all(),
        "max_total": 4 * call.total_weight,
        "selected": call.applications.filter(status=Status.SELECTED).count()})


def _staff_application(pk: int) -> Application:
    return get_object_or_404(Application.objects.select_related("call", "person"), pk=pk)


@staff_only
def staff_application(request, pk: int):
    application = _staff_application(pk)
    call = application.call
    criteria = list(call.criteria.all())
    own = Review.objects.filter(application=application, reviewer=request.user).first()
    score_form = ScoreForm(criteria=criteria, review=own, prefix="grille")
    decision_form = DecisionForm(prefix="decision", initial={
        "decision": application.status if not application.is_draft else None,
        "reason": application.decision_reason})
    error, notice, status = "", "", 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "noter":
                score_form = ScoreForm(request.POST, criteria=criteria, review=own,
                                       prefix="grille")
                if score_form.is_valid():
                    services.record_review(application, request.user, score_form.scores())
                    return redirect(f"{request.path}?note=1#grille")
            elif action == "decider":
                decision_form = DecisionForm(request.POST, prefix="decision")
                if decision_form.is_valid():
                    services.decide(application,
                                    selected=decision_form.cleaned_data["decision"] == "retenue",
                                    reason=decision_form.cleaned_data["reason"],
                                    by=request.user)
                    return redirect(f"{request.path}?decision=1#decision")
            else:
                raise Refused("Action inconnue.")
        except Refused as refusal:
            error = str(refusal)
        status = 400
    if request.GET.get("note") == "1":
        notice = "Votre notation est enregistrée."
    elif request.GET.get("decision") == "1":
        notice = "Décision enregistrée ; le territoire en est informé par courriel."
    reviews = list(application.reviews.select_related("reviewer")
                   .prefetch_related("scores__criterion"))
    return render(request, "labo/staff/application.html", {
        "application": application, "call": call,
        "answers": application.answers.select_related("criterion")
        .order_by("criterion__sort_order", "criterion__pk"),
        "attachments": application.attachments.only("pk", "name", "size", "uploaded_at"),
        "reviews": reviews, "row": services.GridRow(application, reviews),
        "max_total": 4 * call.total_weight, "score_form": score_form,
        "decision_form": decision_form, "error": error, "notice": notice}, status=status)


@staff_only
def staff_attachment(request, pk: int, attachment: int):
    return _file(get_object_or_404(Attachment, pk=attachment, application_id=pk))


@staff_only
def staff_roadmap(request, pk: int):
    application = _staff_application(pk)
    if application.status != Status.SELECTED:
        raise Http404("Seul un territoire retenu a une feuille de route.")
    forms = RoadmapForms(application, request.POST if request.method == "POST" else None)
    if request.method == "POST" and forms.is_valid():
        with transaction.atomic():
            forms.save()
        return redirect(f"{request.path}?enregistre=1")
    return render(request, "labo/staff/roadmap.html", {
        "application": application, "call": application.call, "forms": forms,
        "saved": request.GET.get("enregistre") == "1"},
        status=400 if request.method == "POST" else 200)
