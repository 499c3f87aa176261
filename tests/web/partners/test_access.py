"""Who reaches what in the partner space, route by route: anonymous people go to the login page,
an account without the partner or staff role is refused, a partner never learns that another
partner's agreement, deposit or output exists (404), never sees an unreleased output nor a
draft, cannot deposit under an expired agreement nor read its deposits (its released outputs
stay readable: they are public), and what the staff read or decide is in the journal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quartiers.web.accounts.models import Role
from quartiers.web.accounts.services import ensure_roles
from quartiers.web.partners.models import (
    Agreement,
    DeletionCertificate,
    Deposit,
    JournalEntry,
    Output,
)

from ..accounts.factories import UserFactory
from .factories import AgreementFactory, partner_member

pytestmark = pytest.mark.django_db
LOGIN = "/comptes/connexion/?next="


def _deposit(agreement, user, status=Deposit.Status.REFUSED):
    return Deposit.objects.create(
        agreement=agreement, uploaded_by=user, filename="postes_fichier_essai.csv", size=10,
        sha256="0" * 64, status=status, report={
            "accepted": False, "rows": 0, "error_count": 1, "warnings": [], "located": {},
            "columns": [], "errors": [{"row": 2, "field": "montant",
                                       "message": "ligne 2, champ montant : nombre attendu"}]})


def _output(agreement, status):
    return Output.objects.create(agreement=agreement, recipe="postes", status=status,
                                 result={"tables": []}, audit_ok=True)


@pytest.fixture
def world():
    """Two partners, each an active agreement with a deposit and outputs; A also an expired
    agreement (data deleted, one released output) and a draft; staff; an account with no role."""
    ensure_roles()
    a = AgreementFactory(signed=True, status=Agreement.Status.ACTIVE)
    b = AgreementFactory(signed=True, status=Agreement.Status.ACTIVE)
    today = timezone.localdate()
    expired = AgreementFactory(partner=a.partner, signed=True, status=Agreement.Status.EXPIRED,
                               starts_on=today - timedelta(days=400),
                               ends_on=today - timedelta(days=10),
                               data_deleted_at=timezone.now() - timedelta(days=9))
    DeletionCertificate.objects.create(agreement=expired, deleted_at=expired.data_deleted_at,
                                       facts={"dépôts effacés": 1}, journal_hash="f" * 64)
    draft = AgreementFactory(partner=a.partner)
    member_a, member_b = partner_member(a.partner), partner_member(b.partner)
    return {
        "a": a, "b": b, "expired": expired, "draft": draft,
        "member_a": member_a, "member_b": member_b,
        "staff": UserFactory(roles=[Role.STAFF]), "nobody": UserFactory(),
        "deposit_a": _deposit(a, member_a), "deposit_b": _deposit(b, member_b),
        "deposit_expired": _deposit(expired, member_a, Deposit.Status.ACCEPTED),
        "review_a": _output(a, Output.Status.TO_REVIEW),
        "released_a": _output(a, Output.Status.RELEASED),
        "released_b": _output(b, Output.Status.RELEASED),
        "released_expired": _output(expired, Output.Status.RELEASED),
    }


def routes(w, agreement="b", deposit="deposit_b", output="released_b"):
    """(method, path) of every route of the partner space, on the objects named."""
    code = w[agreement].code
    base = "/tiers-de-confiance"
    return [
        ("get", f"{base}/"),
        ("get", f"{base}/conventions/{code}/"),
        ("get", f"{base}/conventions/{code}/resume.pdf"),
        ("get", f"{base}/conventions/{code}/certificat-suppression.pdf"),
        ("get", f"{base}/conventions/{code}/deposer/"),
        ("post", f"{base}/conventions/{code}/deposer/"),
        ("post", f"{base}/conventions/{code}/calculer/"),
        ("get", f"{base}/depots/{w[deposit].pk}/"),
        ("get", f"{base}/resultats/{w[output].pk}/"),
        ("post", f"{base}/resultats/{w[output].pk}/examen/"),
        ("post", f"{base}/resultats/{w[output].pk}/retrait/"),
        ("get", f"{base}/journal/"),
    ]


def test_anonymous_people_go_to_the_login_page(client, world):
    for method, path in routes(world):
        response = getattr(client, method)(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(LOGIN), path


def test_an_account_without_role_is_refused_in_french(client, world):
    client.force_login(world["nobody"])
    for method, path in routes(world):
        response = getattr(client, method)(path)
        assert response.status_code == 403, path
        assert "réservé" in response.content.decode(), path


def test_a_partner_never_learns_that_another_partners_objects_exist(client, world):
    client.force_login(world["member_a"])
    staff_routes = ("/calculer/", "/examen/", "/retrait/", "/journal/")
    for method, path in routes(world)[1:]:
        response = getattr(client, method)(path)
        expected = 403 if path.endswith(staff_routes) else 404
        assert response.status_code == expected, path
    index = client.get("/tiers-de-confiance/").content.decode()
    assert world["a"].code in index and world["b"].code not in index
    assert world["b"].title not in index


def test_a_partner_sees_neither_drafts_nor_unreleased_outputs(client, world):
    client.force_login(world["member_a"])
    assert client.get(f"/tiers-de-confiance/conventions/{world['draft'].code}/").status_code == 404
    assert world["draft"].code not in client.get("/tiers-de-confiance/").content.decode()
    assert client.get(f"/tiers-de-confiance/resultats/{world['review_a'].pk}/").status_code == 404
    page = client.get(f"/tiers-de-confiance/conventions/{world['a'].code}/").content.decode()
    assert f"/resultats/{world['released_a'].pk}/" in page
    assert f"/resultats/{world['review_a'].pk}/" not in page
    assert client.get(f"/tiers-de-confiance/resultats/{world['released_a'].pk}/").status_code == 200


def test_a_partner_reads_its_own_agreement_deposits_and_pdf(client, world):
    client.force_login(world["member_a"])
    for method, path in routes(world, "a", "deposit_a", "released_a")[:5]:
        if path.endswith("certificat-suppression.pdf"):
            continue  # A's active agreement has none yet
        assert getattr(client, method)(path).status_code == 200, path
    report = client.get(f"/tiers-de-confiance/depots/{world['deposit_a'].pk}/").content.decode()
    assert "rien n'a été conservé" in report and "montant" in report


def test_an_expired_agreement_gives_no_deposit_but_keeps_its_released_outputs(client, world):
    client.force_login(world["member_a"])
    code = world["expired"].code
    response = client.get(f"/tiers-de-confiance/conventions/{code}/deposer/")
    assert response.status_code == 403
    assert "a pris fin" in response.content.decode()
    assert client.post(f"/tiers-de-confiance/conventions/{code}/deposer/").status_code == 403
    assert client.get(f"/tiers-de-confiance/depots/{world['deposit_expired'].pk}/").status_code == 410
    page = client.get(f"/tiers-de-confiance/conventions/{code}/").content.decode()
    assert "ne sont plus consultables" in page
    assert str(world["deposit_expired"].pk) not in page
    assert client.get(
        f"/tiers-de-confiance/resultats/{world['released_expired'].pk}/").status_code == 200
    pdf = client.get(f"/tiers-de-confiance/conventions/{code}/certificat-suppression.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert not Deposit.objects.filter(agreement=world["expired"]).exclude(
        pk=world["deposit_expired"].pk).exists()


def test_staff_reach_everything_and_their_reading_and_decisions_are_journaled(client, world):
    client.force_login(world["staff"])
    before = JournalEntry.objects.count()
    for code in (world["a"].code, world["b"].code, world["draft"].code):
        assert client.get(f"/tiers-de-confiance/conventions/{code}/").status_code == 200
    assert client.get(f"/tiers-de-confiance/depots/{world['deposit_b'].pk}/").status_code == 200
    assert client.get(f"/tiers-de-confiance/resultats/{world['review_a'].pk}/").status_code == 200
    accesses = JournalEntry.objects.filter(action=JournalEntry.Action.ACCESS,
                                           actor=world["staff"].email)
    assert accesses.count() == 5 == JournalEntry.objects.count() - before
    response = client.post(f"/tiers-de-confiance/resultats/{world['review_a'].pk}/examen/",
                           {"decision": "refuser", "comment": "Essai : tableau incomplet."})
    assert response.status_code == 302
    world["review_a"].refresh_from_db()
    assert world["review_a"].status == Output.Status.REFUSED
    review = JournalEntry.objects.get(action=JournalEntry.Action.REVIEW)
    assert review.actor == world["staff"].email and review.agreement_code == world["a"].code
    journal = client.get("/tiers-de-confiance/journal/").content.decode()
    assert "Journal intact" in journal and "relecture" in journal


def test_a_refusal_needs_a_reason(client, world):
    client.force_login(world["staff"])
    response = client.post(f"/tiers-de-confiance/resultats/{world['review_a'].pk}/examen/",
                           {"decision": "refuser", "comment": " "})
    assert response.status_code == 400
    assert "Dites pourquoi" in response.content.decode()
    world["review_a"].refresh_from_db()
    assert world["review_a"].status == Output.Status.TO_REVIEW
