"""The agenda's addresses beside its pages: iCalendar, the registrant's own pages reached by
signed links (no account), a webinar cycle's registration, and the staff's pages for an event
(registrations, check-in, sign-in sheet, certificates, exports)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..accounts.decorators import staff_only
from . import exports, pdf
from .forms import RegistrationForm
from .ical import calendar, feed_events
from .models import EventPage, Registration, WebinarCycle
from .registration import (
    Refused,
    cancel,
    confirm_offer,
    manage_token,
    offer_from,
    register_cycle,
    registration_from,
)

ICS = "text/calendar; charset=utf-8"


def agenda_ics(request):
    return HttpResponse(calendar(feed_events(), "Agenda du centre de ressources"),
                        content_type=ICS)


def event_ics(request, pk: int):
    event = get_object_or_404(EventPage.objects.live().public(), pk=pk)
    response = HttpResponse(calendar([event], event.title), content_type=ICS)
    response["Content-Disposition"] = f'attachment; filename="evenement-{event.pk}.ics"'
    return response


def refused(request, refusal: Refused, title: str = "Lien ou demande refusée"):
    return render(request, "events/refused.html", {"message": str(refusal), "title": title},
                  status=refusal.status)


def registration_page(request, token: str):
    """The registrant's page: their status, the visio link once confirmed, cancellation."""
    try:
        registration = registration_from(token)
    except Refused as refusal:
        return refused(request, refusal)
    cancelled_now = False
    if request.method == "POST":
        try:
            registration = cancel(registration.pk)
            cancelled_now = True
        except Refused as refusal:
            return refused(request, refusal, "Annulation impossible")
    event = registration.event
    return render(request, "events/registration.html", {
        "registration": registration, "event": event, "cancelled_now": cancelled_now,
        "visio_link": (event.visio_link if event.online
                       and registration.status == Registration.Status.CONFIRMED else ""),
        "can_cancel": registration.status != Registration.Status.CANCELLED and not event.is_past,
    })


def offer_page(request, token: str):
    """A freed place offered to a person of the waiting list: they confirm it (POST, so that a
    mail scanner opening the link takes nothing)."""
    try:
        pk, stamp = offer_from(token)
        registration = Registration.objects.select_related("event").filter(pk=pk).first()
        if registration is None or registration.person_id is None:
            raise Refused("Cette inscription n'existe plus.", status=410)
        if request.method == "POST":
            registration = confirm_offer(pk, stamp)
            return redirect("events:registration", token=manage_token(registration))
    except Refused as refusal:
        return refused(request, refusal, "Confirmation impossible")
    return render(request, "events/offer.html", {"registration": registration,
                                                 "event": registration.event})


def cycle_page(request, slug: str):
    cycle = get_object_or_404(WebinarCycle, slug=slug)
    events = list(EventPage.objects.live().public().filter(cycle=cycle)
                  .order_by("date", "start_time"))
    open_events = [event for event in events if not event.registration_state()]
    form = RegistrationForm(request.POST or None, event=None)
    form.fields.pop("diet")  # a webinar has no meal
    made = skipped = None
    if request.method == "POST" and form.is_valid():
        if not open_events:
            form.add_error(None, "Aucun webinaire de ce cycle n'est ouvert aux inscriptions.")
        else:
            made, skipped = register_cycle(cycle, form.applicant(),
                                           source=f"cycle « {cycle.title} » ({request.path})")
    return render(request, "events/cycle.html", {
        "cycle": cycle, "events": events, "open_events": open_events, "form": form,
        "made": made, "skipped": skipped}, status=400 if form.errors else 200)


# -- staff -----------------------------------------------------------------------------------


def _event(pk: int) -> EventPage:
    return get_object_or_404(EventPage, pk=pk)


def _counts(event: EventPage) -> dict:
    counts = event.registrations.aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in Registration.Status},
        present=Count("pk", filter=Q(attended_at__isnull=False)))
    return {"by_status": [(status.label, counts[status.value]) for status in Registration.Status],
            "present": counts["present"]}


@staff_only
def registrations(request, pk: int):
    event = _event(pk)
    return render(request, "events/staff/registrations.html", {
        "event": event, "registrations": Registration.listed(event), "counts": _counts(event),
        "places_left": event.places_left()})


@staff_only
def check_in(request, pk: int):
    event = _event(pk)
    rows = (event.registrations.filter(status=Registration.Status.CONFIRMED)
            .select_related("person"))
    people = sorted(rows, key=lambda r: (r.person is None,
                                         (r.person.last_name if r.person else "").lower()))
    return render(request, "events/staff/check_in.html", {
        "event": event, "registrations": people,
        "present": sum(1 for r in people if r.attended_at)})


@staff_only
@require_POST
def toggle_presence(request, pk: int, registration_id: int):
    """Mark present (or not): answers JSON to the page's script, else back to the list."""
    registration = get_object_or_404(Registration, pk=registration_id, event_id=pk,
                                     status=Registration.Status.CONFIRMED)
    present = request.POST.get("present") == "1"
    registration.attended_at = timezone.now() if present else None
    registration.save(update_fields=["attended_at"])
    if request.headers.get("Accept") == "application/json":
        event = registration.event
        return JsonResponse({"present": present, "count": event.registrations.filter(
            attended_at__isnull=False).count()})
    return redirect(f"{request.path.rsplit('/', 2)[0]}/#inscription-{registration.pk}")


@staff_only
def sign_in_sheet(request, pk: int):
    event = _event(pk)
    return _pdf(pdf.sign_in_sheet(event), f"emargement-{event.slug}.pdf")


@staff_only
def certificates(request, pk: int):
    event = _event(pk)
    content = pdf.certificates(event)
    if content is None:
        return render(request, "events/refused.html", {
            "title": "Aucune attestation", "message": "Personne n'est encore noté présent à cet "
            "événement : pointez les présences avant d'imprimer les attestations."}, status=409)
    return _pdf(content, f"attestations-{event.slug}.pdf")


@staff_only
def export(request, pk: int, extension: str):
    event = _event(pk)
    content, content_type = exports.registrations_file(event, extension)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="inscriptions-{event.slug}.{extension}"'
    return response


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
