"""The staff's review: two reviewers score, the weighted averages, decisions e-mailed to the
applicant, the roadmap edited and shown with real heat values for Nantes Métropole's QPV and a
catalogue value for its QPV taken together; access refused to anyone but the staff; the
applicant's personal data exported and erased (GDPR)."""

from __future__ import annotations

import html
from datetime import UTC

import pytest
from django.apps import apps

from quartiers.engine.analyses import results
from quartiers.engine.analyses.heat import ANALYSIS as HEAT
from quartiers.engine.reports.analysis_note import format_value
from quartiers.web.accounts.models import Role
from quartiers.web.contacts.models import Person
from quartiers.web.contacts.privacy import erase_everywhere, export_everything
from quartiers.web.labo.models import Application, Indicator, Review

from ..accounts.factories import UserFactory
from .conftest import RENNES_METROPOLE, form_data

pytestmark = pytest.mark.django_db
Status = Application.Status


def shown(response) -> str:
    return html.unescape(response.content.decode())


def submitted(client, call, n=1, territory=None):
    extra = {"territory": territory} if territory else {}
    client.post(f"/labo/{call.slug}/candidater/", form_data(call, n, action="deposer", **extra))
    return Application.objects.get(person__email=f"candidat{n}@exemple.test")


def scores(call, values: list[int]) -> dict:
    data = {"action": "noter"}
    for criterion, value in zip(call.criteria.all(), values, strict=True):
        data[f"grille-score_{criterion.pk}"] = str(value)
        data[f"grille-comment_{criterion.pk}"] = f"Commentaire d'essai ({value})."
    return data


