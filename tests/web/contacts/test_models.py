"""People, organisations, networks: normalised names, one person per address, territories
checked against the referential, the networks the centre animates."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from quartiers.web.contacts.models import Organisation, OrganisationTerritory, Person, normalised_name
from quartiers.web.contacts.services import (
    NETWORKS,
    load_bundled,
    person_for,
    record_consent,
    same_name_in_organisation,
    withdraw_consent,
)

from .factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("parts, expected", [
    (("Jean-Noël", "D'Ornée"), "jean noel d ornee"),
    (("  JEAN  ", "noël  d’ornée "), "jean noel d ornee"),
    (("Ève", "Le Bœuf"), "eve le boeuf"),
    (("", ""), ""),
])
def test_names_are_normalised_without_case_accents_or_separators(parts, expected):
    assert normalised_name(*parts) == expected


def test_a_person_is_saved_with_a_lowered_address_and_a_name_key():
    person = PersonFactory(first_name="Zoé", last_name="Essai-Dupré", email=" Zoe@Exemple.TEST ")
    person.refresh_from_db()
    assert person.email == "zoe@exemple.test"
    assert person.name_key == "zoe essai dupre"


def test_one_person_per_address():
    PersonFactory(email="unique@exemple.test")
    with pytest.raises(ValidationError) as error:
        Person(email="UNIQUE@exemple.test").full_clean()
    assert "déjà cette adresse" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(email="unique@exemple.test")
    Person.objects.create(email="")  # people without an address are not duplicates of each other
    Person.objects.create(email="")


def test_person_for_finds_the_person_whatever_the_case_and_fills_blanks():
    known = PersonFactory(email="camille@exemple.test", first_name="", last_name="Essai")
    found = person_for("Camille@Exemple.test", "Camille", "Autre")
    assert found.pk == known.pk
    assert (found.first_name, found.last_name) == ("Camille", "Essai")
    assert person_for("nouvelle@exemple.test").pk != known.pk


def test_person_for_survives_a_concurrent_creation(monkeypatch):
    PersonFactory(email="course@exemple.test")
    calls = []
    original = Person.objects.filter

    def first_lookup_misses(*args, **kwargs):  # as if another request created it meanwhile
        calls.append(kwargs)
        queryset = original(*args, **kwargs)
        return queryset.none() if len(calls) == 1 else queryset

    monkeypatch.setattr(Person.objects, "filter", first_lookup_misses)
    assert person_for("course@exemple.test").email == "course@exemple.test"
    assert Person.objects.count() == 1


def test_consents_are_recorded_and_withdrawn():
    person = PersonFactory()
    record_consent(person, purpose="lettre:essai", text="J'accepte (texte d'essai).",
                   text_version="1", method="formulaire", source="/essai/")
    assert withdraw_consent(person, "lettre:essai") == 1
    assert person.consents.get().withdrawn_at is not None


def test_same_name_in_the_same_organisation_is_spotted():
    organisation = OrganisationFactory()
    known = PersonFactory(first_name="Anne-Lise", last_name="Essai", organisation=organisation)
    assert same_name_in_organisation("anne lise", "ESSAI", organisation.pk) == known
    assert same_name_in_organisation("Anne-Lise", "Essai", None) is None
    assert same_name_in_organisation("Anne-Lise", "Essai", organisation.pk,
                                     exclude_pk=known.pk) is None


def test_an_organisation_territory_is_checked_against_the_referential():
    organisation = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY)
    OrganisationTerritory(organisation=organisation, level="epci", code="243500139").full_clean()
    with pytest.raises(ValidationError) as error:
        OrganisationTerritory(organisation=organisation, level="epci",
                              code="243500138").full_clean()
    assert "code inconnu" in str(error.value) and "Rennes Métropole" in str(error.value)


def test_the_networks_named_by_the_centre_are_loaded_once():
    assert "8 créés" in load_bundled()
    assert "0 créé" in load_bundled()
    from quartiers.web.contacts.models import Network

    assert Network.objects.count() == len(NETWORKS) == 8
    assert Network.objects.filter(name="Conseils citoyens de Nantes Métropole").exists()
