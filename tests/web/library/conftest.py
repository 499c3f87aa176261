"""The library's tests: uploads in a temporary media folder, and a fresh content stamp around
each test (pages served from the build are cached under it: a resource published then rolled
back by one test must not show in the next one's cached profile)."""

from __future__ import annotations

import pytest

from quartiers.web.core.content import mark_changed


@pytest.fixture(autouse=True)
def _media_and_content_stamp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    mark_changed()
    yield
    mark_changed()


@pytest.fixture
def staff_client(client, django_user_model):
    """A client logged in as a member of the centre's staff (a superuser here: the roles' groups
    are the accounts app's)."""
    user = django_user_model.objects.create_superuser(email="equipe@example.org",
                                                      password="un mot de passe solide")
    client.force_login(user)
    return client
