"""Full-text search across the contracts' documents: Wagtail's database backend (FTS5 on
SQLite, tsvector on PostgreSQL) over one row per page of text, folded (no accents, no case)
so that « equipement » finds « Équipements » on both; passages highlighted here."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from wagtail.search.backends import get_search_backend

from ..programme.taxonomy import normalise
from .models import ContractDocument, DocumentPage, Extraction
from .passages import highlighted, words_pattern

LONGEST_QUERY = 200
DOCUMENTS_SHOWN = 50
PAGES_SHOWN = 3  # per document
PASSAGES_PER_PAGE = 2


@dataclass
class Hit:
    document: ContractDocument
    pages: list[tuple[int, list]] = field(default_factory=list)  # (number, passages)
    matched_pages: int = 0
    contract: dict | None = None  # the warehouse's row, set by the page


def search_documents(query: str, documents: QuerySet) -> tuple[int, list[Hit]]:
    """How many documents match every word of ``query``, and the first DOCUMENTS_SHOWN: those
    with the most matching pages first, each with its first matching pages and their
    highlighted passages. The backend's relevance score is not asked for: on SQLite it is a
    subquery per matching page (minutes over 50,000 pages); pages matched are counted here."""
    words = normalise(query[:LONGEST_QUERY]).split()
    pattern = words_pattern(words)
    if pattern is None:
        return 0, []
    indexed = documents.filter(extraction=Extraction.EXTRACTED).values("pk")
    found = get_search_backend().search(
        " ".join(words), DocumentPage.objects.filter(document_id__in=indexed)
        .only("pk", "document_id", "number").order_by("document_id", "number"),
        operator="and", order_by_relevance=False)
    pages: dict[int, list[int]] = {}
    for page in found:
        pages.setdefault(page.document_id, []).append(page.number)
    ranked = sorted(pages, key=lambda pk: (-len(pages[pk]), pk))[:DOCUMENTS_SHOWN]
    shown = ContractDocument.objects.in_bulk(ranked)
    texts = {(page.document_id, page.number): page.text for page in DocumentPage.objects.filter(
        document_id__in=ranked).filter(_first_pages(pages, ranked))}
    hits = []
    for pk in ranked:
        hit = Hit(shown[pk], matched_pages=len(pages[pk]))
        hit.pages = [(number, highlighted(texts[(pk, number)], [pattern],
                                          limit=PASSAGES_PER_PAGE))
                     for number in pages[pk][:PAGES_SHOWN]]
        hits.append(hit)
    return len(pages), hits


def _first_pages(pages: dict[int, list[int]], ranked: list[int]) -> Q:
    return reduce(or_, (Q(document_id=pk, number__in=pages[pk][:PAGES_SHOWN]) for pk in ranked),
                  Q(pk__in=[]))
