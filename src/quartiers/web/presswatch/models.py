"""The press watch: feeds the centre follows (sources), rules that keep or drop their items,
and the items, sorted by staff in the back office before being published with a comment.

Themes are the programme's (one taxonomy for the centre); territories are (level, code) pairs
checked against the warehouse's referential (core.territories)."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel

from ..core.territories import TerritoryReference
from .network import REFUSED, PrivateAddress, check_url


def folded(text: str) -> str:
    """Lower case without accents nor repeated spaces: how rules and texts are compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


class FeedSource(models.Model):
    name = models.CharField("nom", max_length=200)
    feed_url = models.URLField("adresse du flux (RSS ou Atom)", max_length=500, unique=True)
    site_url = models.URLField("site", max_length=500, blank=True)
    active = models.BooleanField("relevé automatiquement", default=True)
    etag = models.CharField("ETag", max_length=500, blank=True, editable=False)
    last_modified = models.CharField("Last-Modified", max_length=100, blank=True,
                                     editable=False)
    fetched_at = models.DateTimeField("dernier relevé", null=True, blank=True, editable=False)
    status = models.CharField("état du dernier relevé", max_length=500, blank=True,
                              editable=False)
    ok = models.BooleanField("dernier relevé réussi", default=True, editable=False)
    items_count = models.PositiveIntegerField("articles reçus", default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "source"
        verbose_name_plural = "sources"

    def __str__(self) -> str:
        return self.name

    def clean(self):
        try:
            check_url(self.feed_url or "")
        except PrivateAddress:
            raise ValidationError({"feed_url": f"{REFUSED} Le centre ne relève que des flux "
                                               "publiés sur Internet."}) from None

    def save(self, *args, **kwargs):
        """A new address is fetched afresh: the old one's ETag and Last-Modified are forgotten
        (sent to the new address, they could make it answer 304 and hide its articles)."""
        update_fields = kwargs.get("update_fields")
        if self.pk and (update_fields is None or "feed_url" in update_fields):
            stored = FeedSource.objects.filter(pk=self.pk).values_list("feed_url", flat=True)
            if stored and stored[0] != self.feed_url:
                self.etag = self.last_modified = ""
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "etag", "last_modified"}
        super().save(*args, **kwargs)


class KeywordRule(models.Model):
    class Action(models.TextChoices):
        KEEP = "garder", "Garder"
        DROP = "ecarter", "Écarter"

    action = models.CharField("action", max_length=10, choices=Action.choices)
    words = models.TextField(
        "mots ou expressions",
        help_text="Un mot ou une expression par ligne, cherchés dans le titre et le résumé "
                  "sans tenir compte des accents ni des majuscules.")
    source = models.ForeignKey(
        FeedSource, on_delete=models.CASCADE, null=True, blank=True, related_name="rules",
        verbose_name="source", help_text="Vide : la règle vaut pour toutes les sources.")
    active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ["action", "pk"]
        verbose_name = "règle de mots-clés"
        verbose_name_plural = "règles de mots-clés"

    def __str__(self) -> str:
        where = f" ({self.source})" if self.source_id else ""
        return f"{self.get_action_display()} : {', '.join(self.phrases)}{where}"

    @property
    def phrases(self) -> list[str]:
        return [line.strip() for line in self.words.splitlines() if line.strip()]

    def clean(self):
        if not self.phrases:
            raise ValidationError({"words": "Indiquez au moins un mot ou une expression."})

    def matches(self, folded_text: str) -> str | None:
        """The first phrase found as whole words in the (folded) text, or None."""
        padded = f" {_words_only(folded_text)} "
        for phrase in self.phrases:
            if f" {_words_only(folded(phrase))} " in padded:
                return phrase
        return None


def _words_only(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


class PressItem(ClusterableModel):
    class Status(models.TextChoices):
        NEW = "a-trier", "À trier"
        DROPPED = "ecarte", "Écarté"
        PUBLISHED = "publie", "Publié"
        REJECTED = "rejete", "Rejeté"

    source = models.ForeignKey(FeedSource, on_delete=models.CASCADE, related_name="items",
                               verbose_name="source")
    guid = models.CharField("identifiant dans le flux", max_length=1000)
    title = models.CharField("titre", max_length=500)
    link = models.URLField("lien", max_length=1000, blank=True)
    summary = models.TextField("résumé (texte)", blank=True)
    published_at = models.DateTimeField("date de parution", null=True, blank=True)
    received_at = models.DateTimeField("reçu le", auto_now_add=True)
    status = models.CharField("état", max_length=10, choices=Status.choices,
                              default=Status.NEW, db_index=True)
    dropped_by = models.ForeignKey(
        KeywordRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="écarté par la règle")
    decision = models.CharField("raison du tri", max_length=500, blank=True)
    comment = models.TextField(
        "commentaire du centre", blank=True,
        help_text="Pourquoi cet article compte : affiché avec lui sur le site et dans le flux.")
    themes = ParentalManyToManyField("programme.Theme", blank=True,
                                     related_name="press_items", verbose_name="thèmes")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="publié par")
    published_on = models.DateTimeField("publié le", null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["source", "guid"],
                                               name="presswatch_item_guid_per_source")]
        indexes = [models.Index(fields=["status", "-published_on"])]
        verbose_name = "article de veille"
        verbose_name_plural = "articles de veille"

    def __str__(self) -> str:
        return self.title

    @property
    def date(self):
        """The date shown: the article's, else when the centre published it."""
        return self.published_at or self.published_on

    def get_absolute_url(self) -> str:
        return reverse("presswatch:index") + f"#article-{self.pk}"

    def as_newsletter_item(self) -> dict:
        """What a letter shows of a published item: title, link, source, date, comment."""
        return {"title": self.title, "url": self.link, "source": self.source.name,
                "date": self.date, "comment": self.comment, "summary": self.summary}


class PressItemTerritory(TerritoryReference):
    item = ParentalKey(PressItem, on_delete=models.CASCADE, related_name="territories")

    class Meta:
        indexes = [models.Index(fields=["level", "code"])]
        verbose_name = "territoire"
        verbose_name_plural = "territoires"
