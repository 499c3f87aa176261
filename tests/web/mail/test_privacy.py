"""A person's messages in the outbox: exported on request, deleted on erasure, and only theirs."""

from __future__ import annotations

import json
from importlib import import_module

import pytest
from django.apps import apps
from django.core.mail import EmailMessage

from quartiers.web.contacts.services import person_for
from quartiers.web.mail import services
from quartiers.web.mail.models import OutgoingMessage

from .test_delivery import _letter

pytestmark = pytest.mark.django_db


def test_declared_for_the_person_requests():
    assert apps.get_app_config("mail").personal_data == "quartiers.web.mail.privacy"
    assert set(apps.get_app_config("mail").scheduled_tasks) == {
        "relancer les courriels", "purger les courriels envoyés"}


def test_a_person_messages_exported_then_erased():
    privacy = import_module(apps.get_app_config("mail").personal_data)
    person = person_for("Camille.Martin@exemple.test", "Camille", "Martin")
    services.queue([_letter("Camille.Martin@exemple.test")], category="inscription")
    services.queue([EmailMessage("Lettre", "Texte", None, [to]) for to in (
        "camille.martin@exemple.test", "acamille.martin@exemple.test",
        "camille.martin@exemple.test.autre")], category="lettre:2")
    services.queue([EmailMessage("Réunion", "Texte", None,
                                 ["x@exemple.test", "camille.martin@exemple.test",
                                  "y@exemple.test"])], category="courriel")

    exported = privacy.export_person(person)
    json.dumps(exported)
    messages = exported["courriels"]
    assert [m["catégorie"] for m in messages] == ["inscription", "lettre:2", "courriel"]
    assert messages[0]["pièces jointes"] == ["programme.pdf", "journee.ics"]
    assert "Votre inscription est enregistrée." in messages[0]["texte"]
    assert messages[0]["état"] == "retenu (aucun serveur d'envoi configuré)"

    privacy.erase_person(person)
    assert sorted(OutgoingMessage.objects.values_list("to", flat=True)) == [
        "acamille.martin@exemple.test", "camille.martin@exemple.test.autre"]
