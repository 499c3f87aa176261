"""Two programmes compared by theme: which themes appear, continue or disappear, and the passages
of each text that carry them.

A theme is in a programme when one of its keywords occurs in the programme's text (introduction,
pôles, axes and their subjects, actions) or when staff gave it to an action. The passages are
shown with the keywords found, so that the classification can be checked, and corrected by
editing the themes' keywords in the back office.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from .models import Programme, Theme
from .structure import blocks
from .taxonomy import normalise


@dataclass(frozen=True)
class Passage:
    where: str
    text: str
    line: int | None = None
    url: str = ""
    tagged: frozenset[int] = frozenset()
    """Ids of the themes staff gave the action (for an action's passage)."""


@dataclass
class Match:
    passage: Passage
    keywords: list[str]
    """Empty when the theme was given to the action by hand, without any of its words."""


@dataclass
class ThemeComparison:
    theme: Theme
    before: list[Match] = field(default_factory=list)
    after: list[Match] = field(default_factory=list)


@dataclass
class Comparison:
    before: Programme
    after: Programme
    appearing: list[ThemeComparison]
    continuing: list[ThemeComparison]
    disappearing: list[ThemeComparison]
    absent: list[Theme]


def compare(before: Programme, after: Programme) -> Comparison:
    themes = list(Theme.objects.order_by("name"))
    texts = {programme: [(passage, normalise(passage.text)) for passage in passages(programme)]
             for programme in (before, after)}
    found = [ThemeComparison(theme, _matches(theme, texts[before]), _matches(theme, texts[after]))
             for theme in themes]
    return Comparison(
        before=before, after=after,
        appearing=[t for t in found if t.after and not t.before],
        continuing=[t for t in found if t.after and t.before],
        disappearing=[t for t in found if t.before and not t.after],
        absent=[t.theme for t in found if not (t.before or t.after)])


def passages(programme: Programme) -> list[Passage]:
    """The programme's texts, one passage per paragraph or list item, in the document's order."""
    found = [Passage("Introduction", line) for line in _lines(programme.intro)]
    for pole in programme.tree():
        found += [Passage(f"Pôle « {pole.name} »", line) for line in [pole.name,
                                                                     *_lines(pole.intro)]]
        for axis in pole.axes.all():
            where = f"Axe « {axis.name} »"
            titles = [axis.name] if axis.name != pole.name else []
            found += [Passage(where, line) for line in [*titles, *_lines(axis.intro)]]
            found += [Passage(f"{where}, sujets", line) for line in _lines(axis.subjects)]
            found += [Passage(f"Action de l'axe « {axis.name} »",
                              action.description or action.title, action.source_line,
                              reverse("programme:action", args=[programme.year, action.pk]),
                              frozenset(theme.pk for theme in action.themes.all()))
                      for action in axis.shown]
    return found


def _lines(text: str) -> list[str]:
    """Its paragraphs and list items, as the pages and the PDF show them."""
    return [line for block in blocks(text)
            for line in ([block] if isinstance(block, str) else block)]


def _matches(theme: Theme, texts: list[tuple[Passage, str]]) -> list[Match]:
    """Its passages, each with its normalised text."""
    term = theme.as_term()
    found = []
    for passage, normalised in texts:
        keywords = term.matched_keywords(normalised)
        if keywords or theme.pk in passage.tagged:
            found.append(Match(passage, keywords))
    return found
