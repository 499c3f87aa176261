"""Reads an action programme written like the centre's documents into plain data, and says, line
by line, what it could not classify.

Plain Python (no Django), so that it is tested on the documents alone. The shape it knows is the
one of the centre's programmes (``data/programmes/``):

- a title « Programme d'actions 2024 », an « EDITO » (kept as the programme's introduction);
- « Pôle … » titles, then axis titles (a short line followed by a paragraph: « La santé »);
- in an axis, the blocks « Publics : », « Sujets : » and « Modalités : »; each bullet (« - » or
  « – ») of the modalities is an action, possibly dated « **[13 juin 2024, à Laval]** … »;
- a line ending with « : » (or a short line followed by bullets) heads the bullets after it;
- a summary without any pôle (the 2026 document): its bullets are the actions of one pôle named
  « Programme 2026 (synthèse) », its paragraphs the programme's introduction.

Nothing is invented: every non-empty line is placed (``ParsedProgramme.placement``) or reported
(``ParsedProgramme.notes``), never dropped. Text is kept as plain text — markup such as
``<script>`` stays inert characters, escaped wherever it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from .structure import Note, ParsedAction, ParsedAxis, ParsedPole, ParsedProgramme
from .taxonomy import PUBLICS, THEMES, Term, format_of, matching, normalise

MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
          "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12}
MAX_TITLE = 200
MAX_HEADING = 300
MAX_SHORT_LINE = 120

_TITLE = re.compile(r"^programme d['’]actions?\s+(\d{4})$", re.IGNORECASE)
_EDITO = re.compile(r"^[ée]dito\s*:?$", re.IGNORECASE)
_POLE = re.compile(r"^p[ôo]le\s+(.{2,80})$", re.IGNORECASE)
_MARKER = re.compile(r"^(publics|sujets|modalit[ée]s)\s*:\s*(.*)$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[-–—•]\s+(.*)$")
_DATED = re.compile(r"^(\*\*)?\s*(\[)?([^\[\]*]{3,60})(\])?\s*(\*\*)?\s*(.*)$")
_DATE = re.compile(r"^(?:(\d{1,2}|1er)\s+)?([^\W\d_]+)\s+(\d{4})(?:\s*,\s*[àa]\s+(.+))?$")
_PLACE = re.compile(r",\s*à\s+([A-ZÉÈÎ][\w'’ -]{1,40})$")
_PARTNERS = re.compile(r"en partenariat avec\s+([^,.;()]+)")
_SUB_AXIS = re.compile(r"^axe\s+\d+\b", re.IGNORECASE)
_CYCLE_I = re.compile(r"^Cycle I (?=\S)")
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_EMPHASIS = re.compile(r"\*([^*]+)\*")
MARKERS = {"publics": "publics", "sujets": "subjects", "modalites": "modalities",
           "modalités": "modalities"}
_BLOCK_LABELS = {"publics": "publics", "subjects": "sujets", "modalities": "modalités"}


def parse(text: str, year: int, themes: Iterable[Term] = THEMES,
          publics: Iterable[Term] = PUBLICS) -> ParsedProgramme:
    """The programme of ``year`` read from ``text``, with notes on what was not understood."""
    return _Parser(text, year, tuple(themes), tuple(publics)).run()


# -- lines ----------------------------------------------------------------------------------
def _clean(raw: str) -> str:
    """A line as plain text: no control characters, no Markdown emphasis, single spaces."""
    text = _CONTROL.sub(" ", raw).replace("**", "")
    return " ".join(_EMPHASIS.sub(r"\1", text).split())


def _is_prose(text: str) -> bool:
    return len(text) >= 100 or text.endswith((".", "!", "?", "…", "»", ")"))


def _is_title_like(text: str) -> bool:
    return (len(text) <= MAX_SHORT_LINE and ":" not in text and text[0].isupper()
            and not text.endswith((".", ",", ";", "!", "?")) and not _SUB_AXIS.match(text))


def _pole_name(text: str) -> str | None:
    match = _POLE.match(text)
    return match[1].strip() if match and not _is_prose(text) and ":" not in text else None


def _title_of(text: str) -> str:
    """The action's name: what precedes « : » when short (« Journée de qualification »), else
    its text, cut at a word when too long."""
    text = text.rstrip(" ;,.")
    head = text.split(" : ", 1)[0]
    return head if head != text and len(head) <= 80 else _shortened(text, MAX_TITLE)


def _shortened(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + "…"


def _parse_date(text: str) -> tuple[date, str, str] | None:
    """(date, precision, place) of « 13 juin 2024, à Laval », « Mai 2024, à Rennes »…"""
    match = _DATE.match(text.strip())
    month = MONTHS.get(normalise(match[2])) if match else None
    if not month:
        return None
    day = 1 if match[1] in (None, "1er") else int(match[1])
    try:
        when = date(int(match[3]), month, day)
    except ValueError:
        return None
    return when, ("mois" if match[1] is None else "jour"), (match[4] or "").strip()


class _Parser:
    """One pass over the non-empty lines; ``section`` says what the current line belongs to
    (top, edito, pole, axis, publics, subjects, modalities)."""

    def __init__(self, text: str, year: int, themes: tuple[Term, ...], publics: tuple[Term, ...]):
        self.lines = [(number, raw, _clean(raw))
                      for number, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
        self.themes, self.publics = themes, publics
        self.result = ParsedProgramme(year=year)
        self.section = "top"
        self.pole: ParsedPole | None = None
        self.axis: ParsedAxis | None = None
        self.heading, self.heading_line = "", 0
        self.headings_used: dict[int, bool] = {}  # line of each sub-heading: did an action follow?

    def run(self) -> ParsedProgramme:
        for index, (number, raw, text) in enumerate(self.lines):
            if _MARKUP.search(text):
                self.note(number, "balisage HTML gardé comme simple texte (jamais interprété)")
            self.read(number, raw, text, self.lines[index + 1] if index + 1 < len(self.lines)
                      else None)
        self.finish()
        return self.result

    def read(self, number: int, raw: str, text: str, following: tuple | None) -> None:
        bullet = _BULLET.match(raw)
        marker = _MARKER.match(text)
        if not self.result.title and _TITLE.match(text):
            self.set_title(number, text)
        elif _EDITO.match(text):
            self.section = "edito"
            self.place(number, "début de l'édito")
        elif (name := _pole_name(text)) and not bullet:
            self.open_pole(number, name)
        elif marker and not bullet:
            self.open_block(number, marker)
        elif bullet:
            self.read_bullet(number, bullet[1].strip())
        else:
            self.read_line(number, text, following)

    # -- structure --------------------------------------------------------------------------
    def set_title(self, number: int, text: str) -> None:
        self.result.title = text
        self.place(number, "titre du programme")
        if int(_TITLE.match(text)[1]) != self.result.year:
            self.note(number, f"le titre annonce une autre année que {self.result.year}")

    def open_pole(self, number: int, name: str) -> None:
        self.pole = ParsedPole(name=name)
        self.result.poles.append(self.pole)
        self.axis, self.heading, self.section = None, "", "pole"
        self.place(number, f"pôle « {name} »")

    def open_axis(self, number: int, name: str) -> None:
        if _CYCLE_I.match(name):
            name = _CYCLE_I.sub("Cycle | ", name)
            self.note(number, f"« Cycle I » lu comme « Cycle | » : axe « {name} »")
        if self.pole is None:
            self.open_synthesis_pole(number)
        self.axis = ParsedAxis(name=name)
        self.pole.axes.append(self.axis)
        self.heading, self.section = "", "axis"
        self.place(number, f"axe « {name} »")

    def open_synthesis_pole(self, number: int) -> None:
        name = f"Programme {self.result.year} (synthèse)"
        self.pole = ParsedPole(name=name)
        self.result.poles.append(self.pole)
        self.note(number, f"aucun titre de pôle avant cette ligne : pôle « {name} » créé pour "
                          "ranger la suite")

    def ensure_axis(self, number: int) -> ParsedAxis:
        """The axis open, or one named as its pôle when the pôle has no axis title (the pôle
        « Data et Quartiers » goes straight to « Publics : »)."""
        if self.axis is None:
            if self.pole is None:
                self.open_synthesis_pole(number)
            self.axis = ParsedAxis(name=self.pole.name)
            self.pole.axes.append(self.axis)
            self.note(number, f"pas de titre d'axe dans le pôle « {self.pole.name} » : axe nommé "
                              "comme le pôle")
        return self.axis

    def open_block(self, number: int, marker: re.Match) -> None:
        axis = self.ensure_axis(number)
        self.section, self.heading = MARKERS[marker[1].lower()], ""
        self.place(number, f"rubrique « {marker[1]} » de l'axe « {axis.name} »")
        if marker[2]:
            self.add_to_block(number, marker[2], bullet=False)

    # -- content ----------------------------------------------------------------------------
    def read_bullet(self, number: int, body: str) -> None:
        text = _clean(body)
        if self.section == "modalities":  # an action (or the heading of those after it)
            if not self.set_bold_heading(number, body):
                self.add_action(number, body)
        elif self.section in ("publics", "subjects"):
            self.add_to_block(number, text, bullet=True)
        elif self.section == "top":
            if not self.set_bold_heading(number, body):
                self.add_action(number, body)
        else:
            self.add_to_intro(number, "- " + text)

    def read_line(self, number: int, text: str, following: tuple | None) -> None:
        next_raw, next_text = (following[1], following[2]) if following else ("", "")
        next_is_bullet = bool(_BULLET.match(next_raw))
        next_is_prose = (bool(following) and not next_is_bullet and _is_prose(next_text)
                         and not _MARKER.match(next_text))
        if self.section == "edito":
            self.add_to_intro(number, text)
        elif _is_title_like(text) and next_is_prose:
            self.open_axis(number, text)
        elif self.section in ("top", "modalities") and (
                text.endswith(":") or (_is_title_like(text) and next_is_bullet)):
            self.set_heading(number, text)
        elif self.section in ("publics", "subjects", "modalities"):
            self.add_to_block(number, text, bullet=False)
            if self.section == "modalities":
                self.note(number, f"texte des modalités gardé dans l'axe « {self.axis.name} », "
                                  f"sans action créée : « {text} »")
        elif _is_prose(text) or text.endswith(":"):
            self.add_to_intro(number, text)
        else:
            self.note(number, f"ligne non classée, non reprise : « {text} »")

    def set_bold_heading(self, number: int, body: str) -> bool:
        """« - **Une offre de services :** » heads the bullets after it."""
        if not (body.startswith("**") and body.endswith("**") and body.rstrip("* ").endswith(":")):
            return False
        self.set_heading(number, _clean(body))
        return True

    def set_heading(self, number: int, text: str) -> None:
        self.heading, self.heading_line = _shortened(text.rstrip(" :"), MAX_HEADING), number
        self.headings_used[number] = False
        self.place(number, f"intertitre « {self.heading} »")

    def add_to_block(self, number: int, text: str, *, bullet: bool) -> None:
        lines = getattr(self.axis, self.section)
        lines.append(("- " if bullet else "") + text)
        if self.section == "publics":
            found = [term.slug for term in matching(self.publics, text)]
            self.axis.public_slugs += [s for s in found if s not in self.axis.public_slugs]
            if not found:
                self.note(number, f"public non reconnu (gardé dans le texte de l'axe) : « {text} »")
        self.place(number, f"{_BLOCK_LABELS[self.section]} de l'axe « {self.axis.name} »")

    def add_to_intro(self, number: int, text: str) -> None:
        if self.section == "axis":
            self.axis.intro.append(text)
            self.place(number, f"texte de l'axe « {self.axis.name} »")
        elif self.section == "pole":
            self.pole.intro.append(text)
            self.place(number, f"texte du pôle « {self.pole.name} »")
        else:
            self.result.intro.append(text)
            self.place(number, "introduction du programme")
            if self.section == "top" and self.pole is not None:
                self.note(number, "paragraphe après les actions, gardé dans l'introduction du "
                                  "programme (aucune action n'en est tirée)")

    def add_action(self, number: int, body: str) -> None:
        axis = self.ensure_axis(number)
        when, precision, place, body = self.read_date(number, body)
        text = _clean(body)
        if not text:
            self.note(number, "puce vide, ignorée")
            return
        place_match = _PLACE.search(text.rstrip(" ;."))
        partners = _PARTNERS.search(text)
        context = f"{axis.name} {self.heading} {text}"
        action = ParsedAction(
            line=number, title=_title_of(text), text=text, heading=self.heading,
            format=format_of(text), date_start=when, date_precision=precision,
            place=place or (place_match[1].strip() if place_match else ""),
            partners=partners[1].strip() if partners else "",
            themes=[term.slug for term in matching(self.themes, context)])
        axis.actions.append(action)
        self.place(number, f"action « {action.title} »")
        if self.heading:
            self.headings_used[self.heading_line] = True
        if when and when.year != self.result.year:
            self.note(number, f"action datée d'une autre année ({when.year}) que le programme")

    def read_date(self, number: int, body: str) -> tuple[date | None, str, str, str]:
        """The date that opens a bullet (« **[13 juin 2024, à Laval]** … ») and the rest;
        a bracket missing (« **20 février 2024, à Lorient]** ») is reported, the date kept."""
        match = _DATED.match(body)
        if not match or not ((match[1] and match[5]) or match[2] or match[4]):
            return None, "", "", body
        opening, closing = bool(match[2]), bool(match[4])
        parsed = _parse_date(match[3])
        if parsed is None:
            if opening and closing:
                self.note(number, f"date non reconnue entre crochets, gardée dans le texte : "
                                  f"« {match[3]} »")
            return None, "", "", body
        if not (opening and closing):
            self.note(number, f"crochet manquant autour de la date « {match[3]} » : date lue "
                              "quand même")
        return *parsed, match[6]

    # -- end --------------------------------------------------------------------------------
    def finish(self) -> None:
        """Publics of each action: those its axis lists, else those its text names; the
        sub-headings no action came under are reported."""
        for axis in self.result.axes:
            for action in axis.actions:
                action.publics = list(axis.public_slugs) if axis.publics else [
                    term.slug for term in matching(self.publics, action.text)]
        for number, used in self.headings_used.items():
            if not used:
                self.note(number, "intertitre sans action après lui, non repris")
        if not self.result.title:
            self.result.title = f"Programme d'actions {self.result.year}"
            self.note(None, f"pas de titre « Programme d'actions AAAA » : titre "
                            f"« {self.result.title} » donné")
        self.result.notes.sort(key=lambda note: note.line or 0)

    def place(self, number: int, where: str) -> None:
        self.result.placement.setdefault(number, where)

    def note(self, number: int | None, message: str) -> None:
        self.result.notes.append(Note(number, message))

