"""Uploads through the back office: a file's content must be what its extension says, and no
file may exceed the configured size; the refusal is French and names the file."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Collection

from quartiers.web.library.contents import extracted_text, refusal
from quartiers.web.library.models import ResourceDocument

from .factories import pdf_with_text

pytestmark = pytest.mark.django_db

HTML_AS_PDF = b"<html><body><script>alert('pdf')</script></body></html>"


def office_file(main_part: str, xml: str) -> bytes:
    """A minimal Office Open XML archive (hand-made test fixture)."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, xml)
    return data.getvalue()


def open_document(mimetype: str, content: str) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", content)
    return data.getvalue()


DOCX = office_file("word/document.xml", (
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    "<w:p><w:r><w:t>Premier</w:t></w:r><w:r><w:tab/><w:t>paragraphe</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>Second</w:t></w:r></w:p></w:body></w:document>"))
ODT = open_document("application/vnd.oasis.opendocument.text", (
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
    "<text:h>Titre</text:h><text:p>Un<text:s/>texte <text:span>suivi</text:span></text:p>"
    "</office:text></office:body></office:document-content>"))


@pytest.mark.parametrize(("name", "content"), [
    ("rapport.pdf", pdf_with_text("rapport")), ("note.docx", DOCX), ("note.odt", ODT),
    ("tableau.xlsx", office_file("xl/workbook.xml", "<workbook/>")),
    ("tableau.ods", open_document("application/vnd.oasis.opendocument.spreadsheet", "<x/>")),
    ("liste.csv", b"code;nom\nQN03504M;Maurepas\n"), ("lisez-moi.txt", b"Bonjour.\n")])
def test_each_allowed_type_is_accepted_with_its_real_content(name, content):
    assert refusal(name, len(content), io.BytesIO(content), 50) is None


@pytest.mark.parametrize(("name", "content"), [
    ("rapport.pdf", HTML_AS_PDF), ("rapport.pdf", DOCX), ("note.docx", pdf_with_text("x")),
    ("note.docx", ODT), ("note.odt", DOCX), ("tableau.xlsx", DOCX), ("tableau.ods", ODT),
    ("liste.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ("lisez-moi.txt", DOCX)])
def test_a_disguised_file_is_refused(name, content):
    message = refusal(name, len(content), io.BytesIO(content), 50)
    assert message.startswith(f"« {name} » n'est pas un fichier")


def test_text_is_read_from_each_searched_type():
    assert extracted_text("a.pdf", io.BytesIO(pdf_with_text("zinzolin"))).strip() == "zinzolin"
    assert extracted_text("a.docx", io.BytesIO(DOCX)) == "Premier\tparagraphe\nSecond"
    assert extracted_text("a.odt", io.BytesIO(ODT)) == "Titre\nUn texte suivi"
    assert extracted_text("a.txt", io.BytesIO("Épinal".encode("cp1252"))) == "Épinal"
    assert extracted_text("a.csv", io.BytesIO("\ufeffcode;nom".encode())) == "code;nom"
    assert extracted_text("a.xlsx", io.BytesIO(b"")) == ""


def upload(client, name: str, content: bytes):
    return client.post(reverse("wagtaildocs:add"), {
        "title": "Un document", "collection": Collection.get_first_root_node().pk,
        "file": SimpleUploadedFile(name, content)})


def test_the_back_office_refuses_html_disguised_as_pdf(staff_client):
    response = upload(staff_client, "rapport.pdf", HTML_AS_PDF)
    assert response.status_code == 200
    assert "« rapport.pdf » n&#x27;est pas un fichier PDF" in response.content.decode()
    assert not ResourceDocument.objects.exists()


def test_the_multiple_upload_refuses_it_too(staff_client):
    response = staff_client.post(reverse("wagtaildocs:add_multiple"), {
        "files[]": SimpleUploadedFile("rapport.pdf", HTML_AS_PDF),
        "collection": Collection.get_first_root_node().pk})
    answer = json.loads(response.content)
    assert answer["success"] is False
    assert "« rapport.pdf » n'est pas un fichier PDF" in answer["error_message"]
    assert not ResourceDocument.objects.exists()


def test_a_file_above_the_limit_is_refused(staff_client, settings):
    settings.QUARTIERS = settings.QUARTIERS.with_options(max_upload_mb=1)
    response = upload(staff_client, "gros.pdf", pdf_with_text("gros") + b"%" * 2**20)
    assert "« gros.pdf » pèse 1,0\xa0Mo : un document ne peut dépasser 1 Mo." in \
        response.content.decode().replace("&#x27;", "'")
    assert not ResourceDocument.objects.exists()


def test_a_real_pdf_is_accepted_and_its_text_extracted(staff_client, run_tasks):
    response = upload(staff_client, "rapport.pdf", pdf_with_text("zinzolin"))
    assert response.status_code == 302
    run_tasks()
    document = ResourceDocument.objects.get()
    assert document.text.strip() == "zinzolin" and document.text_is_current
