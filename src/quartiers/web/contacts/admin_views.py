"""The back office's own screens for contacts (/gestion/contacts/…): the import with its check
first, a person's data exported or erased on request, the record of erasures. Wagtail refuses
people without access to the back office; each view asks its permission on people."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, ListView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .forms import ImportForm
from .importer import import_contacts
from .models import Erasure, Person
from .privacy import erase_everywhere, export_everything, holders


class _Permission(WagtailAdminTemplateMixin):
    permission = ""  # on contacts.Person

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(f"contacts.{self.permission}_person"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse("wagtailsnippets_contacts_person:list"), "label": "Personnes"},
                {"url": "", "label": self.get_page_title()}]


class ImportView(_Permission, FormView):
    permission = "add"
    page_title = "Importer des contacts"
    header_icon = "upload"
    template_name = "contacts/admin/import.html"
    form_class = ImportForm

    def form_valid(self, form):
        upload = form.cleaned_data["fichier"]
        check_only = "importer" not in self.request.POST
        report = import_contacts(upload.read(), upload.name, check_only=check_only,
                                 existing=form.cleaned_data["personnes_connues"],
                                 by=self.request.user)
        return self.render_to_response(self.get_context_data(form=form, report=report))


class _PersonView(_Permission, TemplateView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.person = get_object_or_404(Person, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.person)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "person": self.person,
                "holders": holders(),
                "person_url": reverse("wagtailsnippets_contacts_person:inspect",
                                      args=[self.person.pk])}


class ExportView(_PersonView):
    """Confirmation, then the JSON file of everything every app holds about the person."""

    permission = "view"
    page_title = "Exporter les données d'une personne"
    header_icon = "download"
    template_name = "contacts/admin/export.html"

    def post(self, request, *args, **kwargs):
        data = export_everything(self.person)
        data["exporté le"] = timezone.now().isoformat()
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = (f'attachment; filename="donnees-personne-'
                                           f'{self.person.pk}.json"')
        return response


class EraseView(_PersonView):
    """Confirmation, then the erasure everywhere; the record kept names no one erased."""

    permission = "delete"
    page_title = "Effacer une personne"
    header_icon = "bin"
    template_name = "contacts/admin/erase.html"

    def post(self, request, *args, **kwargs):
        erase_everywhere(self.person, reason=Erasure.Reason.REQUEST, by=request.user)
        messages.success(request, "La personne a été effacée de toutes les applications ; "
                                  "l'effacement est consigné sans donnée personnelle.")
        return redirect("wagtailsnippets_contacts_person:list")


class ErasureListView(_Permission, ListView):
    permission = "delete"
    page_title = "Effacements"
    header_icon = "bin"
    template_name = "contacts/admin/erasures.html"
    model = Erasure
    paginate_by = 50
    queryset = Erasure.objects.select_related("by")
