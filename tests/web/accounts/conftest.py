"""The roles in place, and a real SMTP server for the messages the accounts send."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from quartiers.web.accounts.services import ensure_roles

from ...address_server import free_port


@pytest.fixture
def roles(db):
    ensure_roles()


class _Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """An aiosmtpd server on a free port of this machine; Django sends its mail there."""
    from aiosmtpd.controller import Controller

    port = free_port()
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    yield inbox
    controller.stop()
