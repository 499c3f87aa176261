"""The messages an applicant receives, stored in the outbox (mail app) in the caller's
transaction and delivered by the worker; category « labo »."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string

CATEGORY = "labo"
SUBJECTS = {
    "draft": "Votre brouillon de candidature : {title}",
    "submitted": "Candidature déposée : {title}",
    "selected": "Votre candidature est retenue : {title}",
    "not_selected": "Votre candidature n'est pas retenue : {title}",
}


def _send(application, kind: str) -> None:
    from .services import resume_url

    site = settings.QUARTIERS.site_url.rstrip("/")
    call = application.call
    context = {"application": application, "call": call, "site_url": site,
               "call_url": site + call.get_absolute_url(),
               "link": site + resume_url(application),
               "answers": application.answers.select_related("criterion")
               .order_by("criterion__sort_order", "criterion__pk"),
               "attachments": application.attachments.only("name", "size")}
    EmailMessage(subject=SUBJECTS[kind].format(title=call.title),
                 body=render_to_string(f"labo/email/{kind}.txt", context),
                 to=[application.person.email],
                 connection=get_connection(category=CATEGORY)).send()


def draft_saved(application) -> None:
    _send(application, "draft")


def submitted(application) -> None:
    _send(application, "submitted")


def decided(application) -> None:
    _send(application, "selected" if application.status == "retenue" else "not_selected")
