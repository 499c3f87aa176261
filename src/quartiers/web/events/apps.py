from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "quartiers.web.events"
    label = "events"
    verbose_name = "Événements et inscriptions"
