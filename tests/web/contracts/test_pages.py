"""The registry, a contract's page, the QPV confirmed, the comparison table and its CSV, on
the warehouse built from the real ANCT files."""

from __future__ import annotations

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quartiers.web.accounts.models import Role
from quartiers.web.contracts.models import ConfirmedPerimeter, ContractDocument

from ..accounts.factories import TerritoryAssignmentFactory, UserFactory
from .factories import programme_pdf, stored_document

pytestmark = pytest.mark.django_db


def test_the_registry_lists_both_generations_newest_first(client, store):
    html = client.get("/contrats/").content.decode()
    assert f"{len(store.contrats())} contrats" in html
    first = store.contrats("2024-2030")[0]
    assert html.index(first["code"]) < html.index("2024-2030</td>")
    assert "2015-2023</td>" not in html  # the older generation comes after the 2024-2030 one
    html = client.get("/contrats/", {"generation": "2015-2023"}).content.decode()
    assert "2015-2023</td>" in html and "2024-2030</td>" not in html


def test_the_registry_filters(client, rennes):
    html = client.get("/contrats/", {"q": "rennes metropole", "generation": "2024-2030",
                                     "region": "53", "departement": "35"}).content.decode()
    assert f'href="/contrats/{rennes["code"]}/"' in html
    html = client.get("/contrats/", {"q": "rennes", "region": "93"}).content.decode()
    assert rennes["code"] not in html


def test_an_unknown_contract_is_a_french_404(client):
    response = client.get("/contrats/CN99999Z/")
    assert response.status_code == 404
    assert "contrat de ville" in response.content.decode()


def test_the_contract_page(client, rennes, store):
    html = client.get(f"/contrats/{rennes['code']}/").content.decode()
    assert 'href="/territoires/epci/243500139/"' in html
    assert "liste dérivée du territoire signataire, à confirmer" in html.lower()
    assert "QN03504M" in html  # Maurepas, one of Rennes' QPV
    assert f'href="/contrats/{rennes["code"]}/cadre/"' in html
    assert "ensemble, face à la région et à la France" in html
    for related in rennes["related"]:
        assert related["code"] in html
    if store.contrat_postes(rennes["code"]):
        assert "Postes financés" in html and "Adultes-relais" in html


def test_staff_confirm_the_qpv_and_the_page_says_who_and_when(client, rennes, staff_user, store):
    derived = [q["code"] for q in store.contrat_qpv(rennes["code"])]
    client.force_login(staff_user)
    response = client.post(f"/contrats/{rennes['code']}/qpv/", {"qpv": derived[1:]})
    assert response.status_code == 302
    perimeter = ConfirmedPerimeter.objects.get(contract=rennes["code"])
    assert perimeter.codes == [c for c in derived if c in derived[1:]]
    client.logout()
    html = client.get(f"/contrats/{rennes['code']}/").content.decode()
    assert "Liste confirmée par" in html and "à confirmer" not in html
    assert derived[0] not in html.split('id="qpv"')[1].split("</section>")[0]


def test_the_comparison_table_and_its_csv(client, rennes, priorities, store):
    stored_document(rennes, "programme-2024.pdf", programme_pdf(2024))
    html = client.get("/contrats/comparaison/").content.decode()
    assert rennes["name"] in html
    total = len(store.contrats())
    assert f"{total - 1} contrats sur {total} sans aucun document public" in html
    csv = client.get("/contrats/comparaison.csv").content.decode()
    header, row = csv.splitlines()[:2]
    assert header.startswith("code,contrat,génération") and header.endswith("clauses data")
    assert row.startswith(rennes["code"]) and row.endswith(",oui")


def _upload(client, code, name="programme-2024.pdf", data=None, **fields):
    return client.post(f"/contrats/{code}/documents/ajouter/", {
        "kind": "contrat", "title": "Programme 2024", "date": "", **fields,
        "file": SimpleUploadedFile(name, data if data is not None else programme_pdf(2024))})


def test_upload_refusals_are_french_and_store_nothing(client, rennes, staff_user):
    client.force_login(staff_user)
    response = _upload(client, rennes["code"], name="faux.pdf", data=b"<html></html>")
    assert response.status_code == 400
    assert "« faux.pdf » n'est pas un fichier PDF" in unescape(response.content.decode())
    assert not ContractDocument.objects.exists()


def test_an_upload_is_extracted_by_the_worker(client, rennes, staff_user, run_tasks):
    client.force_login(staff_user)
    response = _upload(client, rennes["code"], kind="revue-annuelle")
    assert response.status_code == 302
    document = ContractDocument.objects.get()
    assert not document.public  # a review is reserved unless said otherwise
    assert document.uploaded_by == staff_user
    run_tasks()
    document.refresh_from_db()
    assert document.indexed and document.pages.exists()


# -- who may change a contract ---------------------------------------------------------------

def test_anonymous_people_go_to_the_login_page(client, rennes):
    for path in (f"/contrats/{rennes['code']}/documents/ajouter/",):
        response = client.get(path)
        assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    response = client.post(f"/contrats/{rennes['code']}/qpv/", {"qpv": []})
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]


def test_a_project_lead_of_another_territory_is_refused(client, rennes, roles):
    lead = TerritoryAssignmentFactory(level="epci", code="244400404").user  # Nantes Métropole
    client.force_login(lead)
    assert _upload(client, rennes["code"]).status_code == 403
    assert client.post(f"/contrats/{rennes['code']}/qpv/", {"qpv": []}).status_code == 403
    document = stored_document(rennes, "revue.pdf", programme_pdf(2026),
                               kind="revue-annuelle", public=False)
    assert client.get(f"/contrats/{rennes['code']}/documents/{document.pk}/").status_code == 404
    assert client.post(
        f"/contrats/{rennes['code']}/documents/{document.pk}/supprimer/").status_code == 403
    assert ContractDocument.objects.filter(pk=document.pk).exists()


def test_the_project_lead_of_the_signatory_may_upload_and_read_reserved_ones(client, rennes,
                                                                              roles):
    lead = TerritoryAssignmentFactory(level="epci", code="243500139").user
    client.force_login(lead)
    assert _upload(client, rennes["code"], kind="revue-annuelle").status_code == 302
    document = ContractDocument.objects.get()
    assert client.get(f"/contrats/{rennes['code']}/documents/{document.pk}/").status_code == 200
    assert client.post(
        f"/contrats/{rennes['code']}/documents/{document.pk}/supprimer/").status_code == 302
    assert not ContractDocument.objects.exists()


def test_a_member_without_the_role_is_refused(client, rennes, roles):
    client.force_login(UserFactory(roles=[Role.PARTNER_MEMBER]))
    assert client.get(f"/contrats/{rennes['code']}/documents/ajouter/").status_code == 403


def test_a_code_of_both_generations_reaches_the_older_one_by_its_generation(client, store):
    shared = next(c for c in store.contrats("2015-2023") if not c["preferred"])
    newest = client.get(f"/contrats/{shared['code']}/").content.decode()
    older = client.get(f"/contrats/{shared['code']}/", {"generation": "2015-2023"})
    assert "contrat de ville 2024-2030" in newest
    assert "contrat de ville 2015-2023" in older.content.decode()
