"""Workflows of the contracts: a document's text stored page by page, indexed and tagged
against the priorities; a priority's documents tagged again; the QPV confirmed; the documents
a person may see; the bundled priorities."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from ..accounts.services import is_centre_staff
from ..core.warehouse import get_store
from ..programme.taxonomy import normalise
from .access import can_edit_contract
from .extraction import Extracted
from .models import ConfirmedPerimeter, ContractDocument, DocumentPage, Extraction, Priority, PriorityMatch
from .passages import any_keyword, sentences
from .priorities import PRIORITIES


def load_bundled() -> str:
    """The ten national priorities, created when missing (never overwritten: staff edit them)."""
    created = 0
    for order, (slug, name, description, keywords) in enumerate(PRIORITIES, 1):
        _priority, made = Priority.objects.get_or_create(slug=slug, defaults={
            "name": name, "description": description, "keywords": "\n".join(keywords),
            "order": order})
        created += made
    return (f"Contrats de ville : {created} priorités nationales créées."
            if created else "Contrats de ville : priorités nationales déjà en place.")


@transaction.atomic
def store_extraction(document: ContractDocument, extracted: Extracted) -> None:
    """Replace a document's pages, index them and tag them; a document without text keeps no
    page (it is never searched as if empty)."""
    document.pages.all().delete()
    pages = DocumentPage.objects.bulk_create(
        DocumentPage(document=document, number=number, text=text, folded=normalise(text))
        for number, text in enumerate(extracted.pages, 1) if text.strip())
    if pages:
        get_search_backend().add_bulk(DocumentPage, pages)
        transaction.on_commit(refresh_planner_statistics)
    ContractDocument.objects.filter(pk=document.pk).update(
        extraction=extracted.status, extraction_note=extracted.note,
        page_count=extracted.page_count)
    document.extraction, document.extraction_note = extracted.status, extracted.note
    document.page_count = extracted.page_count
    tag(ContractDocument.objects.filter(pk=document.pk), Priority.objects.all())


def refresh_planner_statistics() -> None:
    """SQLite only (PostgreSQL's autovacuum does it): without statistics on the search index,
    SQLite runs the full-text match once per indexed row of the model (seconds over 50,000
    pages, against a tenth of a second with them). Cheap: its indexes are read, not the text."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{IndexEntry._meta.db_table}"')


def tag(documents: QuerySet, priorities: QuerySet) -> int:
    """Match every passage of these documents against these priorities' keywords (the earlier
    matches of those pairs replaced); returns the number of passages matched."""
    terms = [(priority, priority.as_term()) for priority in priorities]
    # one search per priority and passage; the keywords are named only where it matches
    screens = [any_keyword(term.keywords) for _priority, term in terms]
    PriorityMatch.objects.filter(document__in=documents,
                                 priority__in=[p for p, _ in terms]).delete()
    pages = (DocumentPage.objects.filter(document__in=documents,
                                         document__extraction=Extraction.EXTRACTED)
             .only("document_id", "number", "text").order_by("document_id", "number"))
    matches, stored = [], 0
    for page in pages.iterator(chunk_size=500):
        if len(matches) >= 5000:  # written as they come: 50,000 pages make many passages
            stored += len(PriorityMatch.objects.bulk_create(matches))
            matches = []
        for passage in sentences(page.text):
            folded = normalise(passage)
            for (priority, term), screen in zip(terms, screens, strict=True):
                if screen and screen.search(folded) and (found := term.matched_keywords(folded)):
                    matches.append(PriorityMatch(
                        document_id=page.document_id, priority=priority, page=page.number,
                        passage=passage, keywords=", ".join(found)[:500]))
    return stored + len(PriorityMatch.objects.bulk_create(matches, batch_size=1000))


def delete_document(document: ContractDocument) -> None:
    """The document, its pages and their index entries, its matches, then its file."""
    file = document.file
    with transaction.atomic():
        document.delete()
    transaction.on_commit(lambda: file.storage.delete(file.name))


def confirm_perimeter(contract: dict, codes: list[str], user) -> ConfirmedPerimeter:
    """Keep the QPV ticked among those derived from the signatory's territory."""
    derived = [q["code"] for q in get_store().contrat_qpv(contract["code"],
                                                          contract["generation"])]
    kept = [code for code in derived if code in set(codes)]
    perimeter, _ = ConfirmedPerimeter.objects.update_or_create(
        contract=contract["code"], generation=contract["generation"],
        defaults={"qpv": ",".join(kept), "confirmed_by": user})
    return perimeter


def visible_documents(user) -> QuerySet:
    """Public documents; the others too for staff, and those of the contracts a project lead
    may edit."""
    documents = ContractDocument.objects.all()
    if is_centre_staff(user):
        return documents
    visible = Q(public=True)
    if user.is_authenticated:
        store = get_store()
        for code, generation in set(documents.filter(public=False)
                                    .values_list("contract", "generation")):
            if can_edit_contract(user, store.contrat(code, generation)):
                visible |= Q(contract=code, generation=generation)
    return documents.filter(visible)


def contract_url(code: str, generation: str | None = None) -> str:
    """A contract's page: a bare code names the 2024-2030 contract where a code is in both
    generations, the other one is reached with ``?generation=``."""
    url = reverse("contracts:contract", args=[code])
    if generation and not get_store().contrat(code, generation)["preferred"]:
        url += f"?generation={generation}"
    return url