def test_two_reviewers_score_then_decide_and_roadmap(client, call, outbox, staff_user, store):
    application = submitted(client, call)
    other = submitted(client, call, 2, RENNES_METROPOLE)
    second_reviewer = UserFactory(email="equipe2@exemple.test", roles=[Role.STAFF])
    url = f"/labo/equipe/candidature/{application.pk}/"

    client.force_login(staff_user)
    assert client.post(url, scores(call, [4, 2, 0])).status_code == 302  # 12 + 4 + 0 = 16
    client.force_login(second_reviewer)
    assert client.post(url, scores(call, [2, 2, 2])).status_code == 302  # 6 + 4 + 2 = 12
    assert Review.objects.filter(application=application).count() == 2
    page = shown(client.get(url))
    assert "Moyenne des totaux pondérés : <strong>14,0</strong> sur 24" in page
    assert "total pondéré 16 sur 24" in page and "total pondéré 12 sur 24" in page
    # a second scoring by the same reviewer replaces theirs
    client.post(url, scores(call, [3, 2, 2]))  # 9 + 4 + 2 = 15
    assert "Moyenne des totaux pondérés : <strong>15,5</strong> sur 24" in shown(client.get(url))
    bad = client.post(url, {**scores(call, [4, 4, 4]),
                            f"grille-score_{call.criteria.first().pk}": "7"})
    assert bad.status_code == 400 and "Connaissance des enjeux" in shown(bad)

    grid = shown(client.get(f"/labo/equipe/{call.slug}/"))
    assert grid.index("Nantes Métropole") < grid.index("Rennes Métropole")
    assert "15,5" in grid

    refused = client.post(f"/labo/equipe/candidature/{other.pk}/",
                          {"action": "decider", "decision-decision": "non-retenue"})
    assert refused.status_code == 400 and "Motif de la décision" in shown(refused)
    client.post(f"/labo/equipe/candidature/{other.pk}/",
                {"action": "decider", "decision-decision": "non-retenue",
                 "decision-reason": "Motif d'essai : projet à mûrir."})
    client.post(url, {"action": "decider", "decision-decision": "retenue",
                      "decision-reason": ""})
    application.refresh_from_db()
    other.refresh_from_db()
    assert (application.status, other.status) == (Status.SELECTED, Status.NOT_SELECTED)
    told = outbox.get(subject__startswith="Votre candidature est retenue")
    assert told.to == "candidat1@exemple.test"
    assert f"/labo/{call.slug}/epci-244400404/" in told.text()
    not_told = outbox.get(subject__startswith="Votre candidature n'est pas retenue")
    assert "Motif d'essai : projet à mûrir." in not_told.text()

    # the roadmap: one step, a heat component, a catalogue indicator, a local one
    editor = f"/labo/equipe/candidature/{application.pk}/feuille-de-route/"
    empty = {f"{p}-TOTAL_FORMS": "1" for p in ("etapes", "indicateurs", "valeurs")} | {
        f"{p}-INITIAL_FORMS": "0" for p in ("etapes", "indicateurs", "valeurs")}
    data = {**empty, "indicateurs-TOTAL_FORMS": "3",
            "etapes-0-position": "1", "etapes-0-title": "Diagnostic de vulnérabilité",
            "etapes-0-description": "Étape d'essai.", "etapes-0-starts_on": "2026-09-01",
            "etapes-0-ends_on": "2026-12-15", "etapes-0-status": "en-cours",
            "etapes-0-progress": "40",
            "indicateurs-0-position": "1", "indicateurs-0-kind": "chaleur",
            "indicateurs-0-reference": "chaleur:sens_seuls",
            "indicateurs-1-position": "2", "indicateurs-1-kind": "catalogue",
            "indicateurs-1-reference": "catalogue:taux_pauvrete",
            "indicateurs-2-position": "3", "indicateurs-2-kind": "local",
            "indicateurs-2-label": "Cours d'école désimperméabilisées",
            "indicateurs-2-unit": "cours", "indicateurs-2-target": "6 en 2028"}
    bad = client.post(editor, {**data, "etapes-0-ends_on": "2026-08-01"})
    assert bad.status_code == 400 and "Étapes, ligne 1" in shown(bad)
    assert "La fin précède le début" in shown(bad)
    assert client.post(editor, data).status_code == 302
    local = application.indicators.get(kind=Indicator.Kind.LOCAL)
    values = {**empty, "etapes-TOTAL_FORMS": "1", "etapes-INITIAL_FORMS": "1",
              "etapes-0-id": str(application.steps.get().pk),
              **{k: v for k, v in data.items() if k.startswith("etapes-0-")},
              "indicateurs-TOTAL_FORMS": "3", "indicateurs-INITIAL_FORMS": "3",
              **{f"indicateurs-{i}-id": str(pk) for i, pk in
                 enumerate(application.indicators.values_list("pk", flat=True))},
              **{k: v for k, v in data.items() if k.startswith("indicateurs-")
                 and "TOTAL" not in k},
              "valeurs-0-indicator": str(local.pk), "valeurs-0-measured_on": "2026-10-01",
              "valeurs-0-value": "2", "valeurs-0-source": "Relevé d'essai de l'équipe"}
    assert client.post(editor, values).status_code == 302
    assert local.values.get().source == "Relevé d'essai de l'équipe"

    client.logout()
    page = client.get(f"/labo/{call.slug}/epci-244400404/")
    assert page.status_code == 200
    text = shown(page)
    assert "Diagnostic de vulnérabilité" in text and "Avancement : 40 %" in text
    # the real heat value of a Nantes QPV, as the analysis has it
    _, entries = results.results(store, HEAT.code, "qpv", ("epci", "244400404"), None, 500, 0)
    bellevue = next(e for e in entries if e["code"] == "QN04405M")
    value = bellevue["components"]["sens_seuls"]["value"]
    assert format_value(value, "%") in text and "Bellevue" in text
    assert "/analyses/chaleur/qpv/QN04405M/" in text and "/analyses/chaleur/epci/244400404/" in text
    pooled = store.qpv_comparison("epci", "244400404")
    poverty = next(r for r in pooled["rows"] if r["indicator"].code == "taux_pauvrete")
    assert poverty["subject"].vintage in text
    assert "Cours d'école désimperméabilisées" in text and "Relevé d'essai" in text
    index = shown(client.get("/labo/"))
    assert f"/labo/{call.slug}/epci-244400404/" in index
    assert client.get(f"/labo/{call.slug}/epci-243500139/").status_code == 404  # not selected


def test_no_more_territories_than_the_call_accompanies(client, call, staff_client, outbox):
    a, b, c = (submitted(client, call, n, ("commune", code))
               for n, code in ((1, "44109"), (2, "35238"), (3, "49007")))
    for application in (a, b):
        staff_client.post(f"/labo/equipe/candidature/{application.pk}/",
                          {"action": "decider", "decision-decision": "retenue"})
    response = staff_client.post(f"/labo/equipe/candidature/{c.pk}/",
                                 {"action": "decider", "decision-decision": "retenue"})
    assert response.status_code == 400
    assert "L'appel accompagne 2 territoires, et 2 sont déjà retenus" in shown(response)


