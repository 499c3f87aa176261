from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "quartiers.web.api"
    verbose_name = "API ouverte"
