"""The library's bundled content: the « Ressources » page and its first real resources, the
centre's two action programmes (``data/programmes/``, see their README for provenance)."""

from __future__ import annotations

from django.core.files import File
from django.urls import reverse
from wagtail.rich_text import RichText

from ..programme.models import Programme
from ..programme.services import BUNDLED, bundled_document
from ..programme.structure import blocks
from ..site.services import section_page
from .models import Kind, ResourceDocument, ResourceFile, ResourceIndexPage, ResourcePage, ResourceTerritory

# The programmes of RésO Villes, centre de ressources politique de la ville Bretagne – Pays de
# la Loire: about those two régions.
PROGRAMME_REGIONS = ("53", "52")  # Bretagne, Pays de la Loire


def load_bundled() -> str:
    """Create what is missing (run again, nothing changes); the documents' text is extracted
    and everything indexed for the search by the worker."""
    index_page, index_created = resource_index()
    added = [year for file_name, year in BUNDLED
             if _programme_resource(index_page, file_name, year)]
    return (f"Ressources : page « {index_page.title} » "
            f"{'créée' if index_created else 'déjà en place'}, "
            + (f"programmes d'actions {' et '.join(map(str, added))} ajoutés comme ressources."
               if added else "programmes d'actions déjà présents."))


def resource_index() -> tuple[ResourceIndexPage, bool]:
    """The « Ressources » page (/ressources/), and whether it was made now."""
    return section_page(ResourceIndexPage, title="Ressources", slug="ressources",
                        what="les ressources")


def _opening_paragraph(year: int) -> str:
    """The programme's first paragraph (its editorial), as the import read it."""
    intro = Programme.objects.get(year=year).intro
    return next((block for block in blocks(intro) if isinstance(block, str)), "")


def _programme_resource(index_page: ResourceIndexPage, file_name: str, year: int) -> bool:
    title, slug = f"Programme d'actions {year}", f"programme-dactions-{year}"
    if ResourcePage.objects.filter(slug=slug).exists():  # staff may have renamed it
        return False
    path = bundled_document(file_name)
    document = ResourceDocument(title=f"{title} de RésO Villes (texte intégral)",
                                file_size=path.stat().st_size)
    with path.open("rb") as data:
        document.file.save(file_name, File(data), save=False)
    document.save()
    page = ResourcePage(
        title=title, slug=slug, kind=Kind.PROGRAMME,
        summary=_opening_paragraph(year),
        body=[("paragraph", RichText(
            f'<p>Le programme présenté par pôle, thème et action, avec ses dates : '
            f'<a href="{reverse("programme:year", args=[year])}">programme d\'actions {year} '
            'en ligne</a>.</p>'))],
        files=[ResourceFile(document=document)],
        territories=[ResourceTerritory(level="region", code=code) for code in PROGRAMME_REGIONS])
    index_page.add_child(instance=page)
    page.save_revision().publish()
    return True
