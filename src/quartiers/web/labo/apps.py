from datetime import timedelta

from django.apps import AppConfig


class LaboConfig(AppConfig):
    name = "quartiers.web.labo"
    label = "labo"
    verbose_name = "Labo Quartiers en Transition"
    personal_data = "quartiers.web.labo.privacy"
    scheduled_tasks = {
        "labo : effacement des brouillons et des contacts échus":
            ("quartiers.web.labo.tasks.purge_expired", timedelta(days=1)),
    }
