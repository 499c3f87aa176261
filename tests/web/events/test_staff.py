"""The staff's pages of an event: refused to the public and to accounts outside the team;
registrations with counts, check-in (JSON for the page's script, a redirect without it), the
sign-in sheet and certificates read back from the PDF, exports CSV and XLSX; the links from the
back office."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from quartiers.web.accounts.services import ensure_roles
from quartiers.web.events.models import Registration
from quartiers.web.events.registration import Applicant, register

from ..accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def event(event_factory):
    event = event_factory(capacity=2)
    for n, (first, last) in enumerate([("Alice", "Essai"), ("Bruno", "Témoin"),
                                       ("Chloé", "Attente")]):
        register(event, Applicant(f"p{n}@exemple.test", first, last, organisation="Mairie d'essai"),
                 source="test")
    return event


def pages(event) -> list[str]:
    base = f"/agenda/equipe/{event.pk}/"
    return [base, base + "pointage/", base + "emargement.pdf", base + "attestations.pdf",
            base + "inscriptions.csv", base + "inscriptions.xlsx"]


def test_refused_to_the_public_and_to_other_accounts(client, event):
    for url in pages(event):
        assert client.get(url).status_code == 302, url  # to the login page
    ensure_roles()
    client.force_login(UserFactory())
    for url in pages(event):
        assert client.get(url).status_code == 403, url
    registration = Registration.objects.first()
    assert client.post(f"/agenda/equipe/{event.pk}/pointage/{registration.pk}/",
                       {"present": "1"}).status_code == 403


def test_registrations_check_in_pdfs_and_exports(staff_client, event):
    listing = staff_client.get(f"/agenda/equipe/{event.pk}/")
    assert "Confirmée : 2" in listing.text and "attente : 1" in listing.text
    assert "p2@exemple.test" in listing.text
    check_in = staff_client.get(f"/agenda/equipe/{event.pk}/pointage/")
    assert "Alice" in check_in.text and "Chloé" not in check_in.text  # confirmed only
    alice = Registration.objects.get(person__first_name="Alice")
    url = f"/agenda/equipe/{event.pk}/pointage/{alice.pk}/"
    answer = staff_client.post(url, {"present": "1"}, HTTP_ACCEPT="application/json")
    assert answer.json() == {"present": True, "count": 1}
    without_script = staff_client.post(url, {"present": "1"})
    assert without_script.status_code == 302 and without_script.url.endswith(
        f"/pointage/#inscription-{alice.pk}")

    sheet = PdfReader(io.BytesIO(staff_client.get(f"/agenda/equipe/{event.pk}/emargement.pdf")
                                 .content))
    text = " ".join(page.extract_text() for page in sheet.pages)
    assert "Feuille d'émargement" in text and "ESSAI Alice" in text and "TÉMOIN Bruno" in text
    assert "Attente" not in text
    certificates = PdfReader(io.BytesIO(
        staff_client.get(f"/agenda/equipe/{event.pk}/attestations.pdf").content))
    assert len(certificates.pages) == 1
    assert "Attestation de présence" in certificates.pages[0].extract_text()
    assert "ESSAI Alice" in certificates.pages[0].extract_text()

    csv_text = staff_client.get(f"/agenda/equipe/{event.pk}/inscriptions.csv").content.decode(
        "utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Nom;Prénom;Adresse électronique")
    assert "Essai;Alice;p0@exemple.test" in csv_text and "présent·e" in csv_text
    book = load_workbook(io.BytesIO(staff_client.get(
        f"/agenda/equipe/{event.pk}/inscriptions.xlsx").content))
    rows = list(book.active.values)
    assert len(rows) == 4 and rows[1][:3] == ("Essai", "Alice", "p0@exemple.test")
    assert staff_client.get(f"/agenda/equipe/{event.pk}/inscriptions.pdf").status_code == 404


def test_certificates_need_someone_present(staff_client, event):
    answer = staff_client.get(f"/agenda/equipe/{event.pk}/attestations.pdf")
    assert answer.status_code == 409 and "pointez les présences" in answer.text


def test_links_from_the_back_office_and_the_agenda(staff_client, event):
    edit = staff_client.get(f"/gestion/pages/{event.pk}/edit/")
    assert edit.status_code == 200
    assert f"/agenda/equipe/{event.pk}/" in edit.text
    assert f"/agenda/equipe/{event.pk}/" in staff_client.get("/agenda/").text
    assert f"/agenda/equipe/{event.pk}/" in staff_client.get(event.url).text


def test_privacy_export_and_erasure_keep_counts(event):
    from quartiers.web.events import privacy

    person = Registration.objects.get(person__first_name="Alice").person
    Registration.objects.filter(person=person).update(attended_at=timezone.now())
    exported = privacy.export_person(person)
    [row] = exported["inscriptions aux événements"]
    assert row["statut"] == "Confirmée" and row["organisme"] == "Mairie d'essai"
    privacy.erase_person(person)
    assert not Registration.objects.filter(person=person).exists()
    assert Registration.objects.filter(event=event, status=Status.CONFIRMED).count() == 2
    anonymous = Registration.objects.get(event=event, person=None)
    assert anonymous.organisation == "" and anonymous.attended_at and anonymous.full_name == (
        "Personne effacée")


def test_no_certificate_for_an_erased_person(staff_client, event):
    from quartiers.web.events import privacy

    Registration.objects.filter(event=event).update(attended_at=timezone.now())
    privacy.erase_person(Registration.objects.get(person__first_name="Alice").person)
    certificates = PdfReader(io.BytesIO(
        staff_client.get(f"/agenda/equipe/{event.pk}/attestations.pdf").content))
    [page] = certificates.pages
    assert "Bruno" in page.extract_text() and "effacée" not in page.extract_text()
    privacy.erase_person(Registration.objects.get(person__first_name="Bruno").person)
    assert staff_client.get(f"/agenda/equipe/{event.pk}/attestations.pdf").status_code == 409
