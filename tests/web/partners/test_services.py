"""The workflow's rules: who sees and deposits what, duplicates and bad files refused with nothing
stored, every action (the staff's included) in the journal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from quartiers.web.partners import services
from quartiers.web.partners.models import Agreement, Deposit, JournalEntry, Output

from .factories import AgreementFactory, partner_member

FIXTURES = Path(__file__).parent / "fixtures"
POSTS = (FIXTURES / "postes_fichier_essai.csv").read_bytes()


def _deposit(agreement, member, name="postes_fichier_essai.csv", content=POSTS):
    return services.deposit(agreement, member, name, content)


@pytest.mark.django_db
def test_each_partner_sees_its_own_agreements_in_force(agreement, member, staff_user):
    other = services.activate(AgreementFactory(signed=True), staff_user)
    other_member = partner_member(other.partner)
    draft = AgreementFactory(partner=agreement.partner)

    assert set(services.visible_agreements(staff_user)) == {agreement, other, draft}
    assert list(services.visible_agreements(member)) == [agreement]
    assert list(services.visible_agreements(other_member)) == [other]
    assert not services.visible_agreements(AnonymousUser()).exists()
    assert not services.visible_agreements(partner_member(None)).exists()
    assert services.can_deposit(member, agreement)
    assert not services.can_deposit(other_member, agreement)
    assert not services.can_deposit(staff_user, agreement)
    public = services.activate(AgreementFactory(
        signed=True, legal_basis=Agreement.LegalBasis.PUBLIC_DATA), staff_user)
    assert services.can_deposit(staff_user, public)  # public data: the staff deposit them


@pytest.mark.django_db
def test_a_deposit_is_stored_pseudonymised_and_journaled(agreement, member):
    deposit = _deposit(agreement, member)
    assert deposit.status == Deposit.Status.ACCEPTED and deposit.rows == 24
    assert deposit.report["accepted"] and deposit.size == len(POSTS)
    store = services.agreement_store(agreement)
    assert store.deposits() == {str(deposit.id): 24}
    with store.connect() as con:
        tiers = {row[0] for row in con.execute("SELECT code_tiers FROM depot.rows").fetchall()}
    assert not any(value.startswith("TIERS-ESSAI") for value in tiers)  # pseudonymised
    entry = JournalEntry.objects.filter(action=JournalEntry.Action.DEPOSIT).get()
    assert entry.actor == member.email and entry.object_ref == str(deposit.id)
    assert entry.details["lignes"] == 24
    assert b"TIERS-ESSAI" not in store.path.read_bytes()  # the store is encrypted


@pytest.mark.django_db
def test_a_duplicate_or_bad_file_is_refused_with_nothing_stored(agreement, member):
    first = _deposit(agreement, member)
    again = _deposit(agreement, member, name="copie.csv")
    assert again.status == Deposit.Status.REFUSED and again.rows == 0
    assert "déjà été déposé" in again.report["errors"][0]["message"]

    bad = _deposit(agreement, member, "postes_colonne_inconnue_fichier_essai.csv",
                   (FIXTURES / "postes_colonne_inconnue_fichier_essai.csv").read_bytes())
    assert bad.status == Deposit.Status.REFUSED and bad.report["error_count"] >= 1
    assert "salaire_personne" in " ".join(error["message"] for error in bad.report["errors"])
    assert services.agreement_store(agreement).deposits() == {str(first.id): 24}
    assert JournalEntry.objects.filter(action=JournalEntry.Action.DEPOSIT).count() == 3


@pytest.mark.django_db
def test_no_deposit_from_another_partner_nor_under_an_expired_agreement(agreement, member,
                                                                        staff_user):
    with pytest.raises(services.NotAllowed):
        _deposit(agreement, partner_member(AgreementFactory().partner))
    with pytest.raises(services.NotAllowed):
        _deposit(agreement, staff_user)
    Agreement.objects.filter(pk=agreement.pk).update(ends_on=timezone.localdate())
    agreement.refresh_from_db()
    with pytest.raises(services.Refused, match="n'est pas en vigueur"):
        _deposit(agreement, member)
    assert not Deposit.objects.exists()


@pytest.mark.django_db
def test_activation_is_checked_and_staff_only(staff_user):
    draft = AgreementFactory(allowed_fields=["montant", "inconnu"], recipes=["flux"])
    with pytest.raises(services.NotAllowed):
        services.activate(draft, partner_member(draft.partner))
    with pytest.raises(services.Refused) as refusal:
        services.activate(draft, staff_user)
    message = str(refusal.value)
    assert "inconnu" in message and "flux" in message and "signataire côté partenaire" in message
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.DRAFT and not services.key_ring().exists(draft.code)


@pytest.mark.django_db
def test_staff_actions_and_accesses_are_journaled(agreement, staff_user, member):
    services.log_access(staff_user, agreement, "page de la convention")
    actions = list(JournalEntry.objects.values_list("actor", "action"))
    assert actions == [(staff_user.email, "agreement"), (staff_user.email, "key"),
                       (staff_user.email, "access")]
    assert services.verify_journal().ok


@pytest.mark.django_db
def test_outputs_computed_reviewed_released_by_staff_only(agreement, member, staff_user,
                                                          run_tasks, partners_dirs):
    _deposit(agreement, member)
    with pytest.raises(services.NotAllowed):
        services.request_output(agreement, "postes", member)
    with pytest.raises(services.Refused, match="n'est pas prévue"):
        services.request_output(agreement, "flux", staff_user)
    output = services.request_output(agreement, "postes", staff_user)
    run_tasks()
    output.refresh_from_db()
    assert output.status == Output.Status.TO_REVIEW, output.error
    assert output.audit_ok is True and output.result
    assert not services.visible_outputs(member, agreement).exists()  # not yet released

    with pytest.raises(services.Refused, match="relue"):
        services.release(output, staff_user)
    with pytest.raises(services.NotAllowed):
        services.review(output, member, True)
    services.review(output, staff_user, True, "Relu : les cases masquées sont bien protégées.")
    services.release(output, staff_user)
    assert list(services.visible_outputs(member, agreement)) == [output]
    assert list((partners_dirs.imports_dir).rglob("*")), "nothing written for the next build"
    services.withdraw(output, staff_user, "essai")
    assert not services.visible_outputs(member, agreement).exists()
    steps = [entry.action for entry in JournalEntry.objects.filter(agreement_code=agreement.code)]
    assert steps[-5:] == ["computation", "computation", "review", "release", "release"]
    # a second version of the same table would give by difference what changed in between
    second = services.request_output(agreement, "postes", staff_user)
    run_tasks()
    second.refresh_from_db()
    services.review(second, staff_user, True, "Relu.")
    with pytest.raises(services.Refused, match="déjà été publiée"):
        services.release(second, staff_user)


@pytest.mark.django_db
def test_a_failed_audit_cannot_be_accepted_nor_released(agreement, staff_user):
    output = Output.objects.create(agreement=agreement, recipe="postes", requested_by=staff_user,
                                   status=Output.Status.TO_REVIEW, audit_ok=False, result={})
    with pytest.raises(services.Refused, match="audit"):
        services.review(output, staff_user, True)
    with pytest.raises(services.Refused, match="audit"):
        services.release(output, staff_user)
    services.review(output, staff_user, False, "L'audit a trouvé une divulgation.")
    assert output.status == Output.Status.REFUSED


@pytest.mark.django_db
def test_retention_deletes_store_and_keys_with_a_certificate(agreement, member, partners_dirs):
    deposit = _deposit(agreement, member)
    result = {"rows": [{"value": 1}], "audit": {"ok": True, "resume": "r", "cellules": [{}]}}
    released = Output.objects.create(agreement=agreement, recipe="postes", result=result,
                                     status=Output.Status.RELEASED, audit_ok=True)
    unreleased = Output.objects.create(agreement=agreement, recipe="postes", result=result,
                                       status=Output.Status.TO_REVIEW, audit_ok=True)
    store_path = services.agreement_store(agreement).path
    keys = list(partners_dirs.partners_keys.iterdir())
    assert store_path.exists() and keys

    assert services.delete_expired(agreement.ends_on - timedelta(days=1)) == []
    [certificate] = services.delete_expired(agreement.ends_on)
    assert not store_path.exists() and not list(partners_dirs.partners_keys.iterdir())
    facts = certificate.facts
    assert facts["fichiers effacés"]["existed"] and facts["fichiers effacés"]["rows"] == 24
    assert facts["fichiers effacés"]["bytes"] > 0
    assert facts["dépôts effacés"] == 1 and facts["lignes effacées"] == 24
    assert facts["clés détruites"] is True
    assert facts["résultats de sorties non publiées effacés"] == 1
    assert facts["sorties publiées conservées"] == 1
    released.refresh_from_db()
    unreleased.refresh_from_db()
    assert unreleased.result is None  # derived from the deleted rows
    assert released.result == {"rows": [{"value": 1}], "audit": {"ok": True, "resume": "r"}}
    last = JournalEntry.objects.order_by("-seq").first()
    assert last.action == "deletion" and certificate.journal_hash == last.hash
    agreement.refresh_from_db()
    deposit.refresh_from_db()
    assert agreement.status == Agreement.Status.EXPIRED and agreement.data_deleted_at
    assert deposit.deleted_at is not None
    assert services.delete_expired(agreement.ends_on) == []  # once only
    with pytest.raises(services.Refused):
        _deposit(agreement, member)
    assert list(services.visible_agreements(member)) == [agreement]  # the partner still reads it
