"""The outbox: every message the platform sends, stored as the exact bytes sent, with its delivery
state. Personal data (addresses, bodies): purged 90 days after sending, exported and erased with
a person (privacy.py)."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage as ParsedMessage

from django.db import models
from django.utils import timezone

UNKNOWN_AFTER = timedelta(minutes=15)
"""A message claimed this long ago and still « en cours »: its worker died mid-send; whether the
server took it is unknown, so it is never resent without a person deciding."""


PERSONAL_LINK_CATEGORIES = frozenset({"compte"})
"""Categories whose body holds a link that acts for its recipient (a password reset): the staff
who read the outbox, and a person's export, see that the message exists, never its text."""


class OutgoingMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "en_attente", "en attente"
        SENDING = "en_cours", "en cours d'envoi"
        SENT = "envoye", "envoyé"
        TEMPORARY_FAILURE = "echec_temporaire", "échec temporaire (nouvel essai prévu)"
        PERMANENT_FAILURE = "echec_definitif", "échec définitif"
        HELD = "retenu", "retenu (aucun serveur d'envoi configuré)"

    category = models.CharField("catégorie", max_length=100, db_index=True,
                                help_text="compte, inscription, lettre:12…")
    from_address = models.CharField("expéditeur", max_length=320)
    to = models.TextField("destinataires", help_text="Adresses de l'enveloppe, séparées par "
                                                     "des virgules (copies cachées comprises).")
    subject = models.CharField("objet", max_length=998, blank=True)
    mime = models.BinaryField("message")
    status = models.CharField("état", max_length=20, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveIntegerField("essais", default=0)
    next_attempt_at = models.DateTimeField("prochain essai", null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    claimed_at = models.DateTimeField("dernier essai", null=True, blank=True)
    last_error = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now, db_index=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "courriel"
        verbose_name_plural = "courriels"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.subject or f"Courriel {self.pk}"

    @property
    def recipients(self) -> list[str]:
        return [address for address in self.to.split(", ") if address]

    @property
    def unknown(self) -> bool:
        """Claimed by a worker that never said how it ended (see UNKNOWN_AFTER)."""
        return (self.status == self.Status.SENDING and self.claimed_at is not None
                and self.claimed_at < timezone.now() - UNKNOWN_AFTER)

    @property
    def state_label(self) -> str:
        return "état inconnu" if self.unknown else self.get_status_display()

    def parsed(self) -> ParsedMessage:
        return message_from_bytes(bytes(self.mime), policy=policy.default)

    def text(self) -> str:
        """The plain-text part (or the HTML one when there is none), as the reader sees it."""
        body = self.parsed().get_body(preferencelist=("plain", "html"))
        return body.get_content() if body is not None else ""

    def readable_text(self) -> str:
        """``text()``, unless the message carries a personal link (PERSONAL_LINK_CATEGORIES)."""
        if self.category in PERSONAL_LINK_CATEGORIES:
            return ("Contenu masqué : ce courriel contient un lien personnel (choix d'un "
                    "nouveau mot de passe), que seule sa destinataire peut lire.")
        return self.text()

    def attachment_names(self) -> list[str]:
        return [part.get_filename() or "(sans nom)" for part in self.parsed().iter_attachments()]
