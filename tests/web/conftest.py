"""Point the web at the session warehouse built from the real bundled data, with a page cache
of its own."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from quartiers.web.core.warehouse import get_store

from ..address_server import free_port


@pytest.fixture(scope="session")
def pages_cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pages")


@pytest.fixture(autouse=True)
def _web_warehouse(settings, warehouse_path, pages_cache_dir):
    settings.QUARTIERS = settings.QUARTIERS.with_options(warehouse=warehouse_path)
    settings.CACHES = {**settings.CACHES, "pages": {**settings.CACHES["pages"],
                                                     "LOCATION": str(pages_cache_dir)}}
    get_store.cache_clear()
    yield
    get_store.cache_clear()


@pytest.fixture
def run_tasks(db, monkeypatch):
    """Run the background tasks waiting in the database, as `quartiers worker` does, then
    return; the tests of a page that enqueues work call it where a worker would have run.
    The test's transaction holds the connection: the worker must not close it (PostgreSQL)."""
    from django.core.management import call_command

    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections",
                        lambda: None)

    def run():
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    return run


class _Inbox:
    """What the SMTP server received, as parsed messages; ``url``: its EMAIL_URL."""

    def __init__(self):
        self.messages = []
        self.url = ""

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


def use_email_url(settings, url: str) -> None:
    """The e-mail settings as ``EMAIL_URL=url`` gives them at start-up (the test runner puts
    Django's in-memory backend in place of the outbox)."""
    from quartiers.config import email_server

    server = email_server(url)
    settings.EMAIL_BACKEND = "quartiers.web.mail.backend.OutboxBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server["email_host"], server["email_port"]
    settings.EMAIL_HOST_USER = server["email_user"]
    settings.EMAIL_HOST_PASSWORD = server["email_password"]
    settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL = server["email_tls"], server["email_ssl"]
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp_server(settings):
    """An aiosmtpd server on a free port of this machine, named by EMAIL_URL: what the platform
    sends reaches it once the worker ran (``run_tasks()``)."""
    from aiosmtpd.controller import Controller

    port = free_port()
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"
    use_email_url(settings, inbox.url)
    yield inbox
    controller.stop()


@pytest.fixture
def staff_user(db):
    """A member of the centre's staff with that role's permissions (given by ``ensure_roles``;
    not a superuser, who would skip them)."""
    from quartiers.web.accounts.models import Role
    from quartiers.web.accounts.services import ensure_roles

    from .accounts.factories import UserFactory

    ensure_roles()
    return UserFactory(email="equipe@exemple.test", roles=[Role.STAFF])


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
