from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "quartiers.web.programme"
    verbose_name = "Programme d'actions"
