"""« Réseaux et contacts » in the back office: reserved to the centre's staff on every view
(export, erasure and import included); lists with search and filters; a person's page; the
duplicates refused or warned at entry; the history of changes; export and erasure on request."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from quartiers.web.accounts.models import Role
from quartiers.web.contacts.models import Erasure, Organisation, OrganisationTerritory, Person
from quartiers.web.contacts.services import record_consent

from ..accounts.factories import UserFactory
from .factories import MembershipFactory, NetworkFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

MANAGEMENT = {"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
              "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"}


@pytest.fixture
def person():
    organisation = OrganisationFactory(name="Collectivité d'essai",
                                       kind=Organisation.Kind.LOCAL_AUTHORITY)
    OrganisationTerritory.objects.create(organisation=organisation, level="epci",
                                         code="243500139")
    person = PersonFactory(first_name="Personne", last_name="d'Essai Fiche",
                           email="fiche@exemple.test", organisation=organisation)
    MembershipFactory(person=person, network=NetworkFactory(name="Médiateurs santé"),
                      role="animatrice")
    record_consent(person, purpose="lettre:essai", text="Texte d'essai.", text_version="v3",
                   method="formulaire", source="/essai/")
    return person


def _views(person) -> list[str]:
    return [reverse("wagtailsnippets_contacts_person:list"),
            reverse("wagtailsnippets_contacts_person:add"),
            reverse("wagtailsnippets_contacts_person:inspect", args=[person.pk]),
            reverse("wagtailsnippets_contacts_person:edit", args=[person.pk]),
            reverse("wagtailsnippets_contacts_person:history", args=[person.pk]),
            reverse("wagtailsnippets_contacts_person:delete", args=[person.pk]),
            reverse("wagtailsnippets_contacts_organisation:list"),
            reverse("wagtailsnippets_contacts_network:list"),
            reverse("contacts_import"), reverse("contacts_erasures"),
            reverse("contacts_export", args=[person.pk]),
            reverse("contacts_erase", args=[person.pk])]


@pytest.mark.parametrize("who", ["anonyme", Role.PROJECT_LEAD, Role.PARTNER_MEMBER])
def test_every_view_refuses_anonymous_and_non_staff_people(client, staff_user, person, who):
    if who != "anonyme":
        client.force_login(UserFactory(roles=[who]))
    for path in _views(person):
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, (path, method)
            assert response["Location"].startswith("/comptes/connexion/?next="), path
    assert Person.objects.filter(pk=person.pk).exists() and not Erasure.objects.exists()


def test_a_staff_member_without_the_permissions_on_people_is_refused(client, person):
    from quartiers.web.accounts.services import ensure_roles

    ensure_roles()
    user = UserFactory(roles=[Role.STAFF])
    user.groups.get().permissions.remove(*user.groups.get().permissions.filter(
        content_type__app_label="contacts"))
    client.force_login(user)
    for path in (reverse("contacts_export", args=[person.pk]),
                 reverse("contacts_erase", args=[person.pk]), reverse("contacts_import")):
        response = client.post(path)  # Wagtail sends them back home with a message
        assert (response.status_code, response["Location"]) == (302, "/gestion/"), path
    assert Person.objects.filter(pk=person.pk).exists()


def test_the_menu_and_every_view_open_to_staff(staff_client, person):
    home = staff_client.get("/gestion/").content.decode()  # the menu is JSON for its script
    assert "R\\u00e9seaux et contacts" in home and "/gestion/contacts/importer/" in home
    for path in _views(person)[:-1]:
        assert staff_client.get(path, follow=True).status_code == 200, path


def test_the_list_searches_and_filters(staff_client, person):
    other = PersonFactory(first_name="Autre", last_name="d'Essai", email="autre@exemple.test",
                          organisation=OrganisationFactory(kind=Organisation.Kind.COMPANY))
    url = reverse("wagtailsnippets_contacts_person:list")

    def listed(**params) -> set[str]:
        text = staff_client.get(url, params).content.decode()
        return {email for email in (person.email, other.email) if email in text}

    assert listed() == {person.email, other.email}
    assert listed(q="fiche") == {person.email}
    assert listed(network=person.memberships.get().network.pk) == {person.email}
    assert listed(kind=Organisation.Kind.COMPANY) == {other.email}
    assert listed(territory="243500139") == {person.email}
    assert listed(territory=" 243500139 ") == {person.email}
    organisations = staff_client.get(reverse("wagtailsnippets_contacts_organisation:list"),
                                     {"territory": "243500139"}).content.decode()
    assert "Collectivité d&#x27;essai" in organisations


def test_the_person_page_shows_memberships_consents_and_activity(staff_client, person,
                                                                 monkeypatch):
    from types import SimpleNamespace

    from quartiers.web.contacts import privacy

    module = SimpleNamespace(export_person=lambda p: {"inscriptions d'essai": [1, 2, 3]})
    monkeypatch.setattr(privacy, "holders", lambda: [
        privacy.Holder("essai", "Application d'essai", module)])
    text = staff_client.get(reverse("wagtailsnippets_contacts_person:inspect",
                                    args=[person.pk])).content.decode()
    for expected in ("fiche@exemple.test", "Collectivité d&#x27;essai", "EPCI", "243500139",
                     "Médiateurs santé", "animatrice", "lettre:essai", "v3",
                     "Dernière activité", "Exporter ses données", "Effacer ses données",
                     "Rennes Métropole", "Application d&#x27;essai",
                     "<td>Inscriptions d&#x27;essai</td><td>3</td>"):
        assert expected in text, expected


def _create(client, **fields):
    data = {"first_name": "", "last_name": "", "email": "", "function": "",
            "organisation": "", **MANAGEMENT, **fields}
    return client.post(reverse("wagtailsnippets_contacts_person:add"), data)


def test_an_address_already_known_is_refused(staff_client, person):
    response = _create(staff_client, first_name="Autre", last_name="d'Essai",
                       email="FICHE@exemple.test")
    assert response.status_code == 200
    assert "Une personne a déjà cette adresse électronique." in response.content.decode()
    assert Person.objects.count() == 1


def test_the_same_name_in_the_same_organisation_is_warned_with_a_link(staff_client, person):
    fields = {"first_name": "personne", "last_name": "D’ESSAI-FICHE",
              "email": "autre.adresse@exemple.test", "organisation": person.organisation.pk}
    warned = _create(staff_client, **fields)
    assert warned.status_code == 200
    link = reverse("wagtailsnippets_contacts_person:inspect", args=[person.pk])
    assert f'<a href="{link}">Personne d&#x27;Essai Fiche</a>' in warned.content.decode()
    assert Person.objects.count() == 1
    confirmed = _create(staff_client, not_a_duplicate="on", **fields)
    assert confirmed.status_code == 302
    assert Person.objects.count() == 2


def test_changes_are_kept_in_the_history(staff_client, person):
    edit = reverse("wagtailsnippets_contacts_person:edit", args=[person.pk])
    response = staff_client.post(edit, {
        "first_name": "Personne", "last_name": "d'Essai Fiche", "email": "fiche@exemple.test",
        "function": "Nouvelle fonction d'essai", "organisation": person.organisation.pk,
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": person.memberships.get().pk,
        "memberships-0-network": person.memberships.get().network.pk,
        "memberships-0-role": "coordinatrice", "memberships-0-since": "",
        "memberships-0-ORDER": "0", "memberships-0-DELETE": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert person.function == "Nouvelle fonction d'essai"
    assert person.memberships.get().role == "coordinatrice"
    assert person.revisions.count() == 1
    history = staff_client.get(reverse("wagtailsnippets_contacts_person:history",
                                       args=[person.pk])).content.decode()
    assert "Camille" in history  # who (the staff member's name)
    assert "Modifié" in history  # what
    compare = reverse("wagtailsnippets_contacts_person:revisions_compare",
                      args=[person.pk, "earliest", person.revisions.get().pk])
    assert staff_client.get(compare).status_code == 200


def test_an_organisation_territory_is_checked_in_the_form(staff_client):
    response = staff_client.post(reverse("wagtailsnippets_contacts_organisation:add"), {
        "name": "Collectivité d'essai", "kind": "collectivite",
        "territories-TOTAL_FORMS": "1", "territories-INITIAL_FORMS": "0",
        "territories-MIN_NUM_FORMS": "0", "territories-MAX_NUM_FORMS": "1000",
        "territories-0-level": "epci", "territories-0-code": "243500138",
        "territories-0-ORDER": "0", "territories-0-DELETE": ""})
    assert response.status_code == 200
    assert "Rennes Métropole (243500139)" in response.content.decode()
    assert not Organisation.objects.exists()


def test_deleting_a_person_leads_to_the_erasure(staff_client, person):
    response = staff_client.post(reverse("wagtailsnippets_contacts_person:delete",
                                         args=[person.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts_erase", args=[person.pk])
    assert Person.objects.filter(pk=person.pk).exists()


def test_export_then_erase_on_request(staff_client, staff_user, person):
    export = reverse("contacts_export", args=[person.pk])
    assert "Télécharger ses données" in staff_client.get(export).content.decode()
    response = staff_client.post(export)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert f"donnees-personne-{person.pk}.json" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["personne"]["adresse électronique"] == "fiche@exemple.test"
    assert "applications" in data and "exporté le" in data

    erase = reverse("contacts_erase", args=[person.pk])
    assert "Oui, effacer définitivement" in staff_client.get(erase).content.decode()
    response = staff_client.post(erase)
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    erasure = Erasure.objects.get()
    assert (erasure.by, erasure.reason) == (staff_user, Erasure.Reason.REQUEST)
    listing = staff_client.get(reverse("contacts_erasures")).content.decode()
    assert "À la demande de la personne" in listing and "fiche@exemple.test" not in listing


def test_bulk_deletion_of_people_is_refused(staff_client, person):
    other = PersonFactory()
    url = reverse("wagtail_bulk_action", args=["contacts", "person", "delete"])
    response = staff_client.post(f"{url}?id={person.pk}&id={other.pk}", {"next": "/gestion/"})
    assert response["Location"] == reverse("wagtailsnippets_contacts_person:list")
    assert Person.objects.count() == 2
