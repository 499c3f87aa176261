"""The library's block on the territories' profiles (see core/sections.py)."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import F, Q
from django.template.loader import render_to_string

from ..core.sections import territory_reasons
from .models import ResourcePage, ResourceTerritory


def territory_resources(request, profile) -> str:
    """« Ressources sur ce territoire »: live resources tagged with the territory, its parents
    or its QPV, each saying why it appears; nothing when there are none. One query for the
    tags with their pages (and Wagtail's for the view restrictions and the site's root)."""
    reasons = territory_reasons(profile)
    if not reasons:
        return ""
    codes: dict[str, list[str]] = {}
    for level, code in reasons:
        codes.setdefault(level, []).append(code)
    tags = (ResourceTerritory.objects
            .filter(reduce(or_, (Q(level=level, code__in=c) for level, c in codes.items())),
                    page__in=ResourcePage.objects.live().public())
            .select_related("page").defer("page__body")
            .order_by(F("page__date").desc(nulls_last=True), "page__title"))
    said = list(reasons)
    resources: dict[int, tuple[ResourcePage, set]] = {}
    for tag in tags:
        resources.setdefault(tag.page_id, (tag.page, set()))[1].add((tag.level, tag.code))
    if not resources:
        return ""
    return render_to_string("library/_territory_resources.html", {"resources": [
        (page, page.get_url(request), [reasons[t] for t in sorted(tagged, key=said.index)])
        for page, tagged in resources.values()]})