STAFF_PATHS = ("/labo/equipe/", "/labo/equipe/{slug}/", "/labo/equipe/candidature/{pk}/",
               "/labo/equipe/candidature/{pk}/feuille-de-route/",
               "/labo/equipe/candidature/{pk}/pieces/1/")


def test_staff_pages_refuse_anonymous_people_and_project_leads(client, call, staff_user):
    application = Application.objects.create(call=call, status=Status.SELECTED, level="epci",
                                             code="244400404")
    paths = [p.format(slug=call.slug, pk=application.pk) for p in STAFF_PATHS]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/comptes/connexion/?next="), path
    client.force_login(UserFactory(roles=[Role.PROJECT_LEAD]))
    for path in paths:
        assert client.get(path).status_code == 403, path
        assert client.post(path, {"action": "decider"}).status_code == 403, path
    application.refresh_from_db()
    assert application.status == Status.SELECTED


def test_personal_data_is_declared_exported_and_erased(client, call, outbox):
    assert apps.get_app_config("labo").personal_data == "quartiers.web.labo.privacy"
    kept = submitted(client, call)
    client.post(f"/labo/{call.slug}/candidater/",
                form_data(call, 1, territory=RENNES_METROPOLE))  # a draft, same person
    person = Person.objects.get(email="candidat1@exemple.test")
    exported = export_everything(person)["applications"]["Labo Quartiers en Transition"]
    rows = exported["candidatures au Labo Quartiers en Transition"]
    assert {row["statut"] for row in rows} == {"Déposée", "Brouillon"}
    assert rows[0]["nom du contact"] == "Personne D'essai1"
    assert "Réponse d'essai : Place des habitants." in rows[0]["réponses"].values()

    erase_everywhere(person, reason="Demande d'essai")
    assert list(Application.objects.values_list("pk", flat=True)) == [kept.pk]
    kept.refresh_from_db()
    assert (kept.person, kept.contact_name, kept.contact_role) == (None, "", "")
    assert kept.status == Status.SUBMITTED and kept.territory_name == "Nantes Métropole"
    assert not outbox.filter(to="candidat1@exemple.test").exists()


def test_retention_deletes_old_drafts_and_contacts(client, call, outbox):
    from datetime import timedelta

    from django.utils import timezone

    from quartiers.web.labo.tasks import purge

    kept = submitted(client, call)
    client.post(f"/labo/{call.slug}/candidater/", form_data(call, 2, territory=RENNES_METROPOLE))
    assert purge() == (0, 0)
    assert purge(timezone.now() + timedelta(days=250)) == (1, 0)
    assert purge(timezone.now() + timedelta(days=4 * 365)) == (0, 1)
    kept.refresh_from_db()
    assert kept.person is None and kept.contact_name == ""


def test_staff_create_a_call_in_the_back_office(staff_client):
    from quartiers.web.labo.models import Call

    assert staff_client.get("/gestion/snippets/labo/call/").status_code == 200
    add = "/gestion/snippets/labo/call/add/"
    assert staff_client.get(add).status_code == 200
    data = {"title": "Appel d'essai créé dans la gestion", "slug": "appel-gestion",
            "summary": "Résumé d'essai.",
            "presentation": '{"blocks": [{"key": "a", "type": "unstyled", "text": "Essai", '
                            '"depth": 0, "inlineStyleRanges": [], "entityRanges": []}], '
                            '"entityMap": {}}',
            "opens_at": "2026-01-05 09:00", "deadline": "2026-03-31 12:00", "places": "3",
            "status": "publie",
            "criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "0",
            "criteria-MIN_NUM_FORMS": "1", "criteria-MAX_NUM_FORMS": "1000",
            "criteria-0-title": "Connaissance des enjeux", "criteria-0-question": "Question ?",
            "criteria-0-weight": "2", "criteria-0-ORDER": "1",
            "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0", "documents-MAX_NUM_FORMS": "1000"}
    bad = staff_client.post(add, {**data, "places": "6", "slug": "equipe"})
    assert bad.status_code == 200 and not Call.objects.exists()
    page = shown(bad)
    assert "est réservé aux pages du Labo" in page
    staff_client.post(add, data)
    call = Call.objects.get()
    assert call.places == 3 and call.criteria.get().weight == 2
    assert call.deadline.astimezone(UTC).hour == 10  # 12:00 in Paris, summer time
    assert call.deadline_label == "31/03/2026 à 12:00"
