"""Public pages of the press watch: the published items (newest first, filtered by theme,
territory and source, paginated) and their RSS feed with the centre's comment."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed

from ..programme.models import Theme
from .models import FeedSource, PressItem, PressItemTerritory

PER_PAGE = 20


def published():
    return (PressItem.objects.filter(status=PressItem.Status.PUBLISHED)
            .select_related("source")
            .prefetch_related("themes", "territories")
            .order_by("-published_on", "-pk"))


def _filters(request) -> tuple[list[dict], dict]:
    """The three filters with their choices (only those having published items) and the
    chosen values kept (unknown values are ignored, not an error)."""
    live = PressItem.objects.filter(status=PressItem.Status.PUBLISHED)
    themes = Theme.objects.filter(press_items__in=live).distinct().order_by("name")
    sources = FeedSource.objects.filter(items__in=live).distinct().order_by("name")
    territories = sorted({(t.level, t.code): t for t in
                          PressItemTerritory.objects.filter(item__in=live)}.values(),
                         key=lambda t: (PressItemTerritory.LEVELS.index(t.level), t.name))
    filters = [
        {"param": "theme", "label": "Thème", "every": "Tous les thèmes",
         "choices": [(theme.slug, theme.name) for theme in themes]},
        {"param": "territoire", "label": "Territoire", "every": "Tous les territoires",
         "choices": [(f"{t.level}:{t.code}", f"{t.name} ({t.get_level_display()})")
                     for t in territories]},
        {"param": "source", "label": "Source", "every": "Toutes les sources",
         "choices": [(str(source.pk), source.name) for source in sources]},
    ]
    chosen = {}
    for shown in filters:
        value = request.GET.get(shown["param"], "")
        labels = dict(shown["choices"])
        shown["selected"] = value if value in labels else ""
        if shown["selected"]:
            chosen[shown["param"]] = value
            shown["selected_label"] = labels[value]
    return filters, chosen


def press_index(request):
    filters, chosen = _filters(request)
    items = published()
    if "theme" in chosen:
        items = items.filter(themes__slug=chosen["theme"])
    if "territoire" in chosen:
        level, code = chosen["territoire"].split(":", 1)
        items = items.filter(territories__level=level, territories__code=code)
    if "source" in chosen:
        items = items.filter(source_id=int(chosen["source"]))
    page = Paginator(items.distinct(), PER_PAGE).get_page(request.GET.get("page"))
    removals = [(shown, "?" + urlencode({k: v for k, v in chosen.items() if k != shown["param"]}))
                for shown in filters if shown["selected"]]
    return render(request, "presswatch/index.html", {
        "page": page, "filters": filters, "chosen": removals,
        "page_params": urlencode(chosen), "count": page.paginator.count})


class PressFeed(Feed):
    """The published items, newest first, each with the centre's comment before its summary."""

    feed_type = Rss201rev2Feed
    title = "Veille du centre de ressources — Quartiers"
    description = ("Articles repérés et commentés par l'équipe du centre de ressources de la "
                   "politique de la ville.")
    feed_copyright = "Les articles appartiennent à leurs auteurs ; commentaires : le centre."

    def link(self):
        return reverse("presswatch:index")

    def items(self):
        return published()[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        parts = [f"Commentaire du centre : {item.comment}"] if item.comment else []
        if item.summary:
            parts.append(item.summary)
        return "\n\n".join(parts)

    def item_link(self, item):
        return item.link or item.get_absolute_url()

    def item_guid(self, item):
        return f"quartiers-veille-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_on

    def item_author_name(self, item):
        return item.source.name

    def item_categories(self, item):
        return [theme.name for theme in item.themes.all()]
