"""Django's e-mail backend for the whole platform: ``send_mail`` and ``EmailMessage.send()``
store the message in the outbox, in the caller's transaction, and enqueue its delivery.

A category names where messages come from: ``get_connection(category="inscription")`` passed
as ``connection=``; « courriel » otherwise.
"""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from . import services


class OutboxBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, category: str = "courriel", **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.category = category

    def send_messages(self, email_messages) -> int:
        messages = [message for message in email_messages if message.recipients()]
        if not messages:
            return 0
        try:
            with transaction.atomic():
                ids = services.queue(messages, category=self.category)
                if services.configured():
                    services.deliver_later(ids)
        except Exception:
            if self.fail_silently:
                return 0
            raise
        return len(ids)
