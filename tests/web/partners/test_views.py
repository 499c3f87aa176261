"""The partner space's pages: a member deposits the posts file made for the tests through the
form and reads the report; a bad file's report names row and field and nothing is stored; a file
past the cap is refused unread; the upload never touches the disk; the staff compute, publish
and withdraw from the pages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from quartiers.web.partners import services
from quartiers.web.partners.models import Deposit, JournalEntry, Output

FIXTURES = Path(__file__).parent / "fixtures"
POSTS = (FIXTURES / "postes_fichier_essai.csv").read_bytes()
pytestmark = pytest.mark.django_db


def _post(client, agreement, name: str, content: bytes):
    return client.post(f"/tiers-de-confiance/conventions/{agreement.code}/deposer/",
                       {"fichier": SimpleUploadedFile(name, content, "text/csv")})


def test_a_member_deposits_a_file_and_reads_its_report(client, agreement, member):
    client.force_login(member)
    form = client.get(f"/tiers-de-confiance/conventions/{agreement.code}/deposer/")
    assert form.status_code == 200 and "code_tiers" in form.content.decode()
    response = _post(client, agreement, "postes_fichier_essai.csv", POSTS)
    deposit = Deposit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tiers-de-confiance/depots/{deposit.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "<strong>Dépôt accepté</strong> : 24 lignes enregistrées" in page
    assert deposit.sha256 in page
    agreement_page = client.get(f"/tiers-de-confiance/conventions/{agreement.code}/").content.decode()
    assert f"/tiers-de-confiance/depots/{deposit.pk}/" in agreement_page


def test_a_bad_file_is_reported_by_row_and_field_and_nothing_is_kept(client, agreement, member):
    client.force_login(member)
    bad = POSTS.replace(b",22000,", b",vingt-deux mille,")
    response = _post(client, agreement, "postes_montant_fichier_essai.csv", bad)
    deposit = Deposit.objects.get()
    assert deposit.status == Deposit.Status.REFUSED and deposit.rows == 0
    page = client.get(response["Location"]).content.decode()
    assert "rien n'a été conservé" in page
    error = deposit.report["errors"][0]
    assert error["row"] and error["field"] == "montant"
    assert f'<td class="num">{error["row"]}</td><td><code>montant</code></td>' in page
    assert services.agreement_store(agreement).deposits() == {}


def test_only_csv_xlsx_or_parquet(client, agreement, member):
    client.force_login(member)
    response = _post(client, agreement, "postes.pdf", b"%PDF-1.4")
    assert response.status_code == 400
    assert "ni un CSV, ni un XLSX, ni un Parquet" in response.content.decode()
    assert not Deposit.objects.exists()


def test_a_file_past_the_cap_is_dropped_unread(client, agreement, member, monkeypatch):
    monkeypatch.setattr("quartiers.web.partners.uploads.max_upload_bytes", lambda: 200)
    client.force_login(member)
    response = _post(client, agreement, "postes_fichier_essai.csv", POSTS)
    assert response.status_code == 400
    page = response.content.decode()
    assert "dépasse la taille maximale de 200 octets" in page and "rien n&#x27;a été conservé" in page
    assert not Deposit.objects.exists()
    assert not JournalEntry.objects.filter(action=JournalEntry.Action.DEPOSIT).exists()


def test_the_upload_is_never_written_to_disk(client, agreement, member, settings, monkeypatch):
    """Django writes uploads past FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file: not ours."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10

    def no_disk(*args, **kwargs):
        raise AssertionError("le fichier déposé a été écrit sur disque")

    monkeypatch.setattr("django.core.files.uploadedfile.TemporaryUploadedFile.__init__", no_disk)
    client.force_login(member)
    assert _post(client, agreement, "postes_fichier_essai.csv", POSTS).status_code == 302
    assert Deposit.objects.get().status == Deposit.Status.ACCEPTED


def test_the_staff_compute_publish_and_withdraw_from_the_pages(client, agreement, member,
                                                               staff_user, run_tasks):
    services.deposit(agreement, member, "postes_fichier_essai.csv", POSTS)
    client.force_login(staff_user)
    page = client.get(f"/tiers-de-confiance/conventions/{agreement.code}/").content.decode()
    assert "Calculer" in page
    response = client.post(f"/tiers-de-confiance/conventions/{agreement.code}/calculer/",
                           {"recipe": "postes"})
    assert response.status_code == 302
    run_tasks()
    output = Output.objects.get()
    assert output.status == Output.Status.TO_REVIEW, output.error
    page = client.get(f"/tiers-de-confiance/resultats/{output.pk}/").content.decode()
    assert "Audit par différence" in page and "Publier" in page
    response = client.post(f"/tiers-de-confiance/resultats/{output.pk}/examen/",
                           {"decision": "publier", "comment": ""})
    output.refresh_from_db()
    assert output.status == Output.Status.RELEASED and output.reviewed_by == staff_user
    client.force_login(member)
    assert client.get(f"/tiers-de-confiance/resultats/{output.pk}/").status_code == 200
    client.force_login(staff_user)
    client.post(f"/tiers-de-confiance/resultats/{output.pk}/retrait/")
    output.refresh_from_db()
    assert output.status == Output.Status.WITHDRAWN
    actions = list(JournalEntry.objects.values_list("action", flat=True))
    assert {"computation", "review", "release", "access"} <= set(actions)
    client.force_login(member)
    assert client.get(f"/tiers-de-confiance/resultats/{output.pk}/").status_code == 404


