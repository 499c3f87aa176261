"""« Priorités nationales » in the back office (/gestion/): the staff edit the keywords that
tag the contracts' documents (tagged again in the background after each change)."""

from __future__ import annotations

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Priority


class PriorityViewSet(SnippetViewSet):
    model = Priority
    icon = "tag"
    menu_label = "Priorités nationales (contrats de ville)"
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["name", "slug", "order"]
    search_fields = ["name", "keywords"]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"),
              FieldPanel("keywords"), FieldPanel("order")]
