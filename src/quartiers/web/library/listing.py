"""The listing of « Ressources »: filters by facet (GET parameters, with the count of each
choice), full-text search over the resources and their documents' text, pages of results.

Each facet's counts are taken with the other facets' filters and the search applied, not its
own: a visitor sees what every other choice of that facet would give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import ExtractYear

from quartiers.engine.levels import LEVELS, territory_label

from ..core.territories import TerritoryReference, territory_name
from ..programme.taxonomy import normalise
from .models import Kind, ResourcePage

PER_PAGE = 20
LONGEST_QUERY = 200
SEARCH_OPERATORS = re.compile(r"[\"*^:(){}\[\]<>&|!~+\\-]")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    count: int


class Facet:
    """One filter of the listing: its GET parameter, its words, how it filters and counts."""

    param: str
    label: str
    every: str  # the choice of no filter

    def lookup(self, value: str) -> Q:
        raise NotImplementedError

    def choices(self, resources: QuerySet) -> list[Choice]:
        raise NotImplementedError

    def accepts(self, value: str) -> bool:
        return bool(value)


class KindFacet(Facet):
    param, label, every = "type", "Type de ressource", "Tous les types"

    def accepts(self, value):
        return value in Kind.values

    def lookup(self, value):
        return Q(kind=value)

    def choices(self, resources):
        counts = dict(resources.values_list("kind").annotate(n=Count("pk", distinct=True)))
        return [Choice(kind.value, kind.label, counts[kind.value]) for kind in Kind
                if kind.value in counts]


class TaxonomyFacet(Facet):
    """Themes or publics: the programme's taxonomy, chosen by slug."""

    def __init__(self, relation: str, param: str, label: str, every: str):
        self.relation, self.param, self.label, self.every = relation, param, label, every

    def lookup(self, value):
        return Q(**{f"{self.relation}__slug": value})

    def choices(self, resources):
        slug, name = f"{self.relation}__slug", f"{self.relation}__name"
        rows = (resources.filter(**{f"{slug}__isnull": False}).values_list(slug, name)
                .annotate(n=Count("pk", distinct=True)).order_by())
        return [Choice(value, label, count) for value, label, count
                in sorted(rows, key=lambda row: normalise(row[1]))]  # French order


class YearFacet(Facet):
    param, label, every = "annee", "Année", "Toutes les années"

    def accepts(self, value):
        return value.isdigit() and len(value) == 4

    def lookup(self, value):
        return Q(date__year=int(value))

    def choices(self, resources):
        rows = (resources.filter(date__isnull=False).annotate(year=ExtractYear("date"))
                .values_list("year").annotate(n=Count("pk", distinct=True)).order_by("-year"))
        return [Choice(str(year), str(year), count) for year, count in rows]


class TerritoryFacet(Facet):
    """A territory a resource is tagged with, as « niveau:code » (« qpv:QN03504M »)."""

    param, label, every = "territoire", "Territoire", "Tous les territoires"

    def accepts(self, value):
        level, _, code = value.partition(":")
        return level in TerritoryReference.LEVELS and bool(code)

    def lookup(self, value):
        level, _, code = value.partition(":")
        return Q(territories__level=level, territories__code=code)

    def choices(self, resources):
        rows = (resources.values_list("territories__level", "territories__code")
                .filter(territories__isnull=False).annotate(n=Count("pk", distinct=True)))
        choices = [(LEVELS[level].rank, normalise(name), name, level, code, count)
                   for level, code, count in rows if (name := territory_name(level, code))]
        return [Choice(f"{level}:{code}", f"{name} ({territory_label(level, code)})", count)
                for _, _, name, level, code, count in sorted(choices)]


FACETS = (
    KindFacet(),
    TaxonomyFacet("themes", "theme", "Thème", "Tous les thèmes"),
    TaxonomyFacet("publics", "public", "Public", "Tous les publics"),
    YearFacet(),
    TerritoryFacet(),
)


@dataclass(frozen=True)
class ShownFacet:
    facet: Facet
    choices: list[Choice]
    selected: str

    @property
    def selected_label(self) -> str:
        return next((c.label for c in self.choices if c.value == self.selected), self.selected)


@dataclass
class Listing:
    query: str
    facets: list[ShownFacet]
    page: Page
    params: dict[str, str]  # the filters chosen, search included

    @property
    def count(self) -> int:
        return self.page.paginator.count

    def url_without(self, param: str) -> str:
        """The listing's query string with one filter removed (« retirer ce filtre »)."""
        kept = {name: value for name, value in self.params.items() if name != param}
        return "?" + urlencode(kept) if kept else "?"

    @property
    def page_params(self) -> str:
        """The query string to which pagination links add « &page=N »."""
        return urlencode(self.params)

    @property
    def chosen(self) -> list[tuple[ShownFacet, str]]:
        """The filters applied, each with the query string that removes it."""
        return [(shown, self.url_without(shown.facet.param)) for shown in self.facets
                if shown.selected]


def resource_listing(params) -> Listing:
    """The listing for a request's GET parameters (invalid values are ignored)."""
    # the database backends quote each word without escaping: FTS5 and tsquery operators go
    query = " ".join(SEARCH_OPERATORS.sub(" ", params.get("q", "")[:LONGEST_QUERY]).split())
    selected = {}
    for facet in FACETS:
        value = params.get(facet.param, "")
        selected[facet.param] = value if facet.accepts(value) else ""
    resources = ResourcePage.objects.live().public()
    ranked = None
    if query:
        ranked = [page.pk for page in resources.defer_streamfields().search(query, operator="and")]
        resources = resources.filter(pk__in=ranked)

    def filtered(without: str | None = None) -> QuerySet:
        chosen = resources
        for facet in FACETS:
            if selected[facet.param] and facet.param != without:
                chosen = chosen.filter(facet.lookup(selected[facet.param]))
        return chosen

    facets = [ShownFacet(facet, facet.choices(filtered(without=facet.param)),
                         selected[facet.param]) for facet in FACETS]
    results = filtered()
    page = _results_page(results, ranked, params.get("page"))
    chosen = {"q": query, **selected}
    return Listing(query=query, facets=facets, page=page,
                   params={name: value for name, value in chosen.items() if value})


def _results_page(results: QuerySet, ranked: list[int] | None, number) -> Page:
    """A page of results: the most recent first, or the most relevant first for a search."""
    if ranked is None:
        # by identifiers: a DISTINCT over every column of the pages costs more than the rest
        ordered = (ResourcePage.objects.filter(pk__in=results.values("pk"))
                   .defer_streamfields().prefetch_related("themes")
                   .order_by(F("date").desc(nulls_last=True), "-first_published_at", "-pk"))
        return Paginator(ordered, PER_PAGE).get_page(number)
    kept = set(results.values_list("pk", flat=True))
    page = Paginator([pk for pk in ranked if pk in kept], PER_PAGE).get_page(number)
    found = (ResourcePage.objects.defer_streamfields().prefetch_related("themes")
             .in_bulk(page.object_list))
    page.object_list = [found[pk] for pk in page.object_list]
    return page
