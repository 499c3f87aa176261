from django.apps import AppConfig


class LocatorConfig(AppConfig):
    name = "quartiers.web.locator"
    verbose_name = "Localisation QPV de fichiers"
