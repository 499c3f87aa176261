"""Documents: extraction page by page and its statuses (scanned, corrupt, protected), the
search with highlighted passages, the priorities' passages. Fixtures: the two bundled
programme documents, typeset or archived by the test (see factories.py)."""

from __future__ import annotations

import pytest

from quartiers.web.contracts.extraction import upload_refusal
from quartiers.web.contracts.models import DocumentPage, Extraction, PriorityMatch

from .factories import (
    corrupt_pdf,
    programme_docx,
    programme_odt,
    programme_pdf,
    protected_pdf,
    scanned_pdf,
    stored_document,
)

pytestmark = pytest.mark.django_db


def test_a_pdf_is_read_page_by_page_and_tagged(rennes, priorities):
    document = stored_document(rennes, "programme-2024.pdf", programme_pdf(2024))
    assert document.extraction == Extraction.EXTRACTED
    assert document.page_count > 1
    pages = list(document.pages.order_by("number"))
    assert "Quartiers 2030" in pages[0].text
    assert pages[0].folded == pages[0].folded.lower() and "é" not in pages[0].folded
    data = PriorityMatch.objects.filter(document=document, priority__slug="clauses-data")
    assert data.exists()  # « les clauses data et le volet investissement » (édito 2024)
    assert any("clause" in m.keywords for m in data)


@pytest.mark.parametrize("maker, name", [(programme_docx, "programme.docx"),
                                         (programme_odt, "programme.odt")])
def test_word_processing_files_are_read_in_parts(rennes, priorities, maker, name):
    document = stored_document(rennes, name, maker(2024))
    assert document.extraction == Extraction.EXTRACTED
    assert not document.paged and document.page_count is None
    assert document.pages.count() > 1


@pytest.mark.parametrize("maker, status, said", [
    (scanned_pdf, Extraction.NO_TEXT, "document numérisé sans texte : non indexé"),
    (protected_pdf, Extraction.PROTECTED, "protégé par mot de passe"),
    (corrupt_pdf, Extraction.UNREADABLE, "illisible"),
])
def test_files_without_readable_text_are_said_never_indexed(client, rennes, maker, status, said):
    document = stored_document(rennes, "fichier.pdf", maker())
    assert document.extraction == status
    assert not DocumentPage.objects.filter(document=document).exists()
    page = client.get(f"/contrats/{rennes['code']}/documents/{document.pk}/")
    assert said in page.content.decode()


def test_uploads_refuse_other_types_huge_files_and_too_many_pages():
    import io

    pdf = programme_pdf(2024)
    assert "PDF, DOCX ou ODT" in upload_refusal("notes.txt", 10, io.BytesIO(b"x"), 50, 2000)
    assert "ne peut dépasser 1 Mo" in upload_refusal("gros.pdf", 2 * 2**20, io.BytesIO(pdf),
                                                     1, 2000)
    assert "ne peut dépasser 1 pages" in upload_refusal("long.pdf", len(pdf), io.BytesIO(pdf),
                                                        50, 1)
    assert "n'est pas un fichier PDF" in upload_refusal(
        "faux.pdf", 20, io.BytesIO(b"<html>faux</html>"), 50, 2000)
    assert upload_refusal("protege.pdf", 10, io.BytesIO(protected_pdf()), 50, 2000) is None


def test_search_is_accent_and_case_blind_and_highlights_escaped_passages(client, rennes):
    document = stored_document(rennes, "programme-2024.pdf", programme_pdf(2024))
    page = client.get("/contrats/recherche/", {"q": "QUARTIERS 2030 gouvernance"})
    html = page.content.decode()
    assert document.title in html
    assert "<mark>Quartiers</mark> <mark>2030</mark>" in html
    assert "<mark>gouvernances</mark>" not in html and "<mark>gouvernance</mark>" in html
    assert "Page 1" in html
    # the header's territory search is not filled with the documents' words
    assert 'id="q" name="q" type="search" value=""' in html
    # « education » finds « éducation » and is highlighted with its accent
    html = client.get("/contrats/recherche/", {"q": "education"}).content.decode()
    assert "<mark>éducation</mark>" in html.lower() or "<mark>Éducation</mark>" in html
    # what the visitor types is escaped, never markup
    html = client.get("/contrats/recherche/", {"q": "<script>x</script>"}).content.decode()
    assert "<script>x</script>" not in html


def test_search_filters_by_generation_and_priority(client, rennes, priorities, store):
    stored_document(rennes, "programme-2024.pdf", programme_pdf(2024))
    found = client.get("/contrats/recherche/", {"q": "habitants", "generation": "2024-2030",
                                                "priorite": "clauses-data"})
    assert "programme-2024.pdf" in found.content.decode()
    other = client.get("/contrats/recherche/", {"q": "habitants", "generation": "2015-2023"})
    assert "programme-2024.pdf" not in other.content.decode()


def test_reserved_documents_never_reach_the_public_search(client, rennes):
    stored_document(rennes, "revue-2026.pdf", programme_pdf(2026), kind="revue-annuelle",
                    public=False)
    html = client.get("/contrats/recherche/", {"q": "programme"}).content.decode()
    assert "revue-2026.pdf" not in html


def test_the_document_page_shows_each_priority_with_its_passages(client, rennes, priorities):
    document = stored_document(rennes, "programme-2024.pdf", programme_pdf(2024))
    html = client.get(f"/contrats/{rennes['code']}/documents/{document.pk}/").content.decode()
    assert 'id="priorite-clauses-data"' in html
    assert "mots-clés : " in html and "<mark>" in html
    file = client.get(f"/contrats/{rennes['code']}/documents/{document.pk}/fichier")
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"


def test_changed_keywords_tag_the_documents_again(rennes, priorities, django_capture_on_commit_callbacks):
    from quartiers.web.contracts.models import Priority
    from quartiers.web.contracts.tasks import tag_priority

    document = stored_document(rennes, "programme-2026.pdf", programme_pdf(2026))
    priority = Priority.objects.get(slug="sante")
    priority.keywords = "RésO Villes"
    priority.save()
    tag_priority.call(priority.pk)
    matches = PriorityMatch.objects.filter(document=document, priority=priority)
    assert matches.exists() and all(m.keywords == "RésO Villes" for m in matches)
