"""Importing a programme document into the database, and loading the centre's bundled programmes.

The command line calls ``import_programme`` (``quartiers programme import FICHIER --annee 2024``)
and ``quartiers init`` calls ``load_bundled``. An import is atomic: the whole programme or nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .importer import parse
from .models import Action, Axis, Pole, Programme, Public, Theme
from .structure import ParsedProgramme, joined
from .taxonomy import PUBLICS, THEMES

# The programmes of RésO Villes (see data/programmes/README.md for their provenance)
BUNDLED = (("programme-2024.txt", 2024), ("programme-2026.txt", 2026))
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024


class _Refused(Exception):
    """An import stopped before writing anything; the message (French) names the file."""


@dataclass
class ImportReport:
    year: int
    ok: bool
    actions: int = 0
    lines: list[str] = field(default_factory=list)
    """What to show: a summary (or why nothing was imported), then each line of the document
    the importer set aside."""


def import_programme(path: str | Path, year: int, *, replace: bool = False) -> ImportReport:
    """Import the programme of ``year`` from a text document, all or nothing; an existing
    programme of that year is replaced only when ``replace`` (its actions, with staff's edits,
    are deleted)."""
    path = Path(path)
    try:
        return _import(path, year, replace)
    except _Refused as refusal:
        return ImportReport(year=year, ok=False, lines=str(refusal).splitlines())


def bundled_document(name: str) -> Path:
    """One of the programme documents bundled in ``data/programmes/``."""
    return settings.QUARTIERS.data_dir / "programmes" / name


def load_bundled() -> str:
    """Create the taxonomy and import the bundled programmes whose year is absent (idempotent)."""
    themes, publics = ensure_taxonomy()
    imported = [import_programme(bundled_document(name), year)
                for name, year in BUNDLED if not Programme.objects.filter(year=year).exists()]
    failed = [line for report in imported if not report.ok for line in report.lines]
    if failed:
        raise RuntimeError("programmes embarqués illisibles : " + " ".join(failed))
    done = (", ".join(f"{r.year} ({r.actions} actions)" for r in imported) + " importés"
            if imported else "déjà présents")
    taxonomy = (f"{themes} thèmes et {publics} publics ajoutés" if themes or publics
                else "déjà en place")
    return f"Programmes d'actions : {done} ; taxonomie : {taxonomy}."


def ensure_taxonomy() -> tuple[int, int]:
    """Create the declared themes and publics missing from the database (staff's edits to
    existing ones are kept); how many of each were added."""
    added = []
    for model, terms in ((Theme, THEMES), (Public, PUBLICS)):
        known = set(model.objects.values_list("slug", flat=True))
        fresh = [model(slug=t.slug, name=t.name, keywords="\n".join(t.keywords))
                 for t in terms if t.slug not in known]
        model.objects.bulk_create(fresh)
        added.append(len(fresh))
    return added[0], added[1]


def _import(path: Path, year: int, replace: bool) -> ImportReport:
    content, text = _read(path)
    if not 2000 <= year <= 2100:
        raise _Refused(f"{path.name} : année {year} invalide (attendue entre 2000 et 2100).")
    ensure_taxonomy()
    parsed = parse(text, year, themes=[t.as_term() for t in Theme.objects.all()],
                   publics=[p.as_term() for p in Public.objects.all()])
    notes = [str(note) for note in parsed.notes]
    actions = list(parsed.actions)
    if not actions:
        raise _Refused("\n".join([
            f"{path.name} : aucune action reconnue (aucune puce « - » sous « Modalités : » ni "
            "de liste hors pôle) : rien n'est importé.", *notes]))
    lines = []
    with transaction.atomic():
        replaced = Programme.objects.filter(year=year).first()
        if replaced and not replace:
            raise _Refused(f"{path.name} : le programme {year} existe déjà ; ajoutez --remplacer "
                           "pour le remplacer (les modifications faites dans la gestion seront "
                           "perdues).")
        if replaced:
            old = Action.objects.filter(axis__pole__programme=replaced).count()
            replaced.delete()
            lines.append(f"Programme {year} existant remplacé ({old} actions supprimées).")
        _store(parsed, path.name, hashlib.sha256(content).hexdigest())
    dated = sum(1 for action in actions if action.date_start)
    lines.insert(0, f"{path.name} → programme {year} « {parsed.title} » : "
                    f"{_count(len(parsed.poles), 'pôle')}, {_count(len(list(parsed.axes)), 'axe')}, "
                    f"{_count(len(actions), 'action')} dont {_count(dated, 'datée')}.")
    lines.append(f"{_count(len(notes), 'remarque')} :" if notes else "Aucune ligne mise de côté.")
    return ImportReport(year=year, ok=True, actions=len(actions), lines=lines + notes)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'s' if number > 1 else ''}"


def _read(path: Path) -> tuple[bytes, str]:
    """The document's bytes (for its fingerprint) and text, or a refusal saying why."""
    if not path.is_file():
        raise _Refused(f"{path} : fichier introuvable.")
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        raise _Refused(f"{path.name} : fichier trop volumineux pour un programme "
                       f"(plus de {MAX_DOCUMENT_BYTES // 1024 // 1024} Mo).")
    content = path.read_bytes()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _Refused(f"{path.name} : ce n'est pas un texte UTF-8 (octet "
                       f"{error.start} illisible).") from error
    if "\x00" in text:
        raise _Refused(f"{path.name} : ce n'est pas un document texte (octets nuls).")
    return content, text


def _store(parsed: ParsedProgramme, source_name: str, digest: str) -> Programme:
    programme = Programme.objects.create(
        year=parsed.year, title=parsed.title, intro=joined(parsed.intro),
        source_name=source_name, source_sha256=digest, imported_at=timezone.now())
    themes = {t.slug: t for t in Theme.objects.all()}
    publics = {p.slug: p for p in Public.objects.all()}
    for pole_order, parsed_pole in enumerate(parsed.poles):
        pole = Pole.objects.create(programme=programme, name=parsed_pole.name, order=pole_order,
                                   intro=joined(parsed_pole.intro))
        for axis_order, parsed_axis in enumerate(parsed_pole.axes):
            axis = Axis.objects.create(
                pole=pole, name=parsed_axis.name, order=axis_order,
                intro=joined(parsed_axis.intro), publics_text=joined(parsed_axis.publics),
                subjects=joined(parsed_axis.subjects), modalities=joined(parsed_axis.modalities))
            for order, item in enumerate(parsed_axis.actions):
                action = Action(
                    axis=axis, order=order, title=item.title, heading=item.heading,
                    description=item.description, format=item.format,
                    date_start=item.date_start, date_precision=item.date_precision,
                    place=item.place, partners=item.partners, source_line=item.line,
                    themes=[themes[slug] for slug in item.themes],
                    publics=[publics[slug] for slug in item.publics])
                action.save()
                action.save_revision()
    return programme
