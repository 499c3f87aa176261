from datetime import timedelta

from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "quartiers.web.newsletters"
    label = "newsletters"
    verbose_name = "Lettres d'information"
    personal_data = "quartiers.web.newsletters.privacy"
    # requests never confirmed are personal data kept for nothing once their link has expired
    scheduled_tasks = {"effacer les demandes d'abonnement non confirmées":
                       ("quartiers.web.newsletters.tasks.purge_pending", timedelta(hours=6))}

    def ready(self):
        from ..mail.models import OutgoingMessage
        from ..mail.signals import permanent_failure

        permanent_failure.connect(_mark_failed, sender=OutgoingMessage,
                                  dispatch_uid="newsletters.mark_failed")


def _mark_failed(sender, message, address, **kwargs):
    """An address refused for good: no letter is sent to it any more."""
    from .services import mark_failed

    mark_failed(address)
