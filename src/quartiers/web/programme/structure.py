"""The plain structure a programme document is read into (importer.py), and the stored form of
its text blocks: paragraphs apart, list items as « - » lines.

Plain Python (no Django).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Note:
    line: int | None  # None: about the whole document
    message: str

    def __str__(self) -> str:
        return self.message if self.line is None else f"ligne {self.line} : {self.message}"


@dataclass
class ParsedAction:
    line: int
    title: str
    text: str
    heading: str = ""
    format: str = "autre"
    date_start: date | None = None
    date_precision: str = ""  # « jour » or « mois » when dated
    place: str = ""
    partners: str = ""
    themes: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)

    @property
    def description(self) -> str:
        """The whole text when the title is only its beginning."""
        return "" if self.text.rstrip(" ;,.") == self.title else self.text


@dataclass
class ParsedAxis:
    name: str
    intro: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    modalities: list[str] = field(default_factory=list)
    public_slugs: list[str] = field(default_factory=list)
    actions: list[ParsedAction] = field(default_factory=list)


@dataclass
class ParsedPole:
    name: str
    intro: list[str] = field(default_factory=list)
    axes: list[ParsedAxis] = field(default_factory=list)


@dataclass
class ParsedProgramme:
    year: int
    title: str = ""
    intro: list[str] = field(default_factory=list)
    poles: list[ParsedPole] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    placement: dict[int, str] = field(default_factory=dict)
    """Where each non-empty line went (« action », « sujets de l'axe … »), by line number."""

    @property
    def axes(self) -> Iterator[ParsedAxis]:
        for pole in self.poles:
            yield from pole.axes

    @property
    def actions(self) -> Iterator[ParsedAction]:
        for axis in self.axes:
            yield from axis.actions


def blocks(text: str) -> list[str | list[str]]:
    """Stored text back as paragraphs (strings) and lists (the « - » lines), for display."""
    found: list[str | list[str]] = []
    for line in (line.strip() for line in text.splitlines()):
        if line.startswith("- "):
            if not found or isinstance(found[-1], str):
                found.append([])
            found[-1].append(line[2:])
        elif line:
            found.append(line)
    return found


def joined(lines: Iterable[str]) -> str:
    """A block's lines as stored text: bullets one per line, paragraphs apart."""
    text = ""
    for line in lines:
        if text:
            text += "\n" if line.startswith("- ") and text.rsplit("\n", 1)[-1].startswith("- ") \
                else "\n\n"
        text += line
    return text
