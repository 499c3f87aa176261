"""The centre's site in the content system: the root of the page tree (whose introduction the
observatory's home page shows), the legal pages, and the centre's identity."""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from ..core.content import RICH_TEXT_FEATURES

TO_FILL = "à renseigner à l'installation"


class HomePage(Page):
    """The root of the site's pages. Its address, « / », is the observatory's home page (a
    Django view), which shows this page's published introduction (``{% centre_intro %}``)."""

    intro_title = models.CharField("titre de l'introduction", max_length=200, blank=True)
    intro = RichTextField("introduction", features=RICH_TEXT_FEATURES, blank=True,
                          help_text="Présente le centre de ressources sur la page d'accueil.")

    content_panels = [*Page.content_panels, FieldPanel("intro_title"), FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "page d'accueil"
        verbose_name_plural = "pages d'accueil"


class LegalPage(Page):
    """Mentions légales, données personnelles, accessibilité: a text the staff keep up to date,
    followed by the centre's identity."""

    body = RichTextField("texte", features=RICH_TEXT_FEATURES)
    last_updated = models.DateField("mise à jour le")

    content_panels = [*Page.content_panels, FieldPanel("last_updated"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["site.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "page légale"
        verbose_name_plural = "pages légales"


@register_setting(icon="home")
class CentreIdentity(BaseGenericSetting):
    """Who publishes the site, shown in the footer and on the legal pages once filled in."""

    name = models.CharField("nom du centre", max_length=200, blank=True)
    address = models.TextField("adresse postale", blank=True)
    email = models.EmailField("adresse électronique de contact", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    publisher = models.CharField("directeur·rice de la publication", max_length=200, blank=True)
    host = models.TextField("hébergeur", blank=True,
                            help_text="Nom, adresse et téléphone de l'hébergeur du site.")

    class Meta:
        verbose_name = "identité du centre"
        verbose_name_plural = "identité du centre"

    def __str__(self) -> str:
        return self.name or "Identité du centre"
