"""The Labo in the back office (/gestion/): the calls as snippets (criteria and documents
inline), and the way to the staff's review pages under /labo/equipe/."""

from django.urls import reverse
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Call


class CallEditView(SnippetViewSet.edit_view_class):
    @property
    def header_buttons(self):
        return [*super().header_buttons,
                HeaderButton("Candidatures et notation",
                             url=reverse("labo:staff_call", args=[self.object.slug]),
                             icon_name="group"),
                HeaderButton("Page publique", url=self.object.get_absolute_url(),
                             icon_name="view")]


class CallViewSet(SnippetViewSet):
    model = Call
    icon = "doc-full"
    menu_label = "Appels à candidatures"
    edit_view_class = CallEditView
    list_display = ["title", Column("status", label="Statut", accessor="get_status_display"),
                    Column("phase", label="Phase", accessor="phase_label"),
                    Column("deadline", label="Date limite", accessor="deadline_label")]
    list_filter = ["status"]
    search_fields = ["title", "summary"]


class LaboGroup(SnippetViewSetGroup):
    menu_label = "Labo Quartiers en Transition"
    menu_icon = "site"
    menu_order = 580
    items = (CallViewSet,)

    def get_submenu_items(self):
        return [*super().get_submenu_items(),
                MenuItem("Candidatures et feuilles de route", reverse("labo:staff_index"),
                         icon_name="group", order=900)]


register_snippet(LaboGroup)
