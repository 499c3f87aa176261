"""A person's data exported and erased on request, across every app that declares
``personal_data`` (whichever exist), with a record of the erasure that names no one."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, Revision

from quartiers.web.contacts import privacy
from quartiers.web.contacts.models import Consent, Erasure, Membership, Person
from quartiers.web.contacts.services import record_consent

from .factories import MembershipFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    person = PersonFactory(first_name="Personne", last_name="d'Essai Effacée",
                           email="effacee@exemple.test",
                           organisation=OrganisationFactory(name="Association d'essai"))
    MembershipFactory(person=person, role="animatrice")
    record_consent(person, purpose="lettre:essai", text="Texte d'essai accepté.",
                   text_version="2026-1", method="formulaire + confirmation", source="/essai/")
    log(instance=person, action="wagtail.create")
    person.save_revision(log_action=True)
    return person


class _Recorder:
    """A privacy module of an app made up for the test: what it was asked."""

    def __init__(self, fail=False):
        self.calls, self.fail = [], fail

    def export_person(self, person):
        return {"inscriptions d'essai": [person.email]}

    def erase_person(self, person):
        assert Person.objects.filter(pk=person.pk).exists()  # the person still exists
        self.calls.append(person.pk)
        if self.fail:
            raise RuntimeError("échec d'essai")


def _only(monkeypatch, *modules):
    monkeypatch.setattr(privacy, "holders", lambda: [
        privacy.Holder(f"essai{n}", f"Application d'essai {n}", module)
        for n, module in enumerate(modules)])


def test_every_declared_app_is_a_holder():
    from django.apps import apps

    declared = {c.label for c in apps.get_app_configs() if getattr(c, "personal_data", None)}
    assert {holder.label for holder in privacy.holders()} == declared
    for holder in privacy.holders():
        assert callable(holder.module.export_person) and callable(holder.module.erase_person)


def test_the_export_gathers_contacts_and_every_app(person, monkeypatch):
    _only(monkeypatch, _Recorder())
    data = privacy.export_everything(person)
    json.dumps(data)  # serialisable as it is
    own = data["personne"]
    assert own["adresse électronique"] == "effacee@exemple.test"
    assert own["organisation"]["nom"] == "Association d'essai"
    assert own["réseaux"][0]["rôle"] == "animatrice"
    assert own["consentements"][0]["version"] == "2026-1"
    assert len(own["historique de la fiche"]) == 2
    assert data["applications"] == {"Application d'essai 0": {
        "inscriptions d'essai": ["effacee@exemple.test"]}}


def test_the_collector_works_without_any_other_app(person, monkeypatch):
    _only(monkeypatch)
    assert privacy.export_everything(person)["applications"] == {}
    erasure = privacy.erase_everywhere(person, reason=Erasure.Reason.REQUEST)
    assert erasure.apps == ["contacts"]
    assert not Person.objects.exists()


def test_the_export_and_erasure_run_through_the_apps_of_the_platform(person):
    data = privacy.export_everything(person)
    assert set(data["applications"]) == {h.name for h in privacy.holders()}
    json.dumps(data)
    erasure = privacy.erase_everywhere(person, reason=Erasure.Reason.REQUEST)
    assert erasure.apps == [*(h.label for h in privacy.holders()), "contacts"]
    assert not Person.objects.exists()


def test_erasure_removes_the_person_their_consents_memberships_and_history(person, staff_user,
                                                                          monkeypatch):
    recorder = _Recorder()
    _only(monkeypatch, recorder)
    pk = person.pk
    assert Revision.objects.filter(object_id=str(pk)).exists()
    erasure = privacy.erase_everywhere(person, reason=Erasure.Reason.REQUEST, by=staff_user)
    assert recorder.calls == [pk]
    assert not Person.objects.exists()
    assert not Consent.objects.exists() and not Membership.objects.exists()
    assert not Revision.objects.filter(object_id=str(pk),
                                       content_type__app_label="contacts").exists()
    assert not ModelLogEntry.objects.filter(object_id=str(pk),
                                            content_type__model="person").exists()
    assert (erasure.by, erasure.reason, erasure.apps) == (
        staff_user, Erasure.Reason.REQUEST, ["essai0", "contacts"])
    kept = json.dumps([erasure.apps, str(erasure), erasure.reason])
    assert "exemple.test" not in kept and "Essai" not in kept


def test_an_app_failing_leaves_everything_as_it_was(person, monkeypatch):
    _only(monkeypatch, _Recorder(fail=True))
    with pytest.raises(RuntimeError):
        privacy.erase_everywhere(person, reason=Erasure.Reason.REQUEST)
    assert Person.objects.filter(pk=person.pk).exists()
    assert Consent.objects.exists() and not Erasure.objects.exists()


def test_the_command_line_exports_then_erases(person, tmp_path, capsys, monkeypatch):
    from quartiers.cli import main

    monkeypatch.setattr("quartiers.cli.contacts.start_django", lambda args: None)  # set up
    _only(monkeypatch, SimpleNamespace(export_person=lambda p: {"essai": True},
                                       erase_person=lambda p: None))
    out = tmp_path / "donnees.json"
    assert main(["contacts", "exporter", "Effacee@exemple.test", "--sortie", str(out)]) == 0
    assert json.loads(out.read_text())["personne"]["nom"] == "d'Essai Effacée"
    assert main(["contacts", "exporter", "inconnue@exemple.test"]) == 1
    assert "aucune personne n'a l'adresse « inconnue@exemple.test »" in capsys.readouterr().err
    monkeypatch.setattr("builtins.input", lambda prompt: "non")
    assert main(["contacts", "effacer", "effacee@exemple.test"]) == 1
    assert Person.objects.exists()
    assert main(["contacts", "effacer", "effacee@exemple.test", "--oui"]) == 0
    assert not Person.objects.exists()
    assert "Effacée de : essai0, contacts." in capsys.readouterr().err
