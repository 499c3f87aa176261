"""A person's applications to the Labo, exported or erased on request (GDPR). A draft goes
whole; a submitted application is about a territory and stays in the call's record (its
scores, decision and roadmap), without its contact."""

from __future__ import annotations

from .models import Application


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def export_person(person) -> dict:
    applications = (Application.objects.filter(person=person).select_related("call")
                    .prefetch_related("answers__criterion", "attachments"))
    return {"candidatures au Labo Quartiers en Transition": [{
        "appel": application.call.title,
        "statut": application.get_status_display(),
        "territoire": application.territory_label,
        "structure": application.structure,
        "nom du contact": application.contact_name,
        "fonction du contact": application.contact_role,
        "réponses": {answer.criterion.title: answer.text for answer in application.answers.all()},
        "motivation": application.motivation,
        "pièces jointes": [attachment.name for attachment in application.attachments.all()],
        "commencée le": _when(application.created_at),
        "déposée le": _when(application.submitted_at),
        "décision": application.decision_reason if application.decided_at else None,
        "décidée le": _when(application.decided_at),
    } for application in applications]}


def erase_person(person) -> None:
    applications = Application.objects.filter(person=person)
    applications.filter(status=Application.Status.DRAFT).delete()
    applications.update(person=None, contact_name="", contact_role="")
