"""Staff manage accounts in the back office: Wagtail's account screens with our e-mail-only
accounts, roles, partner organisations and territories."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from quartiers.web.accounts.models import Role, TerritoryAssignment, User

from .factories import PASSWORD, PartnerOrganisationFactory, TerritoryAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_ACCOUNT = "/gestion/users/new/"



def test_the_back_office_uses_our_account_screens():
    assert apps.get_app_config("wagtailusers").user_viewset == (
        "quartiers.web.accounts.viewsets.AccountViewSet"), (
        "INSTALLED_APPS must list « quartiers.web.accounts.apps.WagtailUsersConfig » in place "
        "of « wagtail.users »")


def _account(**fields) -> dict:
    return {"email": "nouvelle.personne@exemple.test", "first_name": "Alex",
            "last_name": "Essai", "password1": PASSWORD, "password2": PASSWORD, **fields}


def test_staff_create_a_partner_member_who_must_have_an_organisation(staff_client):
    partner = Group.objects.get(name=Role.PARTNER_MEMBER)
    form = staff_client.get(ADD_ACCOUNT).text
    assert 'name="partner_organisation"' in form
    assert 'name="is_superuser"' not in form  # administrators only
    refused = staff_client.post(ADD_ACCOUNT, _account(groups=[partner.pk]))
    assert refused.status_code == 200
    assert "Un membre d&#x27;un partenaire doit être rattaché à son organisme partenaire" \
        in refused.text
    organisation = PartnerOrganisationFactory()
    created = staff_client.post(ADD_ACCOUNT, _account(
        groups=[partner.pk], partner_organisation=organisation.pk, is_superuser="on"))
    assert created.status_code == 302
    account = User.objects.get(email="nouvelle.personne@exemple.test")
    assert account.roles == [Role.PARTNER_MEMBER] and account.partner_organisation == organisation
    assert not account.is_superuser  # the box was not offered: its value is ignored


def test_an_administrator_may_make_administrators(client, roles):
    client.force_login(UserFactory(is_superuser=True))
    assert 'name="is_superuser"' in client.get(ADD_ACCOUNT).text
    client.post(ADD_ACCOUNT, _account(is_superuser="on"))
    assert User.objects.get(email="nouvelle.personne@exemple.test").is_superuser


def test_staff_cannot_edit_an_administrator(staff_client):
    administrator = UserFactory(is_superuser=True)
    response = staff_client.get(reverse("wagtailusers_users:edit", args=[administrator.pk]))
    assert response.status_code == 302 and response["Location"] == "/gestion/"
    staff_client.post(reverse("wagtailusers_users:edit", args=[administrator.pk]), {
        "email": "pris@exemple.test", "first_name": "x", "last_name": "y",
        "password1": "une autre phrase de passe", "password2": "une autre phrase de passe",
        "is_active": "on"})
    administrator.refresh_from_db()
    assert administrator.email != "pris@exemple.test"
    assert administrator.check_password(PASSWORD)


def test_an_account_page_lists_its_territories_and_links_to_add_one(staff_client):
    assignment = TerritoryAssignmentFactory()
    page = staff_client.get(reverse("wagtailusers_users:edit", args=[assignment.user.pk])).text
    assert "EPCI (intercommunalité) 243500139" in page
    add = reverse("territory_assignments:add") + f"?compte={assignment.user.pk}"
    assert add.replace("&", "&amp;") in page
    form = staff_client.get(add).text
    assert f'<option value="{assignment.user.pk}" selected>' in form


def test_staff_assign_territories_checked_against_the_referential(staff_client):
    lead = UserFactory(roles=[Role.PROJECT_LEAD])
    refused = staff_client.post(reverse("territory_assignments:add"),
                                {"user": lead.pk, "level": "commune", "code": "3523"})
    assert refused.status_code == 200
    assert "code inconnu pour le niveau « Commune » : « 3523 » ; peut-être :" in refused.text
    assert not TerritoryAssignment.objects.exists()
    accepted = staff_client.post(reverse("territory_assignments:add"),
                                 {"user": lead.pk, "level": "commune", "code": "35238"})
    assert accepted.status_code == 302
    assert list(lead.territory_assignments.values_list("level", "code")) == [
        ("commune", "35238")]
    assert "35238" in staff_client.get(reverse("territory_assignments:index")).text


def test_staff_manage_partner_organisations(staff_client):
    created = staff_client.post(reverse("partner_organisations:add"),
                                {"name": "Caisse d'essai", "kind": "caf"})
    assert created.status_code == 302
    listing = staff_client.get(reverse("partner_organisations:index")).text
    assert "Caisse d&#x27;essai" in listing
