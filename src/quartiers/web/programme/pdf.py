"""A programme as a PDF (A4, in French), laid out by Typst.

Python gathers the texts; the Typst template only lays out the strings it reads with ``json()``,
so no text of the programme (staff's or an imported document's) can become Typst markup.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format

from quartiers.engine.reports import compile_typst

from .models import Action, Programme
from .structure import blocks

TEMPLATE = Path(__file__).with_name("typst") / "programme.typ"
AUTHOR = "Centre de ressources politique de la ville — plateforme Quartiers"


def render_programme_pdf(programme: Programme) -> bytes:
    return compile_typst(TEMPLATE, _data(programme))


def _data(programme: Programme) -> dict:
    poles = [{"name": pole.name, "intro": _paragraphs(pole.intro),
              "axes": [_axis(axis, pole.name, axis.shown) for axis in pole.axes.all()]}
             for pole in programme.tree()]
    source = (f"Importé du document « {programme.source_name} » (SHA-256 "
              f"{programme.source_sha256}), puis tenu à jour par le centre de ressources. "
              if programme.source_name else "")
    return {
        "title": programme.title, "author": AUTHOR,
        "subtitle": f"Version du {date_format(timezone.localdate(), 'j F Y')}",
        "intro": _paragraphs(programme.intro),
        "poles": poles,
        "provenance": source + "Document généré par la plateforme Quartiers.",
        "footer": programme.title,
    }


def _axis(axis, pole_name: str, actions: list[Action]) -> dict:
    parts = [{"label": label, "lines": _paragraphs(text)}
             for label, text in (("Publics", axis.publics_text), ("Sujets", axis.subjects),
                                 ("Autres modalités", axis.modalities))
             if text]
    return {"name": axis.name, "titled": axis.name != pole_name,
            "intro": _paragraphs(axis.intro), "parts": parts,
            "actions": [_action(action, with_publics=not axis.publics_text,
                                new_heading=index == 0 or action.heading != actions[index - 1].heading)
                        for index, action in enumerate(actions)]}


def _action(action: Action, with_publics: bool, new_heading: bool) -> dict:
    """Its publics only when its axis does not list them (they are the axis's); its heading
    when it is the first under it."""
    meta = " · ".join(part for part in (action.dates, action.place,
                                        action.get_format_display()) if part)
    details = [f"{label} : {', '.join(str(item) for item in items)}"
               for label, items in (("Publics", action.publics.all() if with_publics else []),
                                    ("Thèmes", action.themes.all())) if items]
    if action.partners:
        details.append(f"Partenaires : {action.partners}")
    return {"heading": action.heading if new_heading else "", "title": action.title,
            "meta": meta, "description": _paragraphs(action.description), "details": details}


def _paragraphs(text: str) -> list[dict]:
    return [{"text": block} if isinstance(block, str) else {"items": block}
            for block in blocks(text)]
