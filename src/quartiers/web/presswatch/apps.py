from django.apps import AppConfig


class PresswatchConfig(AppConfig):
    name = "quartiers.web.presswatch"
    label = "presswatch"
    verbose_name = "Veille"
