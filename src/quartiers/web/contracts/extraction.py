"""A contract document's text, page by page, and why there is none.

Types, content checks and the text of word-processing files are the library's
(``library.contents``); what is the contracts' own is the page: a search result says on which
page of a PDF its passage stands. A DOCX or ODT has no pages in its file: its text is cut into
parts of about ``PART_CHARACTERS`` at paragraph ends, said as such.
"""

from __future__ import annotations

from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from ..library.contents import extension, extracted_text, pdf_pages, refusal

TYPES = ("pdf", "docx", "odt")
MAX_PAGES = 2000
PART_CHARACTERS = 3000


def upload_refusal(filename: str, size: int, data, largest_mb: int, max_pages: int) -> str | None:
    """Why an upload is refused (French, naming the file); None when it is accepted. A corrupt
    or password-protected PDF is accepted: its extraction says what it is."""
    if extension(filename) not in TYPES:
        return (f"« {filename} » : un document de contrat est un fichier PDF, DOCX ou ODT "
                "(contrat, annexe, revue, rapport).")
    message = refusal(filename, size, data, largest_mb)
    if message or extension(filename) != "pdf":
        return message
    try:
        pages = len(PdfReader(data).pages)
    except (PdfReadError, FileNotDecryptedError, ValueError, KeyError, OSError):
        return None
    finally:
        data.seek(0)
    if pages > max_pages:
        return (f"« {filename} » compte {pages} pages : un document ne peut dépasser "
                f"{max_pages} pages. Déposez-le en plusieurs parties.")
    return None


@dataclass(frozen=True)
class Extracted:
    status: str  # an Extraction value
    pages: list[str]
    page_count: int | None = None
    note: str = ""


def extract(filename: str, data) -> Extracted:
    """The text of each page; a status other than « extrait » with an empty list when the file
    is scanned (no page yields text), corrupt or protected by a password."""
    if extension(filename) == "pdf":
        return _pdf_pages(data)
    try:
        text = extracted_text(filename, data)
    except Exception as error:
        return Extracted("illisible", [], None, f"{type(error).__name__} : {error}")
    parts = _parts(text)
    if not parts:
        return Extracted("sans-texte", [], None, "Le fichier ne contient aucun texte.")
    return Extracted("extrait", parts, None)


def _pdf_pages(data) -> Extracted:
    try:
        reader = PdfReader(data)
        if reader.is_encrypted and not reader.decrypt(""):
            return Extracted("protege", [], None,
                             "Le fichier demande un mot de passe pour être lu.")
        pages = pdf_pages(reader)
    except FileNotDecryptedError:
        return Extracted("protege", [], None, "Le fichier demande un mot de passe pour être lu.")
    except Exception as error:
        return Extracted("illisible", [], None, f"{type(error).__name__} : {error}")
    if not any(page.strip() for page in pages):
        return Extracted("sans-texte", [], len(pages),
                         "Aucune page ne contient de texte (document numérisé) : "
                         "il n'est pas cherché.")
    return Extracted("extrait", pages, len(pages))


def _parts(text: str) -> list[str]:
    """A text without pages cut at paragraph ends into parts of about PART_CHARACTERS."""
    parts, current = [], []
    size = 0
    for paragraph in text.splitlines():
        current.append(paragraph)
        size += len(paragraph) + 1
        if size >= PART_CHARACTERS:
            parts.append("\n".join(current))
            current, size = [], 0
    if current:
        parts.append("\n".join(current))
    return [part for part in parts if part.strip()]
