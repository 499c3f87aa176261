"""A contract's resources and events: those tagged with its signatory territory or one of its
QPV (an event through the territories of the programme's action it comes from: events have
no territory of their own), each saying why it appears, as the profiles' blocks do."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import F, Q

from ..core.sections import NAMED
from ..core.territories import TerritoryReference
from ..events.models import EventPage
from ..library.models import ResourcePage, ResourceTerritory
from ..programme.models import ActionTerritory

SHOWN = 20


def contract_territories(contract: dict, qpv: list[dict]) -> dict[tuple[str, str], str]:
    """(level, code) → why an item tagged with it appears: the signatory, then its QPV."""
    reasons = {}
    if contract["signatory_level"] in TerritoryReference.LEVELS:
        name = contract["signatory_name"] or contract["signatory_code"]
        reasons[(contract["signatory_level"], contract["signatory_code"])] = \
            f"{NAMED[contract['signatory_level']]} {name}, signataire"
    for q in qpv:
        if q["level"] in TerritoryReference.LEVELS:
            reasons[(q["level"], q["code"])] = f"{NAMED[q['level']]} {q['name']}"
    return reasons


def _tagged(reasons) -> Q:
    codes: dict[str, list[str]] = {}
    for level, code in reasons:
        codes.setdefault(level, []).append(code)
    return reduce(or_, (Q(level=level, code__in=c) for level, c in codes.items()))


def _gathered(tags, reasons, owner) -> list[tuple]:
    said = list(reasons)
    items: dict[int, tuple] = {}
    for tag in tags:
        page = owner(tag)
        items.setdefault(page.pk, (page, set()))[1].add((tag.level, tag.code))
    return [(page, [reasons[t] for t in sorted(tagged, key=said.index)])
            for page, tagged in list(items.values())[:SHOWN]]


def related_resources(reasons) -> list[tuple]:
    """(resource page, reasons) of the live, public resources tagged with these territories."""
    if not reasons:
        return []
    tags = (ResourceTerritory.objects
            .filter(_tagged(reasons), page__in=ResourcePage.objects.live().public())
            .select_related("page").defer("page__body")
            .order_by(F("page__date").desc(nulls_last=True), "page__title"))
    return _gathered(tags, reasons, lambda tag: tag.page)


def related_events(reasons) -> list[tuple]:
    """(event page, reasons) of the live, public events whose action concerns them."""
    if not reasons:
        return []
    tagged: dict[int, set] = {}
    for tag in ActionTerritory.objects.filter(_tagged(reasons)):
        tagged.setdefault(tag.action_id, set()).add((tag.level, tag.code))
    said = list(reasons)
    events = (EventPage.objects.live().public().filter(action_id__in=list(tagged))
              .order_by("-date")[:SHOWN])
    return [(event, [reasons[t] for t in sorted(tagged[event.action_id], key=said.index)])
            for event in events]
