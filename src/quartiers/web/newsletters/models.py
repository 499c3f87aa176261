"""The centre's letters: the lists people subscribe to, their subscriptions (personal data, the
proof of consent being the contacts app's), and the issues staff compose as pages of the content
system and send once to a list's confirmed subscribers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from .blocks import LetterBlock

RESERVED_SLUGS = {"archives", "confirmation", "preferences", "desabonnement", "gestion"}
"""Addresses under /lettres/ answered by the app's own views, not by an issue page."""


class NewsletterList(models.Model):
    """A letter people subscribe to: « La Minute Pop », a thematic quarterly…"""

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant", max_length=80, unique=True)
    description = models.TextField("description", blank=True)
    rhythm = models.CharField("rythme", max_length=100, blank=True,
                              help_text="Par exemple « mensuelle », « trimestrielle ».")
    active = models.BooleanField("proposée à l'abonnement", default=True)
    order = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "lettre d'information"
        verbose_name_plural = "lettres d'information"

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    PENDING = "en_attente", "En attente de confirmation"
    SUBSCRIBED = "abonne", "Abonné·e"
    UNSUBSCRIBED = "desabonne", "Désabonné·e"
    FAILED = "en_echec", "Adresse en échec"


class Subscription(models.Model):
    """One person and one list. Nothing is sent before the confirmation; the consent itself is
    recorded in the contacts app (``lettre:<slug>``) when the person confirms."""

    person = models.ForeignKey("contacts.Person", on_delete=models.CASCADE,
                               related_name="newsletter_subscriptions", verbose_name="personne")
    newsletter = models.ForeignKey(NewsletterList, on_delete=models.CASCADE,
                                   related_name="subscriptions", verbose_name="lettre")
    status = models.CharField("état", max_length=12, choices=Status.choices,
                              default=Status.PENDING)
    requested_at = models.DateTimeField("demandé le", default=timezone.now)
    text_version = models.CharField("version du texte accepté", max_length=50, blank=True)
    source = models.CharField("provenance", max_length=200, blank=True)
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("désabonné le", null=True, blank=True)
    failed_at = models.DateTimeField("en échec depuis le", null=True, blank=True)
    changed_at = models.DateTimeField("dernier changement", default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "newsletter"],
                                               name="one_subscription_per_person_and_list")]
        indexes = [models.Index(fields=["newsletter", "status"])]
        ordering = ["newsletter", "pk"]
        verbose_name = "abonnement"
        verbose_name_plural = "abonnements"

    def __str__(self) -> str:
        return f"{self.newsletter} ({self.get_status_display()})"


class NewsletterIndexPage(Page):
    """The parent of the issues in the content system. Its address, /lettres/, is the
    subscription page (a view of this app); the issues are read at /lettres/<issue>/ once sent."""

    parent_page_types = ["site.HomePage"]
    subpage_types = ["newsletters.NewsletterIssuePage"]
    max_count = 1

    class Meta:
        verbose_name = "lettres d'information (numéros)"

    def serve(self, request, *args, **kwargs):
        raise Http404  # /lettres/ is answered by the subscription view


class NewsletterIssuePage(Page):
    """One issue of one letter, composed from blocks, rendered as an e-mail (its preview in
    the back office is the e-mail), sent once; its web version is public after the sending."""

    newsletter = models.ForeignKey(NewsletterList, on_delete=models.PROTECT,
                                   related_name="issues", verbose_name="lettre")
    intro = models.TextField("chapeau", blank=True, max_length=600,
                             help_text="Quelques phrases en tête de la lettre ; reprises dans "
                                       "l'aperçu des messageries.")
    body = StreamField(LetterBlock(), blank=True, verbose_name="contenu")

    content_panels = [*Page.content_panels, FieldPanel("newsletter"), FieldPanel("intro"),
                      FieldPanel("body")]
    parent_page_types = ["newsletters.NewsletterIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "numéro de lettre"
        verbose_name_plural = "numéros de lettre"

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"« {self.slug} » est une adresse réservée des "
                                           "lettres : choisissez-en une autre."})

    @property
    def sending(self):
        return IssueSending.objects.filter(issue=self).first()

    def serve(self, request, *args, **kwargs):
        from .letters import web_version  # which renders this page

        if self.sending is None:
            raise Http404  # nothing public before it is sent
        return web_version(request, self)

    def serve_preview(self, request, mode_name):
        """The back office's preview is the e-mail as it will be sent."""
        from .letters import web_version

        return web_version(request, self)


class IssueSending(models.Model):
    """That an issue was sent (one row per issue: a second sending is refused by the database),
    to which list, by whom, and how far the building of its messages went."""

    issue = models.OneToOneField(NewsletterIssuePage, on_delete=models.CASCADE,
                                 related_name="sending_record", verbose_name="numéro")
    newsletter = models.ForeignKey(NewsletterList, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="lettre")
    requested_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="demandé par")
    requested_at = models.DateTimeField("demandé le", default=timezone.now)
    built_at = models.DateTimeField("messages tous préparés le", null=True, blank=True)

    class Meta:
        verbose_name = "envoi d'un numéro"
        verbose_name_plural = "envois des numéros"


class IssueRecipient(models.Model):
    """One subscriber's copy of a sent issue: never built twice, whatever retries happen."""

    sending = models.ForeignKey(IssueSending, on_delete=models.CASCADE,
                                related_name="recipients")
    subscription = models.ForeignKey(Subscription, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    message_id = models.BigIntegerField("message de la boîte d'envoi", null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sending", "subscription"],
                                               name="one_copy_per_subscription")]
