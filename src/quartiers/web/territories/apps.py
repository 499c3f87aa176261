from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "quartiers.web.territories"
    verbose_name = "Territoires et fiches"
