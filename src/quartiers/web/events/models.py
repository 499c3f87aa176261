"""The centre's events as pages of the content system (« Agenda » and its events), webinar
cycles, and the registrations to events.

Themes, publics, formats and pôles are the programme's: one taxonomy for the centre. An event
keeps its day(s) as dates and its hours as optional times: an event taken from the programme
has a day but no hour, and none is invented for it. Registrations point to the contacts app's
people; an erased person leaves an anonymous registration (counts and statuses kept).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from ..accounts.services import is_centre_staff
from ..core.content import RICH_TEXT_FEATURES
from ..programme.models import Format

PARIS = ZoneInfo("Europe/Paris")


class Mode(models.TextChoices):
    ON_SITE = "presentiel", "Présentiel"
    ONLINE = "en-ligne", "En ligne"
    HYBRID = "hybride", "Hybride"


class WebinarCycle(models.Model):
    """A cycle of webinars: one registration registers to each of its events."""

    title = models.CharField("titre", max_length=200)
    slug = models.SlugField("identifiant", max_length=80, unique=True)
    description = models.TextField("présentation", blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = "cycle de webinaires"
        verbose_name_plural = "cycles de webinaires"

    def __str__(self) -> str:
        return self.title


class EventIndexPage(Page):
    """« Agenda »: the events to come (or past ones), filtered (see agenda.py)."""

    intro = RichTextField("introduction", features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["site.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = "agenda"

    def get_context(self, request, *args, **kwargs):
        from .agenda import agenda_listing  # which imports these models

        context = super().get_context(request, *args, **kwargs)
        context["listing"] = agenda_listing(request.GET)
        context["is_staff"] = is_centre_staff(request.user)
        return context


class EventPage(Page):
    summary = models.TextField("résumé", max_length=800,
                               help_text="Quelques phrases, reprises dans l'agenda.")
    body = RichTextField("description", features=RICH_TEXT_FEATURES, blank=True)
    date = models.DateField("date")
    end_date = models.DateField("date de fin", null=True, blank=True,
                                help_text="Pour un événement sur plusieurs jours.")
    start_time = models.TimeField("heure de début", null=True, blank=True)
    end_time = models.TimeField("heure de fin", null=True, blank=True)
    mode = models.CharField("modalité", max_length=12, choices=Mode.choices,
                            default=Mode.ON_SITE)
    kind = models.CharField("format", max_length=20, choices=Format.choices,
                            default=Format.AUTRE)
    place_name = models.CharField("lieu", max_length=200, blank=True,
                                  help_text="Nom de la salle ou du bâtiment.")
    address = models.CharField("adresse", max_length=300, blank=True)
    commune = models.CharField("commune", max_length=120, blank=True)
    department = models.CharField(
        "département", max_length=3, blank=True,
        validators=[RegexValidator(r"^(\d{2}|2[AB]|97\d)$",
                                   "Un code de département : « 35 », « 2A », « 974 ».")],
        help_text="Code du département (« 44 »), pour le filtre de l'agenda.")
    visio_link = models.URLField(
        "lien de visioconférence", blank=True,
        help_text="Privé : envoyé seulement aux personnes inscrites et confirmées, jamais "
                  "affiché sur le site ni dans le calendrier public.")
    pole = models.ForeignKey("programme.Pole", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="events", verbose_name="pôle")
    themes = ParentalManyToManyField("programme.Theme", blank=True, related_name="events",
                                    verbose_name="thèmes")
    publics = ParentalManyToManyField("programme.Public", blank=True, related_name="events",
                                     verbose_name="publics")
    action = models.ForeignKey(
        "programme.Action", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="events", verbose_name="action du programme",
        help_text="L'action du programme d'où vient l'événement.")
    cycle = models.ForeignKey(WebinarCycle, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="events", verbose_name="cycle de webinaires")
    registration_enabled = models.BooleanField("inscriptions sur le site", default=True)
    capacity = models.PositiveIntegerField(
        "nombre de places", null=True, blank=True,
        help_text="Vide : sans limite. Au-delà, les personnes vont en liste d'attente.")
    registration_opens = models.DateTimeField("ouverture des inscriptions", null=True,
                                              blank=True, help_text="Vide : dès la publication.")
    registration_closes = models.DateTimeField(
        "clôture des inscriptions", null=True, blank=True,
        help_text="Vide : jusqu'au début de l'événement.")
    asks_accessibility = models.BooleanField("demander les besoins d'accessibilité",
                                             default=True)
    asks_diet = models.BooleanField("demander le régime alimentaire (repas)", default=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel([FieldRowPanel([FieldPanel("date"), FieldPanel("end_date")]),
                         FieldRowPanel([FieldPanel("start_time"), FieldPanel("end_time")])],
                        heading="Dates (heure de Paris)"),
        MultiFieldPanel([FieldPanel("mode"), FieldPanel("kind"), FieldPanel("place_name"),
                         FieldPanel("address"),
                         FieldRowPanel([FieldPanel("commune"), FieldPanel("department")]),
                         FieldPanel("visio_link")], heading="Lieu et format"),
        MultiFieldPanel([FieldPanel("registration_enabled"), FieldPanel("capacity"),
                         FieldRowPanel([FieldPanel("registration_opens"),
                                        FieldPanel("registration_closes")]),
                         FieldPanel("asks_accessibility"), FieldPanel("asks_diet")],
                        heading="Inscriptions"),
        MultiFieldPanel([FieldPanel("pole"), FieldPanel("action"), FieldPanel("cycle"),
                         FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                         FieldPanel("publics", widget=forms.CheckboxSelectMultiple)],
                        heading="Programme et thèmes"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"),
                     index.SearchField("body"), index.SearchField("commune"),
                     index.FilterField("date")]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "événements"

    def clean(self):
        super().clean()
        if self.end_date and self.date and self.end_date < self.date:
            raise ValidationError({"end_date": "La date de fin précède la date de début."})
        if (self.end_time and self.start_time and (self.end_date or self.date) == self.date
                and self.end_time <= self.start_time):
            raise ValidationError({"end_time": "L'heure de fin précède l'heure de début."})
        if self.end_time and not self.start_time:
            raise ValidationError({"end_time": "Une heure de fin demande une heure de début."})
        if (self.registration_opens and self.registration_closes
                and self.registration_closes <= self.registration_opens):
            raise ValidationError({"registration_closes": "La clôture précède l'ouverture."})
        if self.mode == Mode.ON_SITE and self.visio_link:
            raise ValidationError({"visio_link": "Un événement en présentiel n'a pas de lien "
                                                 "de visioconférence : changez la modalité."})

    # -- when --------------------------------------------------------------------------------
    @property
    def last_day(self) -> date:
        return self.end_date or self.date

    @property
    def all_day(self) -> bool:
        return self.start_time is None

    @property
    def starts_at(self) -> datetime:
        """The start, aware (Paris); midnight when no hour is known."""
        return datetime.combine(self.date, self.start_time or time(0), tzinfo=PARIS)

    @property
    def ends_at(self) -> datetime:
        """The end, aware (Paris): the end hour, or the end of the last day."""
        if self.end_time:
            return datetime.combine(self.last_day, self.end_time, tzinfo=PARIS)
        if self.start_time and not self.end_date:
            return self.starts_at
        return datetime.combine(self.last_day + timedelta(days=1), time(0), tzinfo=PARIS)

    @property
    def when(self) -> str:
        """« 13 juin 2026, de 9 h 30 à 17 h », « du 1er au 2 octobre 2026 »…"""
        days = (_day(self.date) if self.last_day == self.date
                else f"du {_day(self.date)} au {_day(self.last_day)}")
        if self.start_time and self.end_time:
            return f"{days}, de {_hour(self.start_time)} à {_hour(self.end_time)}"
        if self.start_time:
            return f"{days}, à {_hour(self.start_time)}"
        return days

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def online(self) -> bool:
        return self.mode != Mode.ON_SITE

    @property
    def where(self) -> str:
        """« Salle X, 2 rue Y, Rennes », « En ligne », or both for a hybrid event."""
        on_site = ", ".join(part for part in (self.place_name, self.address, self.commune)
                            if part)
        if self.mode == Mode.ONLINE:
            return "En ligne"
        if self.mode == Mode.HYBRID:
            return f"{on_site} et en ligne" if on_site else "En ligne et sur place"
        return on_site

    # -- registration ------------------------------------------------------------------------
    def registration_state(self, now: datetime | None = None) -> str | None:
        """Why one cannot register now (a French sentence), or None when one can."""
        now = now or timezone.now()
        if not self.registration_enabled:
            return "Les inscriptions à cet événement ne se font pas sur ce site."
        if self.is_past or now >= self.starts_at:
            return "Cet événement a eu lieu : les inscriptions sont closes."
        if self.registration_opens and now < self.registration_opens:
            opens = timezone.localtime(self.registration_opens, PARIS)
            return f"Les inscriptions ouvrent le {opens:%d/%m/%Y à %H:%M}."
        if self.registration_closes and now >= self.registration_closes:
            return "Les inscriptions sont closes."
        return None

    def places_taken(self) -> int:
        return self.registrations.filter(status__in=Registration.HOLDING).count()

    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.places_taken(), 0)

    def waiting_count(self) -> int:
        return self.registrations.filter(status=Registration.Status.WAITING).count()

    def get_context(self, request, *args, **kwargs):
        from .forms import RegistrationForm

        context = super().get_context(request, *args, **kwargs)
        context["index_url"] = self.get_parent().get_url(request)
        context["closed"] = self.registration_state()
        context["places_left"] = self.places_left()
        context["waiting"] = self.waiting_count()
        context["form"] = kwargs.get("form") or RegistrationForm(event=self)
        context["is_staff"] = is_centre_staff(request.user)
        return context

    def serve(self, request, *args, **kwargs):
        """The page, and its registration form posted back to it."""
        if request.method != "POST":
            return super().serve(request, *args, **kwargs)
        from .forms import RegistrationForm
        from .registration import Refused, register

        form = RegistrationForm(request.POST, event=self)
        if form.is_valid():
            try:
                registration = register(self, form.applicant(), source=f"page {self.url}")
            except Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                return TemplateResponse(request, "events/registered.html",
                                        {"page": self, "registration": registration})
        return TemplateResponse(request, self.get_template(request),
                                self.get_context(request, form=form), status=400)


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmee", "Confirmée"
        OFFERED = "proposee", "Place proposée (en attente de confirmation)"
        WAITING = "attente", "Liste d'attente"
        CANCELLED = "annulee", "Annulée"

    HOLDING = (Status.CONFIRMED, Status.OFFERED)
    """The statuses that hold a place."""
    ACTIVE = (Status.CONFIRMED, Status.OFFERED, Status.WAITING)

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="registrations",
                              verbose_name="événement")
    person = models.ForeignKey("contacts.Person", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="event_registrations",
                               verbose_name="personne",
                               help_text="Vide après l'effacement de la personne (RGPD).")
    cycle = models.ForeignKey(WebinarCycle, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="registrations", verbose_name="par le cycle")
    status = models.CharField("statut", max_length=10, choices=Status.choices)
    organisation = models.CharField("organisme", max_length=200, blank=True)
    function = models.CharField("fonction", max_length=200, blank=True)
    accessibility_needs = models.TextField("besoins d'accessibilité", blank=True)
    diet = models.CharField("régime alimentaire", max_length=300, blank=True)
    needs_deleted_at = models.DateTimeField("besoins effacés le", null=True, blank=True)
    created_at = models.DateTimeField("inscrite le", default=timezone.now)
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True)
    offered_at = models.DateTimeField("place proposée le", null=True, blank=True)
    offer_expires_at = models.DateTimeField("proposition valable jusqu'au", null=True,
                                            blank=True)
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    attended_at = models.DateTimeField("présence notée le", null=True, blank=True)
    reminded_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        constraints = [models.UniqueConstraint(
            fields=["event", "person"], condition=~Q(status="annulee"),
            name="events_one_active_registration_per_person")]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self) -> str:
        return f"Inscription n° {self.pk} ({self.get_status_display()})"

    @classmethod
    def listed(cls, event: EventPage) -> list[Registration]:
        """An event's registrations for the team: confirmed, offered, waiting, cancelled, each
        in order of arrival."""
        order = list(cls.Status)
        rows = event.registrations.select_related("person", "cycle")
        return sorted(rows, key=lambda r: (order.index(r.status), r.created_at, r.pk))

    @property
    def full_name(self) -> str:
        if self.person is None:
            return "Personne effacée"
        return (f"{self.person.first_name} {self.person.last_name}".strip()
                or self.person.email)

    @property
    def email(self) -> str:
        return self.person.email if self.person else ""


def _day(day: date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {date_format(day, 'F Y')}"


def _hour(moment: time) -> str:
    return f"{moment.hour} h {moment.minute:02d}" if moment.minute else f"{moment.hour} h"

