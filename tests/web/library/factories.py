"""Hand-made test fixtures (never shown as content): documents, and resources published under
the « Ressources » page the way the back office does (themes and publics: the programme's
factories)."""

from __future__ import annotations

import factory
from django.core.files.base import ContentFile

from quartiers.web.library import services
from quartiers.web.library.models import Kind, ResourceDocument, ResourceIndexPage, ResourcePage


def pdf_with_text(text: str) -> bytes:
    """A minimal valid one-page PDF showing ``text`` (Latin-1), for the extraction tests."""
    stream = f"BT /F1 12 Tf 20 50 Td ({text}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


class ResourceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceDocument

    title = factory.Sequence(lambda n: f"Document d'essai {n}")
    file = factory.LazyFunction(lambda: ContentFile(pdf_with_text("Document d'essai"),
                                                    name="essai.pdf"))


def resource_index() -> ResourceIndexPage:
    return services.resource_index()[0]


class ResourcePageFactory(factory.django.DjangoModelFactory):
    """A resource added under « Ressources » and published (``live=False``: a draft). Child
    relations (files, territories) and themes are given as lists: ``territories=[
    ResourceTerritory(level="qpv", code="QN03504M")]``."""

    class Meta:
        model = ResourcePage

    title = factory.Sequence(lambda n: f"Ressource d'essai {n}")
    kind = Kind.EXPERIENCE
    summary = "Résumé d'une ressource d'essai."

    @classmethod
    def _create(cls, model_class, *args, live=True, **kwargs):
        page = model_class(*args, live=live, **kwargs)
        resource_index().add_child(instance=page)
        revision = page.save_revision()
        if live:
            revision.publish()
        page.refresh_from_db()
        return page
