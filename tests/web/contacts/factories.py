"""People and organisations made by hand for the tests (« Personne d'essai », exemple.test)."""

from __future__ import annotations

import factory

from quartiers.web.contacts.models import Membership, Network, Organisation, Person


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation d'essai {n}")
    kind = Organisation.Kind.ASSOCIATION


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = "Personne"
    last_name = factory.Sequence(lambda n: f"d'essai {n}")
    email = factory.Sequence(lambda n: f"personne.essai{n}@exemple.test")
    function = "Fonction d'essai"


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Réseau d'essai {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    network = factory.SubFactory(NetworkFactory)
    role = "membre"
