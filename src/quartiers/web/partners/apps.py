from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "quartiers.web.partners"
    label = "partners"
    verbose_name = "Tiers de confiance"
