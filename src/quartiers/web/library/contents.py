"""What an uploaded document really is, and its text for the search.

An extension says nothing about a file's content: a page of HTML renamed « rapport.pdf » would
be served as a PDF. Each allowed extension is declared here with how its content must begin
(checked at upload) and how its text is read (in a background task, see tasks.py); the list of
extensions itself is Wagtail's ``WAGTAILDOCS_EXTENSIONS``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree

from pypdf import PdfReader

from quartiers.engine.reports import format_number

# Text files: no control character but tab, line feed, form feed and carriage return
# (binary files all have some in their first kilobytes).
TEXT_CONTROLS = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
HEAD_BYTES = 64 * 1024
# The XML of a word-processing file is read whole: more than this is a zip bomb, not a report.
LARGEST_XML = 100 * 1024 * 1024

WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _zip_members(data: io.BufferedIOBase) -> set[str] | None:
    try:
        with zipfile.ZipFile(data) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None


def _zip_member(data, name: str) -> bytes:
    with zipfile.ZipFile(data) as archive:
        if archive.getinfo(name).file_size > LARGEST_XML:
            raise ValueError(f"{name} décompressé dépasse {LARGEST_XML // 2**20} Mo")
        return archive.read(name)


def _is_pdf(data) -> bool:
    return data.read(5) == b"%PDF-"


def _is_office_open_xml(main_part: str) -> Callable:
    def check(data) -> bool:
        members = _zip_members(data)
        return members is not None and {"[Content_Types].xml", main_part} <= members
    return check


def _is_open_document(mimetype: str) -> Callable:
    def check(data) -> bool:
        members = _zip_members(data)
        if members is None or "mimetype" not in members:
            return False
        data.seek(0)
        return _zip_member(data, "mimetype").strip() == mimetype.encode()
    return check


def _is_text(data) -> bool:
    head = data.read(HEAD_BYTES)
    return not any(byte in TEXT_CONTROLS for byte in head)


def pdf_pages(reader: PdfReader) -> list[str]:
    """The text of each page of an opened PDF (empty for a page without text)."""
    return [page.extract_text() or "" for page in reader.pages]


def _pdf_text(data) -> str:
    return "\n".join(pdf_pages(PdfReader(data)))


def _paragraphs(xml: bytes, paragraph_tags: tuple[str, ...], breaks: dict[str, str]) -> str:
    """Each paragraph on a line; ``breaks`` are the empty elements that stand for a space or
    a tab (ODF's ``text:s``, ``text:tab``; Word's ``w:tab``)."""
    root = ElementTree.fromstring(xml)

    def text_of(element) -> str:
        parts = [breaks.get(element.tag, ""), element.text or ""]
        for child in element:
            parts += [text_of(child), child.tail or ""]
        return "".join(parts)

    return "\n".join(text_of(p) for p in root.iter() if p.tag in paragraph_tags)


def _docx_text(data) -> str:
    return _paragraphs(_zip_member(data, "word/document.xml"), (f"{WORD}p",),
                       {f"{WORD}tab": "\t", f"{WORD}br": "\n"})


def _odt_text(data) -> str:
    return _paragraphs(_zip_member(data, "content.xml"), (f"{ODF_TEXT}p", f"{ODF_TEXT}h"),
                       {f"{ODF_TEXT}s": " ", f"{ODF_TEXT}tab": "\t",
                        f"{ODF_TEXT}line-break": "\n"})


def _plain_text(data) -> str:
    raw = data.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


@dataclass(frozen=True)
class FileType:
    name: str  # « PDF », said to the visitor with the file's size
    expected: str  # how its content begins, for the refusal message
    looks_right: Callable  # (binary file object) -> bool
    text: Callable | None  # (binary file object) -> str; None: not searched


FILE_TYPES = {
    "pdf": FileType("PDF", "commencer par « %PDF- »", _is_pdf, _pdf_text),
    "docx": FileType("Word", "être une archive Office Open XML (word/document.xml)",
                     _is_office_open_xml("word/document.xml"), _docx_text),
    "xlsx": FileType("Excel", "être une archive Office Open XML (xl/workbook.xml)",
                     _is_office_open_xml("xl/workbook.xml"), None),
    "odt": FileType("OpenDocument texte", "être une archive OpenDocument texte",
                    _is_open_document("application/vnd.oasis.opendocument.text"), _odt_text),
    "ods": FileType("OpenDocument tableur", "être une archive OpenDocument tableur",
                    _is_open_document("application/vnd.oasis.opendocument.spreadsheet"), None),
    "csv": FileType("CSV", "être du texte (aucun caractère de contrôle)", _is_text,
                    _plain_text),
    "txt": FileType("texte", "être du texte (aucun caractère de contrôle)", _is_text,
                    _plain_text),
}


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def refusal(filename: str, size: int, data, largest_mb: int) -> str | None:
    """Why an upload is refused, in French and naming the file; None when it is accepted.
    ``data`` is read from its start and left there."""
    if size > largest_mb * 2**20:
        weight = format_number(size / 2**20, 1, "Mo")
        return (f"« {filename} » pèse {weight} : un document ne peut dépasser "
                f"{largest_mb} Mo.")
    file_type = FILE_TYPES.get(extension(filename))
    if file_type is None:
        return f"« {filename} » : le contenu des fichiers de ce type n'est pas vérifiable ici."
    data.seek(0)
    try:
        accepted = file_type.looks_right(data)
    finally:
        data.seek(0)
    if not accepted:
        return (f"« {filename} » n'est pas un fichier {file_type.name} : son contenu devrait "
                f"{file_type.expected}. Vérifiez le fichier ou son extension.")
    return None


def extracted_text(filename: str, data) -> str:
    """The text of a document for the search, empty for the types not searched."""
    file_type = FILE_TYPES.get(extension(filename))
    if file_type is None or file_type.text is None:
        return ""
    return file_type.text(data)
