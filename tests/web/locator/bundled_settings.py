"""The platform's settings with, as bundled content, one function of the tests: what
``quartiers init`` loads when it runs as a process in tests/web/test_worker.py."""

from quartiers.web.settings import *  # noqa: F403

QUARTIERS_BUNDLED_CONTENT = ["tests.web.locator.bundled_settings.sample_content"]


def sample_content() -> str:
    """Idempotent as the real ones: creates its group once, then says it is there."""
    from django.contrib.auth.models import Group

    created = Group.objects.get_or_create(name="Groupe d'essai de quartiers init")[1]
    return "Contenu d'essai : " + ("créé." if created else "déjà en place.")
