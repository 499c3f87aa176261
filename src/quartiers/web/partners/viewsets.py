"""« Tiers de confiance » in the back office (/gestion/): the staff create and edit agreements
(signatories and territories inline), then activate them; every change is written in the
journal. Deposits, outputs and the journal itself are read in the partner space."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton

from . import services
from .models import Agreement, JournalEntry


class AgreementForm(WagtailAdminModelForm):
    """Fields and outputs ticked from the engine's schemas and recipes (the model checks that
    they belong to the chosen schema)."""

    allowed_fields = forms.MultipleChoiceField(
        label="Champs autorisés", widget=forms.CheckboxSelectMultiple, required=False,
        help_text="Cochez les champs du schéma choisi que le partenaire peut déposer (les "
                  "obligatoires au moins).")
    recipes = forms.MultipleChoiceField(
        label="Résultats autorisés", widget=forms.CheckboxSelectMultiple, required=False,
        help_text="Les calculs que l'équipe pourra faire et publier sous le secret statistique.")

    def __init__(self, *args, **kwargs):
        from quartiers.engine.partners.recipes import RECIPES
        from quartiers.engine.partners.schemas import SCHEMAS

        super().__init__(*args, **kwargs)
        self.fields["allowed_fields"].choices = [
            (schema.title, [(field.name, f"{field.label} ({field.name})") for field in schema.fields])
            for schema in SCHEMAS.values()]
        self.fields["recipes"].choices = [
            (code, f"{recipe.title} (schéma « {SCHEMAS[recipe.schema].title} »)"
             if recipe.schema in SCHEMAS else recipe.title) for code, recipe in RECIPES.items()]


class _Journaled:
    """Create and edit views writing the change in the journal."""

    action_label = ""

    def save_instance(self):
        instance = super().save_instance()
        services.log(self.request.user, JournalEntry.Action.AGREEMENT, instance.code, instance.code,
                     {"action": self.action_label, "statut": instance.status})
        return instance


class AgreementCreateView(_Journaled, ModelViewSet.add_view_class):
    action_label = "création"

    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()


class AgreementEditView(_Journaled, ModelViewSet.edit_view_class):
    action_label = "modification"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)  # sets self.object
        services.log_access(request.user, self.object, "gestion : formulaire de la convention")
        return response

    @property
    def header_buttons(self):
        buttons = [HeaderButton("Espace tiers de confiance",
                                url=reverse("partners:agreement", args=[self.object.code]),
                                icon_name="view")]
        if self.object.status == Agreement.Status.DRAFT:
            buttons.append(HeaderButton("Activer", url=reverse("partner_agreement_activate",
                                                               args=[self.object.pk]),
                                        icon_name="check"))
        return buttons


class AgreementViewSet(ModelViewSet):
    model = Agreement
    icon = "lock"
    menu_label = "Conventions"
    add_view_class = AgreementCreateView
    edit_view_class = AgreementEditView
    list_display = ["code", "title", "partner", Column("status", label="Statut",
                                                       accessor="get_status_display"),
                    DateColumn("starts_on", label="Début"),
                    DateColumn("ends_on", label="Fin de conservation")]
    list_filter = ["status", "partner"]
    search_fields = ["code", "title", "partner__name"]
    search_backend_name = None
    inspect_view_enabled = False
    edit_handler = ObjectList([
        FieldPanel("title"), FieldPanel("partner"), FieldPanel("legal_basis"), FieldPanel("purpose"),
        MultiFieldPanel([FieldPanel("schema"), FieldPanel("allowed_fields"), FieldPanel("recipes")],
                        heading="Données et résultats"),
        MultiFieldPanel([FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")])],
                        heading="Dates"),
        MultiFieldPanel([FieldPanel("threshold"),
                         FieldRowPanel([FieldPanel("dominance_n"), FieldPanel("dominance_k")]),
                         FieldPanel("p_percent"), FieldPanel("protection_percent")],
                        heading="Secret statistique"),
        InlinePanel("signatories", heading="Signataires", label="signataire",
                    panels=[FieldPanel("name"), FieldPanel("function"), FieldPanel("side"),
                            FieldPanel("signed_on")]),
        InlinePanel("territories", heading="Territoires couverts", label="territoire",
                    panels=[FieldPanel("level"), FieldPanel("code")]),
    ], base_form_class=AgreementForm)

    def get_queryset(self, request):
        return Agreement.objects.select_related("partner")


class AgreementActivateView(WagtailAdminTemplateMixin, TemplateView):
    """A draft becomes active once complete: its key is created and the partner may deposit."""

    page_title = "Activer la convention"
    header_icon = "lock"
    template_name = "partners/admin/activate.html"

    def dispatch(self, request, *args, **kwargs):
        if not services.is_centre_staff(request.user):
            raise PermissionDenied
        self.agreement = get_object_or_404(Agreement, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.agreement)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse("partner_agreements:index"), "label": "Conventions"},
                {"url": reverse("partner_agreements:edit", args=[self.agreement.pk]),
                 "label": self.agreement.code},
                {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "agreement": self.agreement,
                "problems": (self.agreement.activation_problems()
                             if self.agreement.status == Agreement.Status.DRAFT else [])}

    def post(self, request, *args, **kwargs):
        try:
            services.activate(self.agreement, request.user)
        except services.Refused as refusal:
            messages.error(request, str(refusal))
            return redirect("partner_agreement_activate", pk=self.agreement.pk)
        messages.success(request, f"Convention {self.agreement.code} activée : les membres de "
                                  f"{self.agreement.partner} peuvent déposer leurs fichiers.")
        return redirect("partner_agreements:edit", pk=self.agreement.pk)


class PartnersViewSetGroup(ViewSetGroup):
    """The agreements, then the partner space and its journal (the partner organisations are
    in « Comptes »)."""

    menu_label = "Tiers de confiance"
    menu_icon = "lock"
    menu_order = 560
    items = (AgreementViewSet("partner_agreements", url_prefix="tiers-de-confiance/conventions"),)

    def get_submenu_items(self):
        return [*super().get_submenu_items(),
                MenuItem("Dépôts et résultats", reverse("partners:index"), icon_name="table",
                         order=900),
                MenuItem("Journal", reverse("partners:journal"), icon_name="list-ul", order=910)]
