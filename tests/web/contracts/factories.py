"""Documents for the tests, made by the platform from the two real programme documents
bundled in data/programmes/ (RésO Villes' action programmes 2024 and 2026): no contract text
is invented. A PDF is typeset by Typst, a DOCX or ODT is a minimal archive written here; the
scanned PDF is a Typst page with a drawing and no text."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import typst
from pypdf import PdfReader, PdfWriter

from quartiers.config import current

PROGRAMMES = current().data_dir / "programmes"


def programme_text(year: int) -> str:
    return (PROGRAMMES / f"programme-{year}.txt").read_text(encoding="utf-8")


def paragraphs(year: int) -> list[str]:
    return [" ".join(p.split()) for p in programme_text(year).split("\n\n") if p.strip()]


def _typst(source: str, files: dict[str, str]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="quartiers-test-") as tmp:
        for name, content in {"main.typ": source, **files}.items():
            (Path(tmp) / name).write_text(content, encoding="utf-8")
        return typst.compile(str(Path(tmp) / "main.typ"))


@cache
def programme_pdf(year: int) -> bytes:
    """The programme's text typeset on A4 pages (several pages for 2024)."""
    return _typst('#set page(paper: "a4")\n#set text(lang: "fr", size: 11pt)\n'
                  '#for p in json("paras.json") [#p\n\n]\n',
                  {"paras.json": json.dumps(paragraphs(year))})


def scanned_pdf() -> bytes:
    """Two pages of drawings, no text: what a scanner gives."""
    return _typst('#set page(paper: "a4")\n#rect(width: 8cm, height: 4cm, fill: gray)\n'
                  '#pagebreak()\n#circle(radius: 2cm, fill: gray)\n', {})


def protected_pdf(year: int = 2026) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(programme_pdf(year))))
    writer.encrypt(user_password="secret", owner_password="proprietaire")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def corrupt_pdf(year: int = 2026) -> bytes:
    """A PDF cut after its first kilobyte (a download that failed)."""
    return programme_pdf(year)[:1024]


def programme_docx(year: int) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs(year))
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", (
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>"))
    return data.getvalue()


def programme_odt(year: int) -> bytes:
    body = "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs(year))
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", (
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
            f"{body}</office:text></office:body></office:document-content>"))
    return data.getvalue()


def stored_document(contract: dict, filename: str, data: bytes, **fields):
    """A document saved as the upload form does, its text extracted as the worker does."""
    from django.core.files.base import ContentFile

    from quartiers.web.contracts.models import ContractDocument
    from quartiers.web.contracts.tasks import extract_document

    document = ContractDocument(contract=contract["code"], generation=contract["generation"],
                                kind=fields.pop("kind", "contrat"),
                                title=fields.pop("title", filename), file_size=len(data),
                                **fields)
    document.file.save(filename, ContentFile(data), save=False)
    document.save()
    extract_document.call(document.pk)
    document.refresh_from_db()
    return document
