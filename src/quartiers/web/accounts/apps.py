from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "quartiers.web.accounts"
    verbose_name = "Comptes et rôles"
    default = True


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's accounts screens with our forms: listed in INSTALLED_APPS instead of
    « wagtail.users »."""

    user_viewset = "quartiers.web.accounts.viewsets.AccountViewSet"
