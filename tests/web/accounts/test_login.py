"""Log in with the e-mail address, log out, « Mon espace »."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from quartiers.web.accounts.models import PartnerOrganisation, Role

from .factories import PASSWORD, PartnerOrganisationFactory, TerritoryAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"


def test_login_by_email_whatever_its_case_leads_to_my_space(client, roles):
    UserFactory(email="camille.martin@exemple.test")
    response = client.post(LOGIN, {"username": "Camille.Martin@Exemple.TEST",
                                   "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/comptes/espace/"
    assert "Mon espace" in client.get("/comptes/espace/").text


def test_wrong_password_is_told_in_french_without_telling_whether_the_account_exists(client):
    UserFactory(email="camille.martin@exemple.test")
    wrong = client.post(LOGIN, {"username": "camille.martin@exemple.test",
                                "password": "pas le bon"})
    unknown = client.post(LOGIN, {"username": "personne@exemple.test", "password": PASSWORD})
    message = ("Adresse électronique ou mot de passe incorrect. Vérifiez-les, ou demandez un "
               "nouveau mot de passe.")
    assert wrong.status_code == unknown.status_code == 200
    assert message in wrong.text and message in unknown.text
    assert "_auth_user_id" not in client.session


def test_an_inactive_account_cannot_log_in(client):
    UserFactory(email="ancien@exemple.test", is_active=False)
    response = client.post(LOGIN, {"username": "ancien@exemple.test", "password": PASSWORD})
    # the same words as a wrong password: nothing says the account exists
    assert ("Adresse électronique ou mot de passe incorrect. Vérifiez-les, ou demandez un "
            "nouveau mot de passe.") in response.text.replace("&#x27;", "'")
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client):
    client.force_login(UserFactory())
    assert client.get("/comptes/deconnexion/").status_code == 405  # a link cannot log out
    response = client.post("/comptes/deconnexion/")
    assert response.status_code == 302 and response["Location"] == "/"
    # no session cookie left: the next pages come from the build's cache, as for anyone
    assert response.cookies["sessionid"]["max-age"] == 0
    assert client.get("/comptes/espace/").status_code == 302


def test_my_space_says_who_i_am_my_roles_and_my_territories(client, roles):
    assignment = TerritoryAssignmentFactory(user__email="cheffe@exemple.test",
                                            user__first_name="Dominique",
                                            user__last_name="Essai")
    TerritoryAssignmentFactory(user=assignment.user, level="commune", code="35238")
    client.force_login(assignment.user)
    page = client.get("/comptes/espace/").text
    assert "Dominique Essai" in page and "cheffe@exemple.test" in page
    assert Role.PROJECT_LEAD in page
    assert 'href="/territoires/epci/243500139/">Rennes Métropole</a>' in page
    assert 'href="/territoires/commune/35238/">Rennes</a>' in page
    assert "/gestion/" not in page  # no back office for a chef·fe de projet
    assert 'action="/comptes/deconnexion/"' in page
    # the contracts Rennes Métropole signed: where the framework is built
    assert 'href="/contrats/CN03501I/"' in page and 'href="/contrats/CV116/"' in page
    assert 'href="/contrats/CN03501I/cadre/"' in page
    assert 'href="/contrats/CV116/cadre/"' not in page


def test_my_space_for_staff_leads_to_the_back_office(client, roles):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    page = client.get("/comptes/espace/").text
    assert f'href="{reverse("wagtailadmin_home")}"' in page
    assert "Aucun territoire n'est rattaché à ce compte." in page


def test_my_space_names_the_partner_organisation(client, roles):
    organisation = PartnerOrganisationFactory(name="Habitat d'essai",
                                              kind=PartnerOrganisation.Kind.SOCIAL_LANDLORD)
    client.force_login(UserFactory(roles=[Role.PARTNER_MEMBER],
                                   partner_organisation=organisation))
    page = client.get("/comptes/espace/").text
    assert "Habitat d&#x27;essai (Bailleur social)" in page
    assert Role.PARTNER_MEMBER.replace("'", "&#x27;") in page


def test_the_header_offers_to_log_in_or_my_space_whatever_the_cache_kept(client):
    """Pages of the build are kept for everyone without a session: a signed-in visit never
    fills that cache, and never reads from it."""
    signed_in = Client()
    signed_in.force_login(UserFactory())
    for _ in range(2):
        page = signed_in.get("/donnees/").text
        assert ">Mon espace</a>" in page and "Se connecter" not in page
        page = client.get("/donnees/").text
        assert 'href="/comptes/connexion/">Se connecter</a>' in page and "Mon espace" not in page


def test_someone_logged_in_whom_a_page_refused_is_told_so(client, roles):
    client.force_login(UserFactory(email="cheffe@exemple.test", roles=[Role.PROJECT_LEAD]))
    response = client.get("/gestion/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/comptes/connexion/?next=/gestion/")
    assert "cheffe@exemple.test" in response.text
    assert "n'a pas accès à la page demandée" in response.text


def test_logging_out_of_the_back_office_leads_to_our_login(client, roles):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    response = client.post(reverse("wagtailadmin_logout"))
    assert response.status_code == 302 and response["Location"] == "/comptes/connexion/"
    assert "Vous avez été déconnecté" in client.get(response["Location"]).text
