"""The agenda's bundled content: the « Agenda » page, and one event per dated action of the
centre's programmes (``quartiers agenda depuis-programme ANNÉE`` does the same for a year)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from ..programme.models import Action, DatePrecision, Format, Programme
from ..programme.services import BUNDLED
from ..programme.taxonomy import normalise
from ..site.services import section_page
from .models import EventIndexPage, EventPage, Mode

ONLINE_WORDS = ("visio", "en ligne", "distanciel", "webinaire")


def load_bundled() -> str:
    """Create what is missing (run again, nothing changes)."""
    index_page, created = agenda_index()
    lines = [f"Agenda : page « {index_page.title} » {'créée' if created else 'déjà en place'}."]
    for _, year in BUNDLED:
        if Programme.objects.filter(year=year).exists():
            lines.append(events_from_programme(year).summary)
    return "\n".join(lines)


def agenda_index() -> tuple[EventIndexPage, bool]:
    """The « Agenda » page (/agenda/), and whether it was made now."""
    return section_page(EventIndexPage, title="Agenda", slug="agenda", what="l'agenda")


@dataclass
class ProgrammeEvents:
    year: int
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        def plural(count: int) -> str:
            return "s" if count > 1 else ""

        created, existing, skipped = len(self.created), len(self.existing), len(self.skipped)
        return (f"Agenda {self.year} : {created} événement{plural(created)} "
                f"créé{plural(created)} depuis le programme, {existing} déjà dans l'agenda, "
                f"{skipped} action{plural(skipped)} datée{plural(skipped)} "
                f"laissée{plural(skipped)} de côté.")

    @property
    def lines(self) -> list[str]:
        return ([self.summary] + [f"  créé : {line}" for line in self.created]
                + [f"  laissé : {line}" for line in self.skipped])


@transaction.atomic
def events_from_programme(year: int) -> ProgrammeEvents:
    """One published event per action of the programme dated to the day (an action dated to
    the month only has no day to show: staff give it one). Actions that already have their
    event are left alone, as staff may have edited it."""
    if not Programme.objects.filter(year=year).exists():
        raise LookupError(f"Aucun programme d'actions pour l'année {year} : importez-le "
                          f"d'abord (quartiers programme import FICHIER --annee {year}).")
    index_page, _ = agenda_index()
    report = ProgrammeEvents(year)
    actions = (Action.objects.filter(axis__pole__programme__year=year, date_start__isnull=False)
               .select_related("axis__pole").prefetch_related("themes", "publics")
               .order_by("date_start", "pk"))
    for action in actions:
        label = f"{action.dates} — {action.title}"
        if EventPage.objects.filter(action=action).exists():
            report.existing.append(label)
        elif action.date_precision == DatePrecision.MONTH:
            report.skipped.append(f"{label} (daté au mois seulement : à créer par l'équipe "
                                  "quand le jour sera connu)")
        else:
            _event_for(index_page, action)
            report.created.append(label)
    return report


def _event_for(index_page: EventIndexPage, action: Action) -> EventPage:
    online = any(word in normalise(f"{action.place} {action.title}") for word in
                 map(normalise, ONLINE_WORDS)) or action.format == Format.WEBINAIRE
    place = "" if online and "visio" in normalise(action.place) else action.place
    event = EventPage(
        title=action.title[:255], slug=_free_slug(f"{action.title[:60]}-{action.date_start}"),
        summary=(action.description or action.title)[:800], date=action.date_start,
        end_date=action.date_end if action.date_end != action.date_start else None,
        mode=Mode.ONLINE if online and not place else (Mode.HYBRID if online else Mode.ON_SITE),
        kind=action.format, commune=place[:120], pole=action.axis.pole, action=action,
        themes=list(action.themes.all()), publics=list(action.publics.all()))
    index_page.add_child(instance=event)
    event.save_revision().publish()
    return event


def _free_slug(text: str) -> str:
    base = slugify(text)[:70] or "evenement"
    slug, n = base, 1
    while EventPage.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
