from datetime import timedelta

from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "quartiers.web.mail"
    label = "mail"
    verbose_name = "Courriels"
    personal_data = "quartiers.web.mail.privacy"
    scheduled_tasks = {
        "relancer les courriels": ("quartiers.web.mail.tasks.retry_due", timedelta(minutes=1)),
        "purger les courriels envoyés": ("quartiers.web.mail.tasks.purge_sent",
                                         timedelta(days=1)),
    }
