"""« Veille » in the back office (/gestion/): the items to sort (the queue), every item, the
sources and the keyword rules, as snippets. The letters choose published items only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .forms import PressItemForm
from .models import FeedSource, KeywordRule, PressItem
from .tasks import fetch_source


class PublishedChooserViewSet(SnippetChooserViewSet):
    """A letter offers only what the centre published."""

    def get_object_list(self):
        return (PressItem.objects.filter(status=PressItem.Status.PUBLISHED)
                .select_related("source").order_by("-published_on"))


class FromFeedsOnly(ModelPermissionPolicy):
    """Items come from the sources' feeds: staff sort them, never type one in."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class PressItemViewSet(SnippetViewSet):
    model = PressItem
    permission_policy = FromFeedsOnly(PressItem)
    icon = "doc-full"
    menu_label = "Articles"
    add_to_admin_menu = False
    list_display = ["title", "source", "published_at", "status", "decision"]
    list_filter = ["status", "source", "themes"]
    search_fields = ["title", "summary", "comment"]
    chooser_viewset_class = PublishedChooserViewSet
    edit_handler = ObjectList([
        MultiFieldPanel([FieldPanel("source", read_only=True), FieldPanel("title", read_only=True),
                         FieldPanel("link", read_only=True), FieldPanel("published_at", read_only=True),
                         FieldPanel("summary", read_only=True), FieldPanel("decision", read_only=True)],
                        heading="Article reçu"),
        FieldPanel("status", widget=forms.RadioSelect, heading="Décision"),
        FieldPanel("comment"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        InlinePanel("territories", heading="Territoires", label="territoire",
                    panels=[FieldPanel("level"), FieldPanel("code")]),
    ], base_form_class=PressItemForm)

    def get_queryset(self, request):
        return PressItem.objects.select_related("source")


class FeedSourceViewSet(SnippetViewSet):
    model = FeedSource
    icon = "link"
    menu_label = "Sources"
    list_display = ["name", "feed_url", "active", "fetched_at", "status", "items_count"]
    list_filter = ["active"]
    search_fields = ["name", "feed_url"]
    panels = [FieldPanel("name"), FieldPanel("feed_url"), FieldPanel("site_url"),
              FieldPanel("active"),
              MultiFieldPanel([FieldPanel("fetched_at", read_only=True),
                               FieldPanel("status", read_only=True),
                               FieldPanel("items_count", read_only=True)],
                              heading="Dernier relevé")]


class KeywordRuleViewSet(SnippetViewSet):
    model = KeywordRule
    icon = "filter"
    menu_label = "Règles de mots-clés"
    list_display = ["__str__", "action", "source", "active"]
    list_filter = ["action", "source", "active"]
    search_fields = ["words"]
    panels = [FieldPanel("action", widget=forms.RadioSelect), FieldPanel("words"),
              FieldPanel("source"), FieldPanel("active")]


class QueueMenuItem(MenuItem):
    """« À trier »: the items list filtered on the items waiting for a decision."""

    def is_shown(self, request):
        return PressItem.snippet_viewset.permission_policy.user_has_permission(
            request.user, "change")


class PresswatchGroup(SnippetViewSetGroup):
    menu_label = "Veille"
    menu_icon = "openquote"
    menu_order = 240
    items = (PressItemViewSet, FeedSourceViewSet, KeywordRuleViewSet)

    def get_submenu_items(self):
        queue = QueueMenuItem(
            "Articles à trier",
            reverse(PressItem.snippet_viewset.get_url_name("list")) + "?status=a-trier",
            icon_name="tasks", order=0)
        return [queue, *super().get_submenu_items()]


register_snippet(PresswatchGroup)


@hooks.register("after_create_snippet")
def fetch_a_new_source(request, instance):
    """A source added is fetched at once in the background: its status tells soon whether the
    address is a feed, without waiting for the hourly fetch."""
    if isinstance(instance, FeedSource) and instance.active:
        fetch_source.enqueue(instance.pk)
        messages.info(request, f"« {instance.name} » sera relevée dans un instant : son état "
                               "s'affichera dans la liste des sources.")
