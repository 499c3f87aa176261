"""Accounts made by hand for the tests (no real person)."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from quartiers.web.accounts.models import PartnerOrganisation, Role, TerritoryAssignment, User

PASSWORD = "un mot de passe de test solide"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Essai{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(user, create, roles, **_):
        """``UserFactory(roles=[Role.STAFF])``: the groups must exist (``ensure_roles``)."""
        if roles:
            user.groups.add(*Group.objects.filter(name__in=roles))
        user.save()


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation

    name = factory.Sequence(lambda n: f"Organisme d'essai {n}")
    kind = PartnerOrganisation.Kind.SOCIAL_LANDLORD


class TerritoryAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritoryAssignment

    user = factory.SubFactory(UserFactory, roles=[Role.PROJECT_LEAD])
    level = "epci"
    code = "243500139"  # Rennes Métropole
