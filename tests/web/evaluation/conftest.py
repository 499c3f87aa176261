"""Roles in place, and accounts made by hand for the tests (no real person)."""

from __future__ import annotations

import pytest

from quartiers.web.accounts.models import Role
from quartiers.web.accounts.services import ensure_roles

from ..accounts.factories import TerritoryAssignmentFactory, UserFactory

RENNES = "CN03501I"  # Rennes Métropole's 2024-2030 contract (EPCI 243500139)


@pytest.fixture
def roles(db):
    ensure_roles()


@pytest.fixture
def staff(roles):
    return UserFactory(roles=[Role.STAFF])


@pytest.fixture
def rennes_lead(roles):
    """A chef·fe de projet attached to Rennes Métropole."""
    return TerritoryAssignmentFactory(level="epci", code="243500139").user


@pytest.fixture
def other_lead(roles):
    """A chef·fe de projet attached to Nantes Métropole: another contract's territory."""
    return TerritoryAssignmentFactory(level="epci", code="244400404").user
