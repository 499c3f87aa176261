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

    def ready(self):
        from wagtail.signals import page_published

        from .models import EventPage
        from .registration import on_published

        page_published.connect(on_published, sender=EventPage,
                               dispatch_uid="events.offer_freed_places")
