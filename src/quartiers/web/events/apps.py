from datetime import timedelta

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "quartiers.web.events"
    label = "events"
    verbose_name = "Événements et inscriptions"
    personal_data = "quartiers.web.events.privacy"
    scheduled_tasks = {
        "événements : places proposées non confirmées à temps":
            ("quartiers.web.events.tasks.expire_offers", timedelta(minutes=15)),
        "événements : rappels avant l'événement":
            ("quartiers.web.events.tasks.send_reminders", timedelta(hours=1)),
        "événements : effacement des besoins après l'événement":
            ("quartiers.web.events.tasks.delete_needs", timedelta(hours=6)),
    }
