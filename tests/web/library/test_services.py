"""`quartiers init`'s library content: the « Ressources » page and the centre's two real action
programmes as its first resources, loaded once."""

from __future__ import annotations

import pytest

from quartiers.web.library.models import Kind, ResourceDocument, ResourceIndexPage, ResourcePage
from quartiers.web.library.services import load_bundled

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _programmes():
    """The resources are made after the programmes they present, as `quartiers init` does."""
    from quartiers.web.programme.services import load_bundled as load_programmes

    load_programmes()


def test_the_programmes_become_the_first_resources(client, run_tasks):
    report = load_bundled()
    assert report == ("Ressources : page « Ressources » créée, programmes d'actions 2024 et "
                      "2026 ajoutés comme ressources.")
    assert ResourceIndexPage.objects.get().url == "/ressources/"
    first, second = ResourcePage.objects.live().order_by("title")
    assert (first.title, second.title) == ("Programme d'actions 2024", "Programme d'actions 2026")
    assert {first.kind, second.kind} == {Kind.PROGRAMME}
    assert first.summary.startswith("L'annonce de Quartiers 2030 marque un nouvel élan")
    assert second.summary.startswith("RésO Villes vous propose un programme d’actions ambitieux "
                                     "pour 2026")
    assert 'href="/programme/2024/"' in client.get(first.url).content.decode()
    assert sorted((t.level, t.code) for t in first.territories.all()) == [
        ("region", "52"), ("region", "53")]

    run_tasks()  # the worker: the documents' text, then the search index
    document = first.files.get().document
    assert document.text_is_current and "2, rue Meuris - 44100 NANTES" in document.text
    response = client.get("/ressources/", {"q": "Meuris"})  # only in the document's text
    assert "1 ressource pour « Meuris »" in response.content.decode()
    assert "Programme d&#x27;actions 2024" in response.content.decode()


def test_loading_again_changes_nothing():
    load_bundled()
    assert load_bundled() == ("Ressources : page « Ressources » déjà en place, programmes "
                              "d'actions déjà présents.")
    assert ResourcePage.objects.count() == 2 and ResourceDocument.objects.count() == 2


def test_the_programmes_show_on_the_profiles_of_their_regions(client):
    load_bundled()
    text = client.get("/territoires/qpv/QN03504M/").content.decode()
    assert "Programme d&#x27;actions 2026" in text and "sur la région Bretagne" in text
