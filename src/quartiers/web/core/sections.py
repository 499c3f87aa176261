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


@cache
def _sections(dotted: tuple[str, ...]) -> list:
    return [import_string(name) for name in dotted]


def profile_sections(request, profile) -> list[SafeString]:
    blocks = (section(request, profile) for section in
              _sections(tuple(settings.QUARTIERS_PROFILE_SECTIONS)))
    return [mark_safe(block) for block in blocks if block]
