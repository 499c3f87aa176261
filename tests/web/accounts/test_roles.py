"""Roles as groups created idempotently; territories checked against the referential; the
French refusal page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.views.defaults import permission_denied
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
)

from quartiers.web.accounts.models import Role, TerritoryAssignment
from quartiers.web.accounts.services import ensure_roles

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_roles_are_created_once_and_completed_without_removing_anything():
    assert ensure_roles() == ("Rôles : Équipe du centre, Chef·fe de projet, Membre d'un "
                              "partenaire (3 créés).")
    staff = Group.objects.get(name=Role.STAFF)
    given_by_hand = staff.permissions.model.objects.get(codename="add_group")
    staff.permissions.add(given_by_hand)
    counts = (staff.permissions.count(), GroupPagePermission.objects.count(),
              GroupCollectionPermission.objects.count())
    assert ensure_roles() == ("Rôles déjà en place : Équipe du centre, Chef·fe de projet, "
                              "Membre d'un partenaire.")
    assert Group.objects.filter(name__in=list(Role)).count() == 3
    assert (staff.permissions.count(), GroupPagePermission.objects.count(),
            GroupCollectionPermission.objects.count()) == counts
    assert staff.permissions.filter(codename="add_group").exists()


def test_staff_edit_publish_and_moderate_everything_the_others_nothing():
    ensure_roles()
    staff = UserFactory(roles=[Role.STAFF])
    lead = UserFactory(roles=[Role.PROJECT_LEAD])
    partner = UserFactory(roles=[Role.PARTNER_MEMBER])
    assert staff.has_perm("wagtailadmin.access_admin")
    for codename in ("accounts.add_user", "accounts.change_territoryassignment",
                     "accounts.delete_partnerorganisation", "site.change_centreidentity",
                     "site.add_legalpage", "wagtailredirects.add_redirect"):
        assert staff.has_perm(codename), codename
    root = Page.get_first_root_node()
    assert set(GroupPagePermission.objects.filter(group__name=Role.STAFF, page=root)
               .values_list("permission__codename", flat=True)) == {
        "add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page",
        "unlock_page"}
    assert root.permissions_for_user(staff).can_publish_subpage()
    collection_codenames = set(GroupCollectionPermission.objects.filter(
        group__name=Role.STAFF, collection=Collection.get_first_root_node())
        .values_list("permission__codename", flat=True))
    assert {"add_image", "change_image", "choose_image", "add_document",
            "change_document", "choose_document"} <= collection_codenames
    assert all(task.groups.filter(name=Role.STAFF).exists()
               for task in GroupApprovalTask.objects.all())
    for other in (lead, partner):
        assert not other.get_all_permissions()
        assert not other.has_perm("wagtailadmin.access_admin")


@pytest.mark.parametrize(("level", "code"), [("epci", "243500139"), ("commune", "35238"),
                                              ("commune", " 2a004 ")])
def test_a_territory_of_the_referential_is_accepted(level, code):
    assignment = TerritoryAssignment(user=UserFactory(), level=level, code=code)
    assignment.full_clean()
    assert assignment.code == code.strip().upper()


def test_an_unknown_territory_is_refused_with_close_matches():
    assignment = TerritoryAssignment(user=UserFactory(), level="epci", code="24350013")
    with pytest.raises(ValidationError) as refused:
        assignment.full_clean()
    [message] = refused.value.message_dict["code"]
    assert message.startswith("code inconnu pour le niveau « EPCI (intercommunalité) » : "
                              "« 24350013 » ; peut-être : Rennes Métropole (243500139)")


def test_a_commune_code_given_as_epci_is_refused():
    with pytest.raises(ValidationError, match="code inconnu pour le niveau « EPCI"):
        TerritoryAssignment(user=UserFactory(), level="epci", code="35238").full_clean()


def test_a_territory_is_assigned_once_per_account():
    user = UserFactory()
    TerritoryAssignment.objects.create(user=user, level="commune", code="35238")
    with pytest.raises(ValidationError, match="existe déjà"):
        TerritoryAssignment(user=user, level="commune", code="35238").full_clean()


def test_a_refusal_is_said_in_french():
    request = RequestFactory().get("/reserve/")
    request.user = UserFactory(email="cheffe@exemple.test")
    response = permission_denied(request, PermissionDenied("Cette page est réservée : "
                                                           "Équipe du centre."))
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in page and "Cette page est réservée : Équipe du centre." in page
    assert "(cheffe@exemple.test)" in page
