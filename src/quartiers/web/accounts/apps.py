from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "quartiers.web.accounts"
    verbose_name = "Comptes et rôles"
