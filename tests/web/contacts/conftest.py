"""Contacts' tests: the staff role with the permissions on contacts, made by hand people."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from quartiers.web.accounts.models import Role
from quartiers.web.accounts.services import ensure_roles

from ..accounts.factories import UserFactory


@pytest.fixture
def staff_user(db):
    """A member of the centre's staff (not a superuser, who would skip permissions). The role
    gets the contacts' permissions here until ``ensure_roles`` gives them (« contacts » in its
    STAFF_APPS)."""
    ensure_roles()
    Group.objects.get(name=Role.STAFF).permissions.add(
        *Permission.objects.filter(content_type__app_label="contacts"))
    return UserFactory(email="equipe@exemple.test", roles=[Role.STAFF])


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
