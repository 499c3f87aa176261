"""Frameworks: public reading, editing by staff and the contract's project leads only,
history, the starting template bound to live values, bad input named field by field."""

from __future__ import annotations

import pytest

from quartiers.engine.indicators.catalogue import INDICATORS_BY_CODE
from quartiers.web.evaluation import services, starting
from quartiers.web.evaluation.models import Framework, FrameworkChange, FrameworkIndicator
from quartiers.web.evaluation.models import LocalValue as LocalValueModel

from .conftest import RENNES

pytestmark = pytest.mark.django_db
BASE = f"/contrats/{RENNES}/cadre/"


def _create(client, user, start="modele"):
    client.force_login(user)
    return client.post(BASE + "creer/", {"title": "Cadre de Rennes Métropole", "start": start})


def test_template_names_only_catalogue_indicators():
    for _, _, _, questions in starting.TEMPLATE:
        for _, codes, _ in questions:
            assert all(code in INDICATORS_BY_CODE for code in codes), codes


def test_anonymous_reads_but_is_sent_to_login_to_edit(client, staff):
    response = client.get(BASE)
    assert response.status_code == 200
    assert "pas encore de cadre" in response.content.decode()
    for path in ("creer/", "modifier/", "historique/", "objectifs/ajouter/"):
        response = client.get(BASE + path)
        assert response.status_code == 302
        assert response["Location"].startswith("/comptes/connexion/?next=")


def test_frameworks_are_for_the_contracts_in_force(client, staff):
    """CV116 is Rennes Métropole's 2015-2023 contract: no framework, no mid-term report."""
    client.force_login(staff)
    for path in ("cadre/", "cadre/creer/", "rapport-mi-parcours.pdf"):
        assert client.get(f"/contrats/CV116/{path}").status_code == 404, path


def test_project_lead_of_another_territory_is_refused(client, other_lead, staff):
    assert _create(client, other_lead).status_code == 403
    assert not Framework.objects.exists()
    _create(client, staff)
    item = FrameworkIndicator.objects.first()
    client.force_login(other_lead)
    for path in ("modifier/", "historique/", f"indicateurs/{item.pk}/",
                 f"indicateur/{item.pk}/supprimer/"):
        assert client.get(BASE + path).status_code == 403, path
    assert client.post(BASE + f"indicateur/{item.pk}/supprimer/").status_code == 403
    assert FrameworkIndicator.objects.filter(pk=item.pk).exists()
    page = client.get(BASE).content.decode()
    assert "Modifier le titre" not in page  # reading stays open


def test_project_lead_of_the_territory_builds_from_the_template(client, rennes_lead, store):
    response = _create(client, rennes_lead)
    assert response.status_code == 302
    framework = Framework.objects.get(contract_code=RENNES)
    assert framework.from_template
    assert framework.objectives.count() == len(starting.TEMPLATE)
    poverty = FrameworkIndicator.objects.get(indicator_code="taux_pauvrete")
    expected = store.values("qpv_epci", "243500139", "taux_pauvrete")[-1]
    assert poverty.baseline_value == expected.value
    assert poverty.baseline_vintage == expected.vintage
    assert poverty.baseline_level == "qpv_epci"
    unemployed = FrameworkIndicator.objects.get(indicator_code="demandeurs_emploi_abc")
    assert unemployed.baseline_level == "qpv2015_epci"  # only the 2015 geography has it
    page = client.get(BASE).content.decode()
    assert "Évolution du contexte" in page and "modèle" in page
    assert "Valeur de référence (millésime" in page
    assert "Modifier le titre" in page
    change = FrameworkChange.objects.get()
    assert change.author == rennes_lead and "à partir du modèle" in change.summary


