"""The library's models: territories checked against the referential, documents' text
extracted in the background, resources published under « Ressources »."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django_tasks_db.models import DBTaskResult

from quartiers.web.library.models import ResourceFile, ResourceTerritory

from ..programme.factories import PublicFactory, ThemeFactory
from .factories import (
    ResourceDocumentFactory,
    ResourcePageFactory,
    pdf_with_text,
)

pytestmark = pytest.mark.django_db


def test_a_territory_code_is_normalised_and_checked():
    tag = ResourceTerritory(level="qpv", code=" qn03504m ")
    tag.clean()
    assert tag.code == "QN03504M"
    assert tag.name == "Maurepas"
    assert tag.url == "/territoires/qpv/QN03504M/"


def test_an_unknown_territory_code_is_refused_with_suggestions():
    with pytest.raises(ValidationError) as refused:
        ResourceTerritory(level="qpv", code="QN03504X").clean()
    message = refused.value.message_dict["code"][0]
    assert "QN03504X" in message and "Maurepas" in message and "QN03504M" in message


def test_a_commune_code_is_checked_at_its_level():
    ResourceTerritory(level="commune", code="35238").clean()
    with pytest.raises(ValidationError, match="35238"):
        ResourceTerritory(level="epci", code="35238").clean()


def test_the_text_of_a_document_is_extracted_in_the_background(run_tasks):
    document = ResourceDocumentFactory(file=ContentFile(pdf_with_text("zinzolin"), "note.pdf"))
    assert document.text == ""
    run_tasks()
    document.refresh_from_db()
    assert document.text.strip() == "zinzolin"
    assert document.text_is_current


def test_a_title_change_does_not_extract_again(run_tasks):
    document = ResourceDocumentFactory()
    run_tasks()
    document.refresh_from_db()
    waiting = DBTaskResult.objects.filter(task_path__endswith="extract_document_text").count()
    document.title = "Nouveau titre"
    document.save()
    assert DBTaskResult.objects.filter(
        task_path__endswith="extract_document_text").count() == waiting


def test_a_resource_with_its_taxonomy_files_and_territories():
    theme, public = ThemeFactory(name="Santé", slug="sante"), PublicFactory()
    document = ResourceDocumentFactory()
    page = ResourcePageFactory(
        themes=[theme], publics=[public], files=[ResourceFile(document=document)],
        territories=[ResourceTerritory(level="qpv", code="QN03504M")])
    assert page.live and page.url_path.endswith("/ressources/" + page.slug + "/")
    assert list(page.themes.all()) == [theme]
    assert [f.document for f in page.files.all()] == [document]
    assert [(t.level, t.code) for t in page.territories.all()] == [("qpv", "QN03504M")]
    assert document.type_name == "PDF"
