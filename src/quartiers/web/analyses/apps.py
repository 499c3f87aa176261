from django.apps import AppConfig


class AnalysesConfig(AppConfig):
    name = "quartiers.web.analyses"
    label = "analyses"
    verbose_name = "Analyses"
