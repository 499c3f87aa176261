"""Blocks other apps add to a territory's profile, so that the observatory imports none of them.

Each entry of ``settings.QUARTIERS_PROFILE_SECTIONS`` (an explicit list) names a function
``(request, profile) -> str`` returning an HTML block, empty when it has nothing to say; the
library's « Ressources sur ce territoire » is one. A block must depend only on the profile and
the published content: the page is cached until the build or the content changes.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from .territories import TerritoryReference


@cache
def _sections(dotted: tuple[str, ...]) -> list:
    return [import_string(name) for name in dotted]


def profile_sections(request, profile) -> list[SafeString]:
    blocks = (section(request, profile) for section in
              _sections(tuple(settings.QUARTIERS_PROFILE_SECTIONS)))
    return [mark_safe(block) for block in blocks if block]


# How a tagged item (a resource, a press article…) relates to the territory shown: tagged
# with the territory itself…
ITSELF = {"qpv": "sur ce QPV", "commune": "sur cette commune", "epci": "sur cet EPCI",
          "departement": "sur ce département", "region": "sur cette région"}
# … or with one of its parents or of its QPV, named: « sur la commune Rennes ».
NAMED = {"qpv": "sur le QPV", "commune": "sur la commune", "epci": "sur l'EPCI",
         "departement": "sur le département", "region": "sur la région"}


def territory_reasons(profile) -> dict[tuple[str, str], str]:
    """Why an item tagged with each (level, code) appears on this profile, in the order
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
