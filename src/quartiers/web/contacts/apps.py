from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "quartiers.web.contacts"
    label = "contacts"
    verbose_name = "Réseaux et contacts"
