from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "quartiers.web.site"
    verbose_name = "Site du centre de ressources"
