"""Applying without an account: a draft saved, its link e-mailed and followed, the application
submitted and confirmed by e-mail (through the outbox); duplicates and late applications
refused; bad input answered in French, naming the field, with nothing stored."""

from __future__ import annotations

import html
import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from quartiers.web.contacts.models import Consent
from quartiers.web.labo.models import Application, Call
from quartiers.web.labo.services import CONSENT_PURPOSE, resume_url

from .conftest import NANTES_METROPOLE, RENNES_METROPOLE, form_data, make_call

pytestmark = pytest.mark.django_db
Status = Application.Status


def shown(response) -> str:
    """The page's text as read (entities such as &#x27; decoded)."""
    return html.unescape(response.content.decode())


def link_in(message) -> str:
    return re.search(r"https?://\S+(/labo/candidature/\S+/)", message.text()).group(1)


def pdf_file(name="dossier.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n% fichier d'essai\n", "application/pdf")


def test_draft_link_resume_submit_confirmation(client, call, outbox):
    apply_url = f"/labo/{call.slug}/candidater/"
    assert client.get(apply_url).status_code == 200
    partial = {"contact_name": "Personne D'essai", "email": "candidat1@exemple.test",
               "consent": "on", "action": "enregistrer",
               "attachments": pdf_file()}
    response = client.post(apply_url, partial)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == Status.DRAFT and application.code == ""
    assert application.attachments.get().name == "dossier.pdf"
    assert response["Location"] == resume_url(application) + "?enregistre=1"
    assert Consent.objects.filter(person__email="candidat1@exemple.test",
                                  purpose=CONSENT_PURPOSE).count() == 1

    draft_mail = outbox.get()
    assert draft_mail.category == "labo" and draft_mail.to == "candidat1@exemple.test"
    assert "Votre brouillon de candidature" in draft_mail.subject
    link = link_in(draft_mail)
    page = client.get(link)
    assert page.status_code == 200 and 'value="Personne D\'essai"' in shown(page)
    assert "dossier.pdf" in shown(page) and "Date limite de dépôt" in shown(page)

    # saved again through the link: same application, no second e-mail
    assert client.post(link, form_data(call)).status_code == 302
    application.refresh_from_db()
    assert application.territory_name == "Nantes Métropole"
    assert outbox.count() == 1

    response = client.post(link, form_data(call, action="deposer"))
    assert response.status_code == 302 and response["Location"].endswith("?depose=1")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.submitted_at
    confirmation = outbox.get(subject__startswith="Candidature déposée")
    text = confirmation.text()
    assert "Nantes Métropole (EPCI 244400404)" in text
    assert "Réponse d'essai : Place des habitants." in text and "dossier.pdf" in text
    done = client.get(response["Location"])
    assert "Candidature déposée" in shown(done) and "Déposée" in shown(done)
    # a submitted application no longer changes
    again = client.post(link, form_data(call, structure="Autre"))
    assert again.status_code == 200 and "Autre" not in shown(again)


def test_a_territory_submits_once(client, call, outbox):
    first = client.post(f"/labo/{call.slug}/candidater/", form_data(call, 1, action="deposer"))
    assert first.status_code == 302
    second = client.post(f"/labo/{call.slug}/candidater/", form_data(call, 2, action="deposer"))
    assert second.status_code == 400
    assert ("Une candidature pour Nantes Métropole (EPCI 244400404) a déjà "
            "été déposée à cet appel") in shown(second)
    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == [Status.DRAFT, Status.SUBMITTED]  # the second kept as a draft
    # another territory may apply
    third = client.post(f"/labo/{call.slug}/candidater/",
                        form_data(call, 3, territory=RENNES_METROPOLE, action="deposer"))
    assert third.status_code == 302


def test_the_database_refuses_a_second_submitted_application(call):
    fields = {"call": call, "level": NANTES_METROPOLE[0], "code": NANTES_METROPOLE[1],
              "status": Status.SUBMITTED}
    Application.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(**{**fields, "status": Status.SELECTED})
    Application.objects.create(**{**fields, "status": Status.DRAFT})  # drafts may coexist


def test_after_the_deadline_nothing_is_saved_nor_submitted(client, outbox):
    late = make_call("appel-clos", deadline_days=-1, opened_days=40)
    page = client.get(f"/labo/{late.slug}/candidater/")
    assert "La date limite de dépôt était le" in shown(page) and "labo-form" not in shown(page)
    response = client.post(f"/labo/{late.slug}/candidater/", form_data(late, action="deposer"))
    assert response.status_code == 400 and "ne reçoit plus de candidatures" in shown(response)
    assert not Application.objects.exists() and not outbox.exists()