def test_staff_edits_and_history_records_each_change(client, staff):
    _create(client, staff, start="vide")
    response = client.post(BASE + "objectifs/ajouter/", {
        "part": "actions", "title": "Réussite éducative", "priority": "education", "order": "1",
        "questions-TOTAL_FORMS": "2", "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0", "questions-MAX_NUM_FORMS": "1000",
        "questions-0-text": "Les élèves des quartiers décrochent-ils moins ?",
        "questions-0-order": "1", "questions-1-text": "", "questions-1-order": "0"})
    assert response.status_code == 302
    question = Framework.objects.get().objectives.get().questions.get()
    response = client.post(BASE + "indicateurs/ajouter/", {
        "question": question.pk, "kind": "local", "label": "Élèves suivis par le PRE",
        "unit": "élèves", "target_value": "300", "target_year": "2027", "direction": "hausse",
        "order": "1"})
    assert response.status_code == 302
    item = FrameworkIndicator.objects.get()
    response = client.post(BASE + f"indicateurs/{item.pk}/valeurs/", {
        "value": "212", "date": "2025-06-30", "source": "Programme de réussite éducative"})
    assert response.status_code == 302
    response = client.post(BASE + f"indicateurs/{item.pk}/", {
        "question": question.pk, "label": "Élèves suivis par le PRE", "unit": "élèves",
        "target_value": "320", "target_year": "2027", "direction": "hausse", "order": "1"})
    assert response.status_code == 302, response.content.decode()
    history = client.get(BASE + "historique/").content.decode()
    assert "Valeur cible : 300.0 → 320.0" in history
    assert FrameworkChange.objects.count() == 6  # framework, objective, question, indicator,
    # local value, indicator changed
    summaries = list(FrameworkChange.objects.values_list("summary", flat=True))
    assert any("valeur locale" in s.lower() for s in summaries)
    page = client.get(BASE).content.decode()
    assert "212" in page and "Programme de réussite éducative" in page


def test_bad_input_is_named_field_by_field(client, staff):
    _create(client, staff)
    question = Framework.objects.get().objectives.first().questions.first()
    count = FrameworkIndicator.objects.count()
    response = client.post(BASE + "indicateurs/ajouter/", {
        "question": question.pk, "kind": "catalogue", "indicator_code": "taux_inexistant",
        "target_value": "30", "order": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Indicateur du catalogue : le code « taux_inexistant » n&#x27;existe pas" in page
    assert "Année cible : indiquez l&#x27;année" in page
    assert FrameworkIndicator.objects.count() == count
    local = FrameworkIndicator.objects.filter(kind="local").first()
    response = client.post(BASE + f"indicateurs/{local.pk}/valeurs/", {
        "value": "12", "date": "2025-01-31", "source": "  "})
    assert "Source : indiquez d&#x27;où vient la valeur" in response.content.decode()
    assert not LocalValueModel.objects.exists()


def test_a_new_vintage_after_binding_is_said(client, staff, store):
    _create(client, staff)
    item = FrameworkIndicator.objects.get(indicator_code="part_alloc_rsa")
    item.baseline_vintage = "millésime d'une construction précédente"
    item.save()
    page = client.get(BASE).content.decode()
    assert "Millésime changé" in page
    assert "n&#x27;est plus dans l&#x27;entrepôt" in page
    client.post(BASE + f"indicateurs/{item.pk}/reference/")
    item.refresh_from_db()
    assert item.baseline_vintage == store.values("qpv_epci", "243500139",
                                                 "part_alloc_rsa")[-1].vintage


def test_synthesis_counts_real_frameworks_only(client, staff, store):
    response = client.get("/contrats/cadres/synthese/")
    assert "Aucun cadre d'évaluation n'est encore saisi" in response.content.decode()
    _create(client, staff)
    client.logout()
    national = client.get("/contrats/cadres/synthese/").content.decode()
    assert "1 contrat a un cadre" in national and "taux_pauvrete" in national
    brittany = client.get("/contrats/cadres/synthese/?region=53").content.decode()
    assert "Rennes" in brittany
    elsewhere = client.get("/contrats/cadres/synthese/?region=52").content.decode()
    assert "Aucun cadre" in elsewhere
    assert client.get("/contrats/cadres/synthese/?region=99").status_code == 400
    data = services.synthesis(store, "53")
    assert data["frameworks"] == 1
