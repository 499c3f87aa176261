"""The events in the staff back office (/gestion/): webinar cycles as snippets, and from an
event's edit view the links to its registrations, check-in, PDFs and exports."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.widgets import PageListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import EventPage, WebinarCycle


class WebinarCycleViewSet(SnippetViewSet):
    model = WebinarCycle
    icon = "date"
    menu_label = "Cycles de webinaires"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "slug"]
    search_fields = ["title", "description"]


register_snippet(WebinarCycleViewSet)


class RegistrationsMenuItem(ActionMenuItem):
    """« Inscriptions et pointage » in the edit view's action menu of a saved event."""

    name = "action-registrations"
    label = "Inscriptions et pointage"
    icon_name = "group"

    def is_shown(self, context):
        page = context.get("page")
        return context.get("view") == "edit" and isinstance(page.specific, EventPage)

    def get_url(self, context):
        return reverse("events:registrations", args=[context["page"].pk])


@hooks.register("register_page_action_menu_item")
def registrations_menu_item():
    return RegistrationsMenuItem(order=60)


@hooks.register("register_page_header_buttons")
def registrations_header_button(page, user, view_name=None, next_url=None):
    if isinstance(page.specific_deferred, EventPage) and page.pk:
        yield PageListingButton("Inscriptions et pointage",
                                reverse("events:registrations", args=[page.pk]),
                                icon_name="group", priority=60)
