"""The programme in the staff back office (/gestion/): programmes, pôles, axes and actions, and
the shared taxonomy, as snippets (actions keep their revisions: history and comparison)."""

from django import forms
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Action, Axis, Pole, Programme, Public, Theme


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "doc-full"
    menu_label = "Programmes"
    list_display = ["title", "year", "source_name", "imported_at"]
    search_fields = ["title"]
    panels = [FieldPanel("year"), FieldPanel("title"), FieldPanel("intro"),
              MultiFieldPanel([FieldPanel("source_name", read_only=True),
                               FieldPanel("source_sha256", read_only=True),
                               FieldPanel("imported_at", read_only=True)],
                              heading="Provenance")]


class PoleViewSet(SnippetViewSet):
    model = Pole
    icon = "folder-open-inverse"
    menu_label = "Pôles"
    list_display = ["name", "programme", "order"]
    list_filter = ["programme"]
    search_fields = ["name"]


class AxisViewSet(SnippetViewSet):
    model = Axis
    icon = "list-ul"
    menu_label = "Axes"
    list_display = ["name", "pole", "order"]
    list_filter = ["pole__programme"]
    search_fields = ["name", "intro"]


class ActionViewSet(SnippetViewSet):
    model = Action
    icon = "date"
    menu_label = "Actions"
    list_display = ["title", "axis", "format", "date_start", "place"]
    list_filter = ["axis__pole__programme", "format", "themes", "publics"]
    search_fields = ["title", "description", "place"]
    panels = [
        FieldPanel("axis"), FieldPanel("title"), FieldPanel("heading"),
        FieldPanel("description"), FieldPanel("format"),
        FieldRowPanel([FieldPanel("date_start"), FieldPanel("date_end"),
                       FieldPanel("date_precision")], heading="Dates"),
        FieldPanel("place"), FieldPanel("partners"),
        FieldPanel("publics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        InlinePanel("territories", heading="Territoires concernés", label="territoire",
                    panels=[FieldPanel("level"), FieldPanel("code")]),
        FieldPanel("order"),
    ]


class VocabularyViewSet(SnippetViewSet):
    """Themes and publics: named entries found in the texts by their keywords."""

    list_display = ["name", "slug"]
    search_fields = ["name", "keywords"]


class ThemeViewSet(VocabularyViewSet):
    model = Theme
    icon = "tag"
    menu_label = "Thèmes"


class PublicViewSet(VocabularyViewSet):
    model = Public
    icon = "group"
    menu_label = "Publics"


class ProgrammeGroup(SnippetViewSetGroup):
    menu_label = "Programme d'actions"
    menu_icon = "list-ul"
    menu_order = 200
    items = (ProgrammeViewSet, PoleViewSet, AxisViewSet, ActionViewSet, ThemeViewSet,
             PublicViewSet)


register_snippet(ProgrammeGroup)
