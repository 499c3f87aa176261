"""Calls made by hand for the tests (« Appel d'essai », with three criteria), the outbox as the
platform uses it (messages held: no server), and the real territories they apply for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quartiers.web.labo.models import Call, Criterion
from quartiers.web.mail.models import OutgoingMessage

NANTES_METROPOLE = ("epci", "244400404")
"""An EPCI whose QPV have results in the heat analysis (README « Les analyses »)."""
RENNES_METROPOLE = ("epci", "243500139")
CRITERIA = (("Connaissance des enjeux", 3), ("Mobilisation des partenaires", 2),
            ("Place des habitants", 1))


def make_call(slug="appel-essai", *, deadline_days=30, opened_days=10, **fields) -> Call:
    now = timezone.now()
    call = Call.objects.create(**{
        "title": "Appel d'essai du Labo", "slug": slug,
        "summary": "Appel d'essai créé par les tests.",
        "presentation": "<p>Présentation d'essai.</p>", "places": 2,
        "opens_at": now - timedelta(days=opened_days),
        "deadline": now + timedelta(days=deadline_days), "status": Call.Status.PUBLISHED,
        **fields})
    for position, (title, weight) in enumerate(CRITERIA):
        Criterion.objects.create(call=call, sort_order=position, title=title, weight=weight,
                                 question=f"Question d'essai sur « {title.lower()} ».")
    return call


@pytest.fixture
def call(db):
    return make_call()


@pytest.fixture(autouse=True)
def outbox(settings):
    """The platform's own backend, without a server: every message waits in the outbox."""
    settings.EMAIL_BACKEND = "quartiers.web.mail.backend.OutboxBackend"
    settings.EMAIL_HOST = ""
    return OutgoingMessage.objects


def form_data(call, n=1, territory=NANTES_METROPOLE, **extra) -> dict:
    data = {"level": territory[0], "code": territory[1], "structure": "Structure d'essai",
            "contact_name": f"Personne D'essai{n}", "email": f"candidat{n}@exemple.test",
            "contact_role": "Chef·fe de projet d'essai", "motivation": "Motivation d'essai.",
            "consent": "on", "action": "enregistrer"}
    for criterion in call.criteria.all():
        data[f"answer_{criterion.pk}"] = f"Réponse d'essai : {criterion.title}."
    return {**data, **extra}
