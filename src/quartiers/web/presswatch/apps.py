from datetime import timedelta

from django.apps import AppConfig


class PresswatchConfig(AppConfig):
    name = "quartiers.web.presswatch"
    label = "presswatch"
    verbose_name = "Veille"
    scheduled_tasks = {
        "veille : relevé des flux des sources actives":
            ("quartiers.web.presswatch.tasks.fetch_all_sources", timedelta(hours=1)),
    }
