"""The press watch block on territories' profiles (see core/sections.py): published items
tagged with the territory, its QPV or its parents, each saying why, as the library's block."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q
from django.template.loader import render_to_string

from ..core.sections import territory_reasons
from .models import PressItem, PressItemTerritory

SHOWN = 10


def territory_press(request, profile) -> str:
    """« Dans la presse » : the newest published items about the territory; nothing when none."""
    reasons = territory_reasons(profile)
    if not reasons:
        return ""
    codes: dict[str, list[str]] = {}
    for level, code in reasons:
        codes.setdefault(level, []).append(code)
    tags = (PressItemTerritory.objects
            .filter(reduce(or_, (Q(level=level, code__in=c) for level, c in codes.items())),
                    item__status=PressItem.Status.PUBLISHED)
            .select_related("item__source")
            .order_by("-item__published_on", "-item__pk"))
    said = list(reasons)
    items: dict[int, tuple[PressItem, set]] = {}
    for tag in tags:
        if tag.item_id not in items and len(items) == SHOWN:
            continue
        items.setdefault(tag.item_id, (tag.item, set()))[1].add((tag.level, tag.code))
    if not items:
        return ""
    return render_to_string("presswatch/_territory_press.html", {"items": [
        (item, [reasons[t] for t in sorted(tagged, key=said.index)])
        for item, tagged in items.values()]})
