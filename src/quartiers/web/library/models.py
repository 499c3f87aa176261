"""The resource library: resources (pages under the one « Ressources » page), their files and
the territories they are about.

Themes and publics are the programme's (one taxonomy for the centre); territories are
(level, code) pairs checked against the warehouse's referential, not foreign keys.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultipleChooserPanel
from wagtail.documents.models import AbstractDocument, Document
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..core.content import RICH_TEXT_FEATURES
from ..core.territories import TerritoryReference
from .blocks import BodyBlock
from .contents import FILE_TYPES, extension, refusal


class ResourceDocument(AbstractDocument):
    """A document whose content is checked at upload and whose text is searched (extracted in
    the background: see tasks.py)."""

    text = models.TextField("texte extrait", blank=True, editable=False)
    text_hash = models.CharField(
        "empreinte du fichier dont le texte est extrait", max_length=40, blank=True,
        editable=False)

    admin_form_fields = Document.admin_form_fields
    search_fields = [*AbstractDocument.search_fields, index.SearchField("text")]

    class Meta(AbstractDocument.Meta):
        verbose_name = "document"
        verbose_name_plural = "documents"

    def clean(self):
        super().clean()
        # Only a file just uploaded (not yet saved) is read: editing a title never refuses a
        # document stored under older rules.
        if self.file and not self.file._committed:
            message = refusal(self.file.name, self.file.size, self.file.file,
                              settings.QUARTIERS.max_upload_mb)
            if message:
                raise ValidationError({"file": message})

    @property
    def type_name(self) -> str:
        file_type = FILE_TYPES.get(extension(self.filename))
        return file_type.name if file_type else extension(self.filename).upper()

    @property
    def text_is_current(self) -> bool:
        return bool(self.file_hash) and self.file_hash == self.text_hash


class ResourceIndexPage(Page):
    """« Ressources »: the listing with its facets and search (see listing.py)."""

    intro = RichTextField("introduction", features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["library.ResourcePage"]
    max_count = 1

    class Meta:
        verbose_name = "centre de ressources (liste)"

    def get_context(self, request, *args, **kwargs):
        from .listing import resource_listing  # which imports these models

        context = super().get_context(request, *args, **kwargs)
        context["listing"] = resource_listing(request.GET)
        return context


class Kind(models.TextChoices):
    EXPERIENCE = "fiche-experience", "Fiche expérience"
    ARTIST = "portrait-artiste", "Portrait d'artiste"
    GRAND_ANGLE = "grand-angle", "Revue Grand Angle"
    VIDEO = "video", "Vidéo"
    SYNTHESIS = "note-synthese", "Note de synthèse"
    STUDY = "etude-data-quartiers", "Étude Data & Quartiers"
    PROGRAMME = "programme-actions", "Programme d'actions"
    OTHER = "autre", "Autre"


class ResourcePage(Page):
    kind = models.CharField("type de ressource", max_length=30, choices=Kind.choices)
    summary = models.TextField(
        "résumé", max_length=800,
        help_text="Quelques phrases, reprises dans la liste des ressources et les fiches des "
                  "territoires.")
    body = StreamField(BodyBlock(), blank=True, verbose_name="contenu")
    date = models.DateField(
        "date", null=True, blank=True,
        help_text="Date de parution ou de l'action décrite, si elle est connue.")
    themes = ParentalManyToManyField("programme.Theme", blank=True, related_name="resources",
                                     verbose_name="thèmes")
    publics = ParentalManyToManyField("programme.Public", blank=True,
                                      related_name="resources", verbose_name="publics")

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultipleChooserPanel("files", chooser_field_name="document", heading="Fichiers",
                             label="fichier"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("publics", widget=forms.CheckboxSelectMultiple),
        InlinePanel("territories", heading="Territoires", label="territoire"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("files", [index.RelatedFields("document", [
            index.SearchField("title"), index.SearchField("text")])]),
        index.RelatedFields("themes", [index.SearchField("name")]),
        index.RelatedFields("publics", [index.SearchField("name")]),
        index.FilterField("kind"),
        index.FilterField("date"),
    ]
    parent_page_types = ["library.ResourceIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "ressource"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["index_url"] = self.get_parent().get_url(request)
        return context


class ResourceFile(Orderable):
    page = ParentalKey(ResourcePage, on_delete=models.CASCADE, related_name="files")
    document = models.ForeignKey(ResourceDocument, on_delete=models.CASCADE, related_name="+",
                                 verbose_name="document")

    panels = [FieldPanel("document")]


class ResourceTerritory(Orderable, TerritoryReference):
    page = ParentalKey(ResourcePage, on_delete=models.CASCADE, related_name="territories")

    panels = [FieldPanel("level"), FieldPanel("code")]

    class Meta(Orderable.Meta):
        indexes = [models.Index(fields=["level", "code"])]
        verbose_name = "territoire"

