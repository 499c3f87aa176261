"""A new password by e-mail, through a real SMTP server: the message is in French, its link
is built on the configured address of the site, and the request never tells whether the address
has an account."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from .factories import UserFactory

pytestmark = pytest.mark.django_db

RESET = "/comptes/mot-de-passe/oubli/"
NEW_PASSWORD = "une toute nouvelle phrase de passe"


def test_reset_by_email_then_log_in(client, settings, smtp_server, run_tasks):
    settings.QUARTIERS = settings.QUARTIERS.with_options(site_url="https://quartiers.exemple.test")
    UserFactory(email="camille.martin@exemple.test")
    response = client.post(RESET, {"email": "Camille.Martin@exemple.test"})
    assert response.status_code == 302
    assert response["Location"] == "/comptes/mot-de-passe/oubli/envoye/"
    assert "Si un compte existe pour cette adresse" in client.get(response["Location"]).text
    assert not smtp_server.messages  # written and sent by the worker
    run_tasks()

    [(recipients, message)] = smtp_server.messages
    assert recipients == ["camille.martin@exemple.test"]
    assert message["Subject"] == "Choisir un nouveau mot de passe"
    body = message.get_content()
    assert "Un nouveau mot de passe a été demandé pour le compte camille.martin@exemple.test" \
        in body
    assert "Si vous n'avez rien demandé, ignorez ce message" in body
    [link] = re.findall(r"https?://\S+", body.split("ouvrez ce lien")[1])
    assert link.startswith("https://quartiers.exemple.test/comptes/mot-de-passe/nouveau/")

    form = client.get(urlsplit(link).path, follow=True)
    assert "Choisissez le nouveau mot de passe de votre compte." in form.text
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD,
                                                    "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/comptes/mot-de-passe/nouveau/termine/"
    assert client.post("/comptes/connexion/", {"username": "camille.martin@exemple.test",
                                               "password": NEW_PASSWORD}).status_code == 302
    assert "_auth_user_id" in client.session

    used = client.get(urlsplit(link).path, follow=True)  # a link serves once
    assert "Ce lien n'est plus valable" in used.text


def test_an_unknown_address_gets_the_same_answer_and_no_message(client, smtp_server, run_tasks):
    UserFactory(email="camille.martin@exemple.test")
    known = client.post(RESET, {"email": "camille.martin@exemple.test"})
    unknown = client.post(RESET, {"email": "personne@exemple.test"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    run_tasks()
    assert [recipients for recipients, _ in smtp_server.messages] == [
        ["camille.martin@exemple.test"]]


def test_a_weak_new_password_is_refused_in_french(client, smtp_server, run_tasks):
    UserFactory(email="camille.martin@exemple.test")
    client.post(RESET, {"email": "camille.martin@exemple.test"})
    run_tasks()
    body = smtp_server.messages[0][1].get_content()
    [link] = re.findall(r"https?://\S+", body.split("ouvrez ce lien")[1])
    form = client.get(urlsplit(link).path, follow=True)
    refused = client.post(form.redirect_chain[-1][0], {"new_password1": "azerty",
                                                       "new_password2": "azerty"})
    assert refused.status_code == 200
    assert "Ce mot de passe est trop court" in refused.text
