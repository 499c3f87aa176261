"""The letters in the back office: the lists (snippets), the subscriptions (read-only: they
change by the subscribers' own links), and the sending screen of each issue, reached by a
button on the issue's page."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets.button import HeaderButton, ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ..accounts.services import is_centre_staff
from .admin_views import IssueSendingView
from .models import NewsletterIssuePage, NewsletterList, Subscription


@hooks.register("register_admin_urls")
def register_sending_urls():
    return [path("lettres/numero/<int:pk>/", IssueSendingView.as_view(),
                 name="newsletters_sending")]


def _sending_button(page, user, cls, **kwargs):
    if isinstance(page.specific_deferred, NewsletterIssuePage) and is_centre_staff(user):
        yield cls("Envoi de la lettre", reverse("newsletters_sending", args=[page.pk]),
                  icon_name="mail", priority=40, **kwargs)


@hooks.register("register_page_header_buttons")
def sending_header_button(page, user, view_name, next_url=None):
    yield from _sending_button(page, user, HeaderButton)


@hooks.register("register_page_listing_buttons")
def sending_listing_button(page, user, next_url=None):
    yield from _sending_button(page, user, ListingButton)


class NewsletterListViewSet(SnippetViewSet):
    model = NewsletterList
    icon = "mail"
    menu_label = "Listes"
    list_display = ["name", "rhythm", "active"]


class ReadOnly(ModelPermissionPolicy):
    """Subscriptions change only by their holders' links (the consent goes with them)."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and self.user_has_permission(user, "view")


class SubscriptionViewSet(SnippetViewSet):
    model = Subscription
    permission_policy = ReadOnly(Subscription)
    icon = "user"
    menu_label = "Abonnements"
    list_display = ["person", "newsletter", "status", "confirmed_at", "unsubscribed_at"]
    list_filter = ["newsletter", "status"]
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Subscription.objects.select_related("person", "newsletter")


class NewslettersGroup(SnippetViewSetGroup):
    menu_label = "Lettres d'information"
    menu_icon = "mail"
    menu_order = 230
    items = (NewsletterListViewSet, SubscriptionViewSet)


register_snippet(NewslettersGroup)
