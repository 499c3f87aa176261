from django.apps import AppConfig


class LaboConfig(AppConfig):
    name = "quartiers.web.labo"
    label = "labo"
    verbose_name = "Labo Quartiers en Transition"
