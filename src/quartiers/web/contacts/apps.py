from datetime import timedelta

from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "quartiers.web.contacts"
    label = "contacts"
    verbose_name = "Réseaux et contacts"
    scheduled_tasks = {
        "renouvellement des contacts": ("quartiers.web.contacts.tasks.renew_inactive_contacts",
                                        timedelta(days=1)),
    }
