"""A contrat de ville's documents and their text, its confirmed QPV, and the national
priorities of Quartiers 2030 its documents are tagged with.

Contracts themselves live in the warehouse (``Warehouse.contrat``): they are referenced here by
their official code (``CN03501I``, ``CV001``) and generation (45 overseas contracts kept their
2015-2023 code in 2024-2030), not by foreign key.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.search import index

from ..programme.models import Vocabulary
from .extraction import MAX_PAGES, upload_refusal

CODE_PATTERN = r"C[NV][0-9A-Z]+"


class DocumentKind(models.TextChoices):
    CONTRACT = "contrat", "Contrat"
    ANNEX = "annexe", "Annexe"
    REVIEW = "revue-annuelle", "Revue annuelle"
    REPORT = "rapport", "Rapport"
    OTHER = "autre", "Autre"


# A contract and its annexes are public acts; reviews and reports are the team's until it
# says otherwise.
PUBLIC_KINDS = (DocumentKind.CONTRACT, DocumentKind.ANNEX)


class Extraction(models.TextChoices):
    PENDING = "en-attente", "en attente"
    EXTRACTED = "extrait", "extrait"
    NO_TEXT = "sans-texte", "document numérisé sans texte : non indexé"
    UNREADABLE = "illisible", "illisible (fichier endommagé) : non indexé"
    PROTECTED = "protege", "protégé par mot de passe : non indexé"


def _upload_to(document: ContractDocument, filename: str) -> str:
    return f"contrats/{document.contract}/{filename}"


class ContractDocument(models.Model):
    """A file of a contract (PDF, DOCX, ODT), its text read by the worker page by page (see
    tasks.py): only an extracted document is searched and tagged."""

    contract = models.CharField("contrat de ville", max_length=12, db_index=True)
    generation = models.CharField("génération", max_length=9, default="2024-2030")
    kind = models.CharField("type", max_length=20, choices=DocumentKind.choices)
    title = models.CharField("titre", max_length=250)
    date = models.DateField("date", null=True, blank=True,
                            help_text="Date de signature ou de parution, si elle est connue.")
    file = models.FileField("fichier", upload_to=_upload_to, max_length=250)
    file_size = models.PositiveBigIntegerField("taille (octets)", default=0, editable=False)
    public = models.BooleanField(
        "public", default=True,
        help_text="Un document public se lit et se cherche sans compte ; sinon, seuls l'équipe "
                  "du centre et les chef·fe·s de projet du contrat le voient.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="déposé par")
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)
    extraction = models.CharField("extraction du texte", max_length=12,
                                  choices=Extraction.choices, default=Extraction.PENDING)
    extraction_note = models.TextField("détail de l'extraction", blank=True)
    page_count = models.PositiveIntegerField("nombre de pages", null=True, blank=True)

    class Meta:
        ordering = ["contract", "-date", "title"]
        verbose_name = "document de contrat de ville"
        verbose_name_plural = "documents de contrats de ville"

    def __str__(self) -> str:
        return f"{self.title} ({self.contract})"

    def clean(self):
        super().clean()
        if self.file and not self.file._committed:  # a file just uploaded
            message = upload_refusal(self.file.name, self.file.size, self.file.file,
                                     settings.QUARTIERS.max_upload_mb, MAX_PAGES)
            if message:
                raise ValidationError({"file": message})

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]

    @property
    def paged(self) -> bool:
        """PDF pages are real pages; a word-processing file's text is cut into parts."""
        return self.filename.lower().endswith(".pdf")

    @property
    def indexed(self) -> bool:
        return self.extraction == Extraction.EXTRACTED


class DocumentPage(index.Indexed, models.Model):
    """One page of a document's text (a part of a word-processing file): the unit of the
    search, so that a result says its page. ``folded`` is the text without case or accents,
    the one indexed: the search is accent-blind on SQLite and PostgreSQL alike."""

    document = models.ForeignKey(ContractDocument, on_delete=models.CASCADE,
                                 related_name="pages")
    number = models.PositiveIntegerField("page")
    text = models.TextField("texte")
    folded = models.TextField("texte sans accents ni majuscules")

    search_fields = [index.SearchField("folded"), index.FilterField("document_id"),
                     index.FilterField("number")]

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"],
                                               name="contracts_one_row_per_page")]


class Priority(Vocabulary):
    """A national priority of Quartiers 2030, recognised in the documents by its keywords
    (edited by the staff; the documents are tagged again when they change)."""

    description = models.TextField("description", blank=True)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta(Vocabulary.Meta):
        ordering = ["order", "name"]
        verbose_name = "priorité nationale"
        verbose_name_plural = "priorités nationales"


class PriorityMatch(models.Model):
    """A passage of a document where a priority's keywords occur, and which ones."""

    document = models.ForeignKey(ContractDocument, on_delete=models.CASCADE,
                                 related_name="matches")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="matches")
    page = models.PositiveIntegerField("page")
    passage = models.TextField("passage")
    keywords = models.CharField("mots-clés trouvés", max_length=500)

    class Meta:
        ordering = ["document", "priority", "page", "pk"]
        indexes = [models.Index(fields=["priority", "document"])]


class ConfirmedPerimeter(models.Model):
    """The QPV of a contract as staff or its project lead confirmed them (the warehouse only
    derives them from the signatory's territory). ``qpv``: codes, comma-separated."""

    contract = models.CharField("contrat de ville", max_length=12)
    generation = models.CharField("génération", max_length=9, default="2024-2030")
    qpv = models.TextField("QPV confirmés", blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name="confirmé par")
    confirmed_at = models.DateTimeField("confirmé le", auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contract", "generation"],
                                               name="contracts_one_perimeter")]
        verbose_name = "périmètre confirmé d'un contrat de ville"
        verbose_name_plural = "périmètres confirmés des contrats de ville"

    def __str__(self) -> str:
        return self.contract

    @property
    def codes(self) -> list[str]:
        return [code for code in self.qpv.split(",") if code]
