"""The public agenda: events to come (soonest first) or past ones (latest first), filtered by
pôle, theme, public, format, place and dates (a GET form: a filtered agenda has its own
address, and works without JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from ..core.territories import territory_name
from ..programme.forms import FrenchOrderIterator
from ..programme.models import Format, Public, Theme
from ..programme.taxonomy import normalise
from .models import EventPage, Mode

PER_PAGE = 20
ONLINE = "en-ligne"


class _TermField(forms.ModelChoiceField):
    iterator = FrenchOrderIterator


class AgendaFilterForm(forms.Form):
    passes = forms.BooleanField(required=False, widget=forms.HiddenInput)
    pole = forms.ChoiceField(label="Pôle", required=False)
    theme = _TermField(Theme.objects.filter(events__isnull=False).distinct(),
                       to_field_name="slug", required=False, label="Thème",
                       empty_label="Tous les thèmes")
    public = _TermField(Public.objects.filter(events__isnull=False).distinct(),
                        to_field_name="slug", required=False, label="Public",
                        empty_label="Tous les publics")
    format = forms.ChoiceField(label="Format", required=False)
    lieu = forms.ChoiceField(label="Lieu", required=False)
    du = forms.DateField(label="Du", required=False,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         error_messages={"invalid": "Date attendue sous la forme jj/mm/aaaa."})
    au = forms.DateField(label="Au", required=False,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         error_messages={"invalid": "Date attendue sous la forme jj/mm/aaaa."})

    def __init__(self, data, events: QuerySet):
        super().__init__(data)
        poles = sorted({name for name in events.exclude(pole=None)
                        .values_list("pole__name", flat=True)}, key=normalise)
        self.fields["pole"].choices = [("", "Tous les pôles")] + [(p, p) for p in poles]
        used = set(events.values_list("kind", flat=True))
        self.fields["format"].choices = [("", "Tous les formats")] + [
            (value, label) for value, label in Format.choices if value in used]
        self.fields["lieu"].choices = [("", "Tous les lieux"), *_places(events)]

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            self.add_error("au", "La date de fin de la période précède sa date de début.")
        return data


def _places(events: QuerySet) -> list[tuple[str, str]]:
    """« En ligne », then départements, then communes (French order)."""
    places = []
    if events.exclude(mode=Mode.ON_SITE).exists():
        places.append((ONLINE, "En ligne"))
    for code in sorted(set(events.exclude(department="").values_list("department", flat=True))):
        name = territory_name("departement", code) or code
        places.append((f"dep:{code}", f"{name} (département {code})"))
    communes = set(events.exclude(commune="").values_list("commune", flat=True))
    places += [(f"commune:{c}", c) for c in sorted(communes, key=normalise)]
    return places


@dataclass
class Agenda:
    form: AgendaFilterForm
    page: Page
    past: bool
    params: dict[str, str]

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def active(self) -> bool:
        return any(value for name, value in self.params.items() if name != "passes")

    @property
    def page_params(self) -> str:
        return urlencode(self.params)

    def switch_url(self) -> str:
        """The same filters over the other period (upcoming ↔ past)."""
        params = {k: v for k, v in self.params.items() if k != "passes"}
        if not self.past:
            params["passes"] = "1"
        return "?" + urlencode(params)


def agenda_listing(params) -> Agenda:
    events = EventPage.objects.live().public()
    form = AgendaFilterForm(params or None, events)
    past = params.get("passes") == "1"
    today = timezone.localdate()
    period = Q(date__lt=today) & (Q(end_date__isnull=True) | Q(end_date__lt=today))
    chosen = events.filter(period) if past else events.exclude(period)
    chosen = chosen.filter(_filters(form)) if form.is_valid() else chosen
    order = ([F("date").desc(), F("start_time").desc(nulls_last=True), "-pk"] if past
             else [F("date").asc(), F("start_time").asc(nulls_first=True), "pk"])
    page = Paginator(chosen.select_related("pole").prefetch_related("themes").order_by(*order),
                     PER_PAGE).get_page(params.get("page"))
    kept = {name: params.get(name, "") for name in form.fields
            if form.is_valid() and form.cleaned_data.get(name)}
    return Agenda(form=form, page=page, past=past,
                  params={name: value for name, value in kept.items() if value})


def _filters(form: AgendaFilterForm) -> Q:
    data, q = form.cleaned_data, Q()
    if data["pole"]:
        q &= Q(pole__name=data["pole"])
    if data["theme"]:
        q &= Q(themes=data["theme"])
    if data["public"]:
        q &= Q(publics=data["public"])
    if data["format"]:
        q &= Q(kind=data["format"])
    place = data["lieu"]
    if place == ONLINE:
        q &= ~Q(mode=Mode.ON_SITE)
    elif place.startswith("dep:"):
        q &= Q(department=place.removeprefix("dep:"))
    elif place.startswith("commune:"):
        q &= Q(commune=place.removeprefix("commune:"))
    if data["du"]:
        q &= Q(date__gte=data["du"]) | Q(end_date__gte=data["du"])
    if data["au"]:
        q &= Q(date__lte=data["au"])
    return q
