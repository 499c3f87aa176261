"""The library's block on the territories' profiles (see core/sections.py)."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import F, Q
from django.template.loader import render_to_string

from ..core.territories import TerritoryReference
from .models import ResourcePage, ResourceTerritory

# How a resource relates to the territory shown: tagged with the territory itself…
ITSELF = {"qpv": "sur ce QPV", "commune": "sur cette commune", "epci": "sur cet EPCI",
          "departement": "sur ce département", "region": "sur cette région"}
# … or with one of its parents or of its QPV, named: « sur la commune Rennes ».
NAMED = {"qpv": "sur le QPV", "commune": "sur la commune", "epci": "sur l'EPCI",
         "departement": "sur le département", "region": "sur la région"}


def _reasons(profile) -> dict[tuple[str, str], str]:
    """Why a resource tagged with each (level, code) appears on this profile, in the order
    they are said: the territory itself, its QPV, then its parents from the narrowest."""
    reasons = {}
    if profile.level in TerritoryReference.LEVELS:
        reasons[(profile.level, profile.code)] = ITSELF[profile.level]
    around = [*(qpv for qpv, _figures in profile.qpv), *reversed(profile.parents)]
    for territory in around:
        if territory["level"] in TerritoryReference.LEVELS:
            reasons[(territory["level"], territory["code"])] = \
                f"{NAMED[territory['level']]} {territory['name']}"
    return reasons


def territory_resources(request, profile) -> str:
    """« Ressources sur ce territoire »: live resources tagged with the territory, its parents
    or its QPV, each saying why it appears; nothing when there are none. One query for the
    tags with their pages (and Wagtail's for the view restrictions and the site's root)."""
    reasons = _reasons(profile)
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