def test_a_failed_audit_is_shown_cell_by_cell_and_cannot_be_published(client, agreement,
                                                                       staff_user):
    audit = {"ok": False, "resume": "Audit refusé : 1 case encadrée trop étroitement.",
             "cellules": [{"cellule": "qpv · QN03504M · 2023 · entrees", "min_attaquant": 4,
                           "max_attaquant": 5, "protegee": False}]}
    output = Output.objects.create(
        agreement=agreement, recipe="postes", status=Output.Status.TO_REVIEW, audit_ok=False,
        result={"title": "Essai", "vintage": "2023", "rows": [], "primary": 1, "secondary": 0,
                "audit": audit, "ok": False, "measures": [], "method": [], "limits": []})
    client.force_login(staff_user)
    page = client.get(f"/tiers-de-confiance/resultats/{output.pk}/").content.decode()
    assert "qpv · QN03504M · 2023 · entrees" in page and "<strong>non</strong>" in page
    assert 'value="publier"' not in page and 'value="refuser"' in page
    response = client.post(f"/tiers-de-confiance/resultats/{output.pk}/examen/",
                           {"decision": "publier"})
    output.refresh_from_db()
    assert output.status == Output.Status.TO_REVIEW
    assert "ne peut pas être acceptée" in client.get(response["Location"]).content.decode()


def test_the_staff_create_then_activate_an_agreement_in_the_back_office(client, staff_user):
    from quartiers.web.partners.models import Agreement

    from ..accounts.factories import PartnerOrganisationFactory
    from .factories import POSTS_FIELDS

    partner = PartnerOrganisationFactory()
    client.force_login(staff_user)
    assert client.get("/gestion/tiers-de-confiance/conventions/new/").status_code == 200
    today = timezone.localdate()
    data = {
        "title": "Convention d'essai du back office", "partner": partner.pk,
        "legal_basis": "donnees_publiques", "purpose": "Essai.", "schema": "postes_subventionnes",
        "allowed_fields": POSTS_FIELDS, "recipes": ["postes"],
        "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=365)).isoformat(),
        "threshold": 11, "dominance_n": 1, "dominance_k": 85, "p_percent": 0,
        "protection_percent": 10,
        "signatories-TOTAL_FORMS": 2, "signatories-INITIAL_FORMS": 0,
        "signatories-MIN_NUM_FORMS": 0, "signatories-MAX_NUM_FORMS": 1000,
        "territories-TOTAL_FORMS": 1, "territories-INITIAL_FORMS": 0,
        "territories-MIN_NUM_FORMS": 0, "territories-MAX_NUM_FORMS": 1000,
        "territories-0-level": "departement", "territories-0-code": "35",
        "territories-0-ORDER": 1,
    }
    for i, side in enumerate(("partenaire", "centre")):
        data |= {f"signatories-{i}-name": f"Signataire d'essai {i}",
                 f"signatories-{i}-function": "Fonction d'essai", f"signatories-{i}-side": side,
                 f"signatories-{i}-signed_on": today.isoformat(), f"signatories-{i}-ORDER": i + 1}
    response = client.post("/gestion/tiers-de-confiance/conventions/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    agreement = Agreement.objects.get()
    assert agreement.created_by == staff_user and agreement.status == Agreement.Status.DRAFT
    assert agreement.signatories.count() == 2 and agreement.territories.get().code == "35"
    assert JournalEntry.objects.get(action=JournalEntry.Action.AGREEMENT).details["action"] == \
        "création"
    edit = client.get(f"/gestion/tiers-de-confiance/conventions/edit/{agreement.pk}/")
    assert edit.status_code == 200, edit
    url = f"/gestion/tiers-de-confiance/conventions/{agreement.pk}/activer/"
    assert url in edit.content.decode()
    assert "Tiers de confiance" in client.get("/gestion/").content.decode()
    assert "Activer la convention" in client.get(url).content.decode()
    client.post(url)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.ACTIVE
    assert services.key_ring().exists(agreement.code)
