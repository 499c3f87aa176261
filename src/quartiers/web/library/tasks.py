"""Background work of the library: a document's text, read after its upload (a long PDF takes
seconds), then searched with the document and with every resource that carries it."""

from __future__ import annotations

from django_tasks import task
from wagtail.search import index
from wagtail.utils.file import hash_filelike

from .contents import extracted_text


@task()
def extract_document_text(document_id: int) -> int:
    """Store the text of a document's file and index it; returns its length in characters."""
    from .models import ResourceDocument, ResourcePage

    document = ResourceDocument.objects.filter(pk=document_id).first()
    if document is None:  # deleted before the worker came to it
        return 0
    with document.open_file() as data:
        file_hash = hash_filelike(data)
        data.seek(0)
        text = extracted_text(document.filename, data)
    # update(): no post_save, hence no second extraction of the same file
    ResourceDocument.objects.filter(pk=document.pk).update(
        text=text, text_hash=file_hash, file_hash=file_hash)
    document.text = text
    document.text_hash = document.file_hash = file_hash
    index.insert_or_update_object(document)
    for page in ResourcePage.objects.filter(files__document=document).distinct():
        index.insert_or_update_object(page)
    return len(text)


def extract_when_the_file_changes(sender, instance, raw=False, **_signal):
    """Connected to ResourceDocument's post_save (see apps.py): a new or replaced file is read
    again, a changed title is not."""
    if not raw and instance.file and not instance.text_is_current:
        extract_document_text.enqueue(instance.pk)
