from datetime import timedelta

from django.apps import AppConfig


class LocatorConfig(AppConfig):
    name = "quartiers.web.locator"
    verbose_name = "Localisation QPV de fichiers"
    # uploads are personal data: deleted when they expire even if nobody uploads again
    scheduled_tasks = {"supprimer les fichiers localisés expirés":
                       ("quartiers.web.locator.jobs.purge_expired", timedelta(hours=1))}
