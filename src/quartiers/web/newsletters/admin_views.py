"""The back office's screen for an issue (/gestion/lettres/numero/<id>/): send a test to
oneself, send to the list's confirmed subscribers (once), and follow the copies' status. The
centre's staff only (Wagtail refuses those without back-office access before this)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..accounts.services import is_centre_staff
from ..mail.models import OutgoingMessage
from . import sending
from .models import NewsletterIssuePage, Status, Subscription


class IssueSendingView(WagtailAdminTemplateMixin, TemplateView):
    page_title = "Envoi de la lettre"
    header_icon = "mail"
    template_name = "newsletters/admin/sending.html"

    def dispatch(self, request, *args, **kwargs):
        if not is_centre_staff(request.user):
            raise PermissionDenied
        self.issue = get_object_or_404(NewsletterIssuePage, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.issue.title

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse("wagtailadmin_explore", args=[self.issue.get_parent().pk]),
                 "label": "Lettres d'information"},
                {"url": reverse("wagtailadmin_pages:edit", args=[self.issue.pk]),
                 "label": self.issue.title},
                {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        record = self.issue.sending
        counts = sending.counts(self.issue)
        return {**super().get_context_data(**kwargs), "issue": self.issue, "record": record,
                "subscribers": Subscription.objects.filter(newsletter=self.issue.newsletter,
                                                           status=Status.SUBSCRIBED).count(),
                "counts": counts, "labels": dict(OutgoingMessage.Status.choices),
                "edit_url": reverse("wagtailadmin_pages:edit", args=[self.issue.pk]),
                "preview_url": self.issue.url if record else None}

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "test":
            sending.send_test(self.issue, request.user.email)
            messages.success(request, f"Test envoyé à {request.user.email} (dernière version "
                                      "enregistrée, marquée « [Test] »).")
        elif request.POST.get("action") == "envoyer":
            try:
                sending.start(self.issue, request.user)
            except sending.Refused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, f"Envoi lancé vers les abonné·es de "
                                          f"« {self.issue.newsletter} » : les messages partent "
                                          "par lots, en tâche de fond.")
        return redirect("newsletters_sending", pk=self.issue.pk)
