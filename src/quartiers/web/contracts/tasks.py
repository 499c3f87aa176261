"""Background work of the contracts: a document's text read after its upload (a long PDF
takes seconds), and the documents tagged again when a priority's keywords change."""

from __future__ import annotations

from django_tasks import task


@task()
def extract_document(document_id: int) -> str:
    """Read, store, index and tag a document's pages; returns the extraction's status."""
    from . import services
    from .extraction import extract
    from .models import ContractDocument

    document = ContractDocument.objects.filter(pk=document_id).first()
    if document is None:  # deleted before the worker came to it
        return ""
    with document.file.open("rb") as data:
        extracted = extract(document.filename, data)
    services.store_extraction(document, extracted)
    return extracted.status


@task()
def tag_priority(priority_id: int) -> int:
    """Every extracted document read again against one priority; returns the passages found."""
    from . import services
    from .models import ContractDocument, Priority

    return services.tag(ContractDocument.objects.all(),
                        Priority.objects.filter(pk=priority_id))


def tag_when_the_keywords_change(sender, instance, raw=False, created=False, **_signal):
    """Connected to Priority's post_save (see apps.py)."""
    if not raw:
        tag_priority.enqueue(instance.pk)
