"""« Ressources »: facets as GET filters with their counts, full-text search over resources and
their documents' text, pages of results."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.base import ContentFile

from quartiers.web.library.listing import PER_PAGE
from quartiers.web.library.models import Kind, ResourceFile, ResourceTerritory

from ..programme.factories import PublicFactory, ThemeFactory
from .factories import (
    ResourceDocumentFactory,
    ResourcePageFactory,
    pdf_with_text,
)

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', response.content.decode())


def option(response, param: str, value: str) -> str:
    """The text of one choice of a facet's list."""
    select = re.search(rf'<select id="facet-{param}".*?</select>', response.content.decode(),
                       re.S).group(0)
    return re.search(rf'<option value="{re.escape(value)}"[^>]*>([^<]+)</option>', select).group(1)


@pytest.fixture
def collection():
    health, culture = ThemeFactory(name="Santé", slug="sante"), ThemeFactory(
        name="Culture", slug="culture")
    elected = PublicFactory(name="Élu·es", slug="elus")
    return {
        "study": ResourcePageFactory(
            title="Étude santé Maurepas", kind=Kind.STUDY, date=datetime.date(2024, 6, 13),
            themes=[health], publics=[elected],
            territories=[ResourceTerritory(level="qpv", code="QN03504M")]),
        "portrait": ResourcePageFactory(
            title="Portrait d'une artiste", kind=Kind.ARTIST, date=datetime.date(2023, 3, 1),
            themes=[culture], territories=[ResourceTerritory(level="commune", code="35238")]),
        "video": ResourcePageFactory(title="Vidéo culture et santé", kind=Kind.VIDEO,
                                     date=datetime.date(2024, 2, 20), themes=[health, culture]),
        "draft": ResourcePageFactory(title="Brouillon", kind=Kind.STUDY, live=False),
    }


def test_the_listing_shows_live_resources_newest_first(client, collection):
    response = client.get("/ressources/")
    assert response.status_code == 200
    assert titles(response) == ["Étude santé Maurepas", "Vidéo culture et santé",
                                "Portrait d&#x27;une artiste"]
    assert "3 ressources" in response.content.decode()


def test_facets_count_each_choice(client, collection):
    response = client.get("/ressources/")
    assert option(response, "type", "etude-data-quartiers") == "Étude Data &amp; Quartiers (1)"
    assert option(response, "theme", "sante") == "Santé (2)"
    assert option(response, "theme", "culture") == "Culture (2)"
    assert option(response, "public", "elus") == "Élu·es (1)"
    assert option(response, "annee", "2024") == "2024 (2)"
    assert option(response, "territoire", "qpv:QN03504M") == \
        "Maurepas (Quartier prioritaire (QPV 2024)) (1)"
    assert option(response, "territoire", "commune:35238") == "Rennes (Commune) (1)"


def test_filters_combine_and_count_the_other_choices(client, collection):
    response = client.get("/ressources/", {"theme": "sante", "annee": "2024"})
    assert titles(response) == ["Étude santé Maurepas", "Vidéo culture et santé"]
    # the theme's own counts ignore the theme chosen, not the year
    assert option(response, "theme", "culture") == "Culture (1)"
    assert "selected" in re.search(r'<option value="sante"[^>]*>', response.content.decode())[0]
    response = client.get("/ressources/", {"theme": "sante", "type": "video"})
    assert titles(response) == ["Vidéo culture et santé"]
    assert "Thème : Santé" in response.content.decode()


def test_unknown_filter_values_are_ignored(client, collection):
    response = client.get("/ressources/", {"type": "inconnu", "annee": "deux", "territoire": "x"})
    assert len(titles(response)) == 3


def test_search_finds_a_word_only_in_an_attached_document(client, collection, run_tasks):
    document = ResourceDocumentFactory(
        title="Annexe", file=ContentFile(pdf_with_text("Le zinzolin des halls"), "annexe.pdf"))
    ResourcePageFactory(title="Fiche avec annexe", files=[ResourceFile(document=document)])
    run_tasks()  # the worker: text extracted, resources and documents indexed
    response = client.get("/ressources/", {"q": "zinzolin"})
    assert titles(response) == ["Fiche avec annexe"]
    assert "1 ressource pour « zinzolin »" in response.content.decode()


def test_search_combines_with_facets(client, collection, run_tasks):
    run_tasks()
    assert sorted(titles(client.get("/ressources/", {"q": "santé"}))) == [
        "Vidéo culture et santé", "Étude santé Maurepas"]
    response = client.get("/ressources/", {"q": "santé", "type": "video"})
    assert titles(response) == ["Vidéo culture et santé"]
    assert option(response, "type", "etude-data-quartiers") == "Étude Data &amp; Quartiers (1)"
    assert titles(client.get("/ressources/", {"q": "brouillon"})) == []


@pytest.mark.parametrize("query", ['"', 'politique "de la', "(ville) OR *", "a:b ^c -d", "]["])
def test_search_operators_are_words(client, collection, query):
    """The database backends would read them as syntax (SQLite: « unterminated string »)."""
    response = client.get("/ressources/", {"q": query})
    assert response.status_code == 200


def test_results_come_in_pages(client):
    for number in range(PER_PAGE + 2):
        ResourcePageFactory(title=f"Fiche {number:02d}", date=datetime.date(2020, 1, 1 + number))
    first = client.get("/ressources/")
    assert len(titles(first)) == PER_PAGE
    assert "Page 1 sur 2" in first.content.decode()
    second = client.get("/ressources/", {"page": "2"})
    assert titles(second) == ["Fiche 01", "Fiche 00"]
    assert 'href="?page=1" rel="prev"' in second.content.decode()
