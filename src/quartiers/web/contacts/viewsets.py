"""« Réseaux et contacts » in the back office (/gestion/): people, organisations and networks
as snippets (their revisions give « Historique » and comparisons), the import, the erasures.
A person's page (the inspect view) shows memberships, consents, activity, and leads to the
export and the erasure of their data."""

from __future__ import annotations

import django_filters
from django.db.models import Count
from django.urls import reverse
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import InspectView
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import privacy
from .forms import PersonForm
from .models import Network, Organisation, OrganisationTerritory, Person


class PersonFilterSet(WagtailFilterSet):
    network = django_filters.ModelChoiceFilter(
        label="Réseau", field_name="memberships__network", queryset=Network.objects.all(),
        distinct=True)
    kind = django_filters.ChoiceFilter(label="Type d'organisation",
                                       field_name="organisation__kind",
                                       choices=Organisation.Kind.choices)
    territory = django_filters.CharFilter(
        label="Territoire (code)", method="on_territory",
        help_text="Code d'un territoire où travaille l'organisation : 35238, 243500139, "
                  "QN03504M…")

    class Meta:
        model = Person
        fields = ["network", "kind", "territory"]

    def on_territory(self, queryset, name, value):
        return queryset.filter(organisation__territories__code=value.strip().upper()).distinct()


class PersonInspectView(InspectView):
    """A person's page: what contacts holds, and their activity elsewhere as each app's
    privacy module reports it (how many registrations, subscriptions, messages…)."""

    def get_context_data(self, **kwargs):
        elsewhere = []
        for holder in privacy.holders():
            for key, value in holder.module.export_person(self.object).items():
                elsewhere.append((holder.name, key,
                                  len(value) if isinstance(value, list | dict) else value))
        return {**super().get_context_data(**kwargs), "elsewhere": elsewhere}


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = "Personnes"
    list_display = ["__str__", "email", "function", "organisation",
                    DateColumn("last_activity_at", label="Dernière activité", sort_key="last_activity_at"),
                    DateColumn("_updated_at", label="Fiche modifiée", sort_key="_updated_at")]
    filterset_class = PersonFilterSet
    search_fields = ["first_name", "last_name", "email", "function", "organisation__name"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_class = PersonInspectView
    inspect_template_name = "contacts/admin/person.html"
    edit_handler = ObjectList([
        FieldPanel("first_name"), FieldPanel("last_name"), FieldPanel("not_a_duplicate"),
        FieldPanel("email"), FieldPanel("function"), FieldPanel("organisation"),
        InlinePanel("memberships", heading="Réseaux", label="appartenance",
                    panels=[FieldPanel("network"), FieldPanel("role"), FieldPanel("since")]),
    ], base_form_class=PersonForm)

    def get_queryset(self, request):
        return Person.objects.select_related("organisation")


class OrganisationFilterSet(WagtailFilterSet):
    level = django_filters.ChoiceFilter(label="Niveau de territoire",
                                        field_name="territories__level", distinct=True,
                                        choices=OrganisationTerritory._meta.get_field(
                                            "level").choices)
    territory = django_filters.CharFilter(label="Territoire (code)",
                                          method="on_territory")

    class Meta:
        model = Organisation
        fields = ["kind", "level", "territory"]

    def on_territory(self, queryset, name, value):
        return queryset.filter(territories__code=value.strip().upper()).distinct()


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    list_display = ["name", "kind", Column("people_count", label="Personnes"),
                    DateColumn("_updated_at", label="Modifiée", sort_key="_updated_at")]
    filterset_class = OrganisationFilterSet
    search_fields = ["name"]
    search_backend_name = None
    panels = [FieldPanel("name"), FieldPanel("kind"),
              MultiFieldPanel([InlinePanel("territories", label="territoire",
                                           panels=[FieldPanel("level"), FieldPanel("code")])],
                              heading="Territoires où elle travaille")]

    def get_queryset(self, request):
        return Organisation.objects.annotate(people_count=Count("people"))


class NetworkViewSet(SnippetViewSet):
    model = Network
    icon = "site"
    menu_label = "Réseaux"
    list_display = ["name", "public", Column("members_count", label="Membres")]
    search_fields = ["name", "public", "description"]
    search_backend_name = None

    def get_queryset(self, request):
        return Network.objects.annotate(members_count=Count("memberships"))


class _PermittedItem(MenuItem):
    def __init__(self, label, url_name, permission, icon, order):
        super().__init__(label, reverse(url_name), icon_name=icon, order=order)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class ContactsGroup(SnippetViewSetGroup):
    menu_label = "Réseaux et contacts"
    menu_icon = "group"
    menu_order = 250
    items = (PersonViewSet, OrganisationViewSet, NetworkViewSet)

    def get_submenu_items(self):
        return [*super().get_submenu_items(),
                _PermittedItem("Importer des contacts", "contacts_import",
                               "contacts.add_person", "upload", 900),
                _PermittedItem("Effacements", "contacts_erasures", "contacts.delete_person",
                               "bin", 910)]
