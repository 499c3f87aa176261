"""Events made by hand for the tests (« Événement d'essai »), under the « Agenda » page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quartiers.web.core.content import mark_changed
from quartiers.web.events.models import EventPage, Mode
from quartiers.web.events.services import agenda_index


@pytest.fixture(autouse=True)
def _content_stamp():
    mark_changed()
    yield
    mark_changed()


def make_event(title="Événement d'essai", days=10, **fields) -> EventPage:
    index_page, _ = agenda_index()
    day = timezone.localdate() + timedelta(days=days)
    defaults = {"summary": "Événement d'essai créé par les tests.", "date": day,
                "mode": Mode.ON_SITE, "commune": "Rennes", "department": "35",
                "place_name": "Salle d'essai"}
    event = EventPage(title=title, **{**defaults, **fields})
    index_page.add_child(instance=event)
    event.save_revision().publish()
    return EventPage.objects.get(pk=event.pk)


@pytest.fixture
def event_factory(db):
    return make_event



def form_data(n=0, **extra) -> dict:
    return {"first_name": "Personne", "last_name": f"D'essai {n}",
            "email": f"personne{n}@exemple.test", **extra}
