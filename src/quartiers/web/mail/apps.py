from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "quartiers.web.mail"
    label = "mail"
    verbose_name = "Courriels"
