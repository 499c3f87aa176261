from datetime import timedelta

from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "quartiers.web.partners"
    label = "partners"
    verbose_name = "Tiers de confiance"
    scheduled_tasks = {
        "tiers de confiance : effacement des données des conventions échues":
            ("quartiers.web.partners.tasks.purge_expired_agreements", timedelta(days=1)),
    }
