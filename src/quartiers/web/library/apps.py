from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "quartiers.web.library"
    verbose_name = "Centre de ressources documentaires"