def test_a_draft_cannot_be_submitted_after_the_deadline(client, call, outbox):
    client.post(f"/labo/{call.slug}/candidater/", form_data(call))
    application = Application.objects.get()
    Call.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    page = client.get(resume_url(application))
    assert "brouillons compris" in shown(page) and "Déposer la candidature" not in shown(page)
    response = client.post(resume_url(application), form_data(call, action="deposer"))
    assert response.status_code == 400 and "La date limite de dépôt était le" in shown(response)
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_a_call_not_yet_open_or_not_published(client, outbox):
    upcoming = make_call("a-venir", opened_days=-5)
    response = client.post(f"/labo/{upcoming.slug}/candidater/", form_data(upcoming))
    assert response.status_code == 400 and "Les candidatures ouvrent le" in shown(response)
    hidden = make_call("en-preparation", status=Call.Status.DRAFT)
    assert client.get(f"/labo/{hidden.slug}/").status_code == 404
    assert client.get(f"/labo/{hidden.slug}/candidater/").status_code == 404


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"email": "pas-une-adresse"}, "email", "Adresse électronique mal formée"),
    ({"consent": ""}, "consent", "Accord sur les données personnelles"),
    ({"code": "999999999"}, "code",
     "Code du territoire : code inconnu pour le niveau « EPCI (intercommunalité) »"),
    ({"code": "44109", "level": ""}, "level", "Niveau du territoire : choisissez"),
    ({"contact_name": ""}, "contact_name", "Nom et prénom du contact : Champ requis"),
])
def test_bad_input_names_the_field_and_stores_nothing(client, call, outbox, changes, field,
                                                      message):
    response = client.post(f"/labo/{call.slug}/candidater/", form_data(call, **changes))
    assert response.status_code == 400
    assert message in shown(response)
    assert f'id="id_{field}-erreur"' in shown(response) or field == "consent"
    assert not Application.objects.exists() and not outbox.exists()


def test_submission_needs_every_field_a_draft_does_not(client, call, outbox):
    criterion = call.criteria.first()
    data = form_data(call, structure="", **{f"answer_{criterion.pk}": ""})
    assert client.post(f"/labo/{call.slug}/candidater/", data).status_code == 302
    application = Application.objects.get()
    response = client.post(resume_url(application), {**data, "action": "deposer"})
    assert response.status_code == 400
    assert "Structure porteuse : ce champ est obligatoire pour déposer" in shown(response)
    assert f"{criterion.title} : ce champ est obligatoire pour déposer" in shown(response)
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_attachments_are_checked_by_their_content(client, call, outbox):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("faux.pdf", b"<html>pas un PDF</html>", "application/pdf")
    response = client.post(f"/labo/{call.slug}/candidater/",
                           {**form_data(call), "attachments": fake})
    assert response.status_code == 400
    assert "« faux.pdf » n'est pas un fichier PDF" in shown(response)
    sheet = SimpleUploadedFile("tableau.xlsx", b"PK", "application/octet-stream")
    response = client.post(f"/labo/{call.slug}/candidater/",
                           {**form_data(call), "attachments": sheet})
    assert "« tableau.xlsx » : seuls les fichiers PDF, Word (.docx) et OpenDocument" in shown(response)
    assert not Application.objects.exists()

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    odt = SimpleUploadedFile("projet.odt", buffer.getvalue())
    response = client.post(f"/labo/{call.slug}/candidater/",
                           {**form_data(call), "attachments": [odt, pdf_file()]})
    assert response.status_code == 302
    application = Application.objects.get()
    assert sorted(application.attachments.values_list("name", flat=True)) == [
        "dossier.pdf", "projet.odt"]
    own = application.attachments.get(name="dossier.pdf")
    download = client.get(f"{resume_url(application)}pieces/{own.pk}/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    # removed through the form
    client.post(resume_url(application), {**form_data(call), "remove": [own.pk]})
    assert list(application.attachments.values_list("name", flat=True)) == ["projet.odt"]


def test_forged_link_is_refused(client, call):
    response = client.get("/labo/candidature/1:faux:lien/")
    assert response.status_code == 400 and "Ce lien n'est pas valable" in shown(response)


def test_public_pages_list_open_and_past_calls(client, call):
    make_call("appel-passe", deadline_days=-30, opened_days=90, title="Appel passé d'essai")
    make_call("appel-cache", status=Call.Status.DRAFT, title="Appel caché d'essai")
    page = client.get("/labo/")
    assert page.status_code == 200
    text = shown(page)
    assert "Appel d'essai du Labo" in text and "Appel passé d'essai" in text
    assert "Appel caché d'essai" not in text
    assert "Labo Quartiers en Transition pour accompagner 2 à 4 territoires" in text
    detail = client.get(f"/labo/{call.slug}/")
    assert "Connaissance des enjeux" in shown(detail) and "(poids 3)" in shown(detail)
    assert "Remplir le formulaire de candidature" in shown(detail)
