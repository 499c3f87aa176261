"""Importing people from a CSV or XLSX table with French column names.

Every row is checked before anything is written; any blocking problem and nothing is written,
else everything is, in one transaction. The report names the file, the row and the field of
each problem. « Vérifier » (``check_only``) checks and counts without writing.

Columns (any case, accents optional): prénom, nom, courriel, fonction, organisation, type
d'organisation, territoire(s) as ``niveau:code``, réseau(x) by their names; several in one
cell separated by « , » (or « ; » in a quoted cell).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from quartiers.engine.levels import LEVELS
from quartiers.engine.warehouse.store import NotFound, WarehouseMissing

from ..core.territories import unknown_code_message
from ..core.warehouse import get_store
from .models import Membership, Network, Organisation, OrganisationTerritory, Person, normalised_name

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
TERRITORY_LEVELS = OrganisationTerritory.LEVELS


class ImportRefused(Exception):
    """The file cannot be read at all: a French sentence naming it and why."""


class Existing:
    """What to do with a row whose address is already known."""

    UPDATE = "mettre-a-jour"
    SKIP = "ignorer"


# normalised header -> field
COLUMNS = {
    "prenom": "first_name", "nom": "last_name", "courriel": "email", "e mail": "email",
    "email": "email", "adresse electronique": "email", "fonction": "function",
    "organisation": "organisation", "type d organisation": "kind", "type organisation": "kind",
    "territoire": "territories", "territoires": "territories", "reseau": "networks",
    "reseaux": "networks",
}
LABELS = {"first_name": "prénom", "last_name": "nom", "email": "courriel",
          "function": "fonction", "organisation": "organisation",
          "kind": "type d'organisation", "territories": "territoire(s)",
          "networks": "réseau(x)"}
KIND_NAMES = {normalised_name(text): kind for kind, label in Organisation.Kind.choices
              for text in (kind, label)} | {"collectivite": Organisation.Kind.LOCAL_AUTHORITY,
                                             "etat": Organisation.Kind.STATE}
LEVEL_NAMES = {normalised_name(text): level for level in TERRITORY_LEVELS
               for text in (level, LEVELS[level].label)}


@dataclass
class Problem:
    row: int | None  # the line in the file, the header being line 1
    field: str | None  # the column's French name
    message: str
    blocking: bool = True


@dataclass
class Row:
    line: int
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    function: str = ""
    organisation: str = ""
    kind: str = ""
    territories: list[tuple[str, str]] = field(default_factory=list)
    networks: list[Network] = field(default_factory=list)
    existing: Person | None = None


@dataclass
class ImportReport:
    file: str
    check_only: bool
    encoding: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not any(problem.blocking for problem in self.problems)

    def problem_lines(self) -> list[str]:
        return [", ".join(filter(None, (self.file, problem.row and f"ligne {problem.row}",
                                        problem.field))) + f" : {problem.message}"
                for problem in self.problems]

    @property
    def summary(self) -> str:
        counts = (f"{self.created} personne(s) à créer, {self.updated} à mettre à jour, "
                  f"{self.skipped} ignorée(s) car déjà connue(s)")
        if not self.ok:
            blocking = sum(problem.blocking for problem in self.problems)
            return (f"{self.file} : {blocking} problème(s) bloquant(s) sur {self.rows} ligne(s) "
                    "lue(s) : rien n'a été importé.")
        if not self.written:
            return f"{self.file} : vérifié, {self.rows} ligne(s) lue(s) ; {counts}. Rien " \
                   "n'a encore été importé."
        return (f"{self.file} : importé, {self.rows} ligne(s) lue(s) ; "
                + counts.replace("à créer", "créée(s)").replace("à mettre à jour",
                                                                "mise(s) à jour") + ".")

    @property
    def lines(self) -> list[str]:
        encoding = [f"{self.file} : encodage {self.encoding}."] if self.encoding else []
        return [*encoding, *self.problem_lines(), self.summary]


# -- reading the table ---------------------------------------------------------------------
def decode(raw: bytes, name: str) -> tuple[str, str]:
    """The text and the encoding found, said in French: UTF-8 (with or without BOM), UTF-16
    with BOM (Excel's « texte Unicode »), else Windows-1252; undecodable: refused."""
    if raw.startswith(b"\xef\xbb\xbf"):
        text, encoding = _strict(raw[3:], "utf-8", name), "UTF-8 avec BOM"
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = _strict(raw, "utf-16", name), "UTF-16"
    else:
        try:
            text, encoding = raw.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            text = _strict(raw, "cp1252", name)
            encoding = "Windows-1252 (ce n'est pas de l'UTF-8 : lu comme un export Excel " \
                       "« CSV (séparateur : point-virgule) »)"
    if "\x00" in text:
        raise ImportRefused(f"{name} : ce n'est pas un fichier texte CSV (octets nuls) ; "
                            "enregistrez le tableau en CSV UTF-8 ou en XLSX.")
    return text, encoding


def _strict(raw: bytes, encoding: str, name: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise ImportRefused(
            f"{name} : encodage illisible, ni UTF-8 ni Windows-1252 (octet "
            f"0x{raw[error.start]:02x} à la position {error.start}) ; enregistrez le tableau en "
            "« CSV UTF-8 » ou en XLSX.") from error


def _csv_rows(raw: bytes, name: str) -> tuple[list[list[str]], str]:
    text, encoding = decode(raw, name)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), encoding


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _xlsx_rows(raw: bytes, name: str) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportRefused(f"{name} n'est pas un classeur XLSX lisible ; enregistrez-le à "
                            "nouveau en XLSX ou en CSV UTF-8.") from error
    sheet = book.worksheets[0]
    return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def read_table(raw: bytes, name: str) -> tuple[list[list[str]], str]:
    """The rows (header first) and the encoding said (empty for XLSX)."""
    if len(raw) > MAX_BYTES:
        raise ImportRefused(f"{name} : fichier trop volumineux (plus de "
                            f"{MAX_BYTES // 1024 // 1024} Mo).")
    lowered = name.lower()
    if lowered.endswith(".xls"):
        raise ImportRefused(f"{name} : format Excel 97-2003 non lu ; enregistrez le tableau en "
                            "XLSX ou en CSV UTF-8.")
    if lowered.endswith(".xlsx") or raw.startswith(b"PK\x03\x04"):
        return _xlsx_rows(raw, name), ""
    return _csv_rows(raw, name)


# -- checking the rows ---------------------------------------------------------------------
class _Checker:
    def __init__(self, report: ImportReport, existing: str):
        self.report = report
        self.existing = existing
        self.networks = {normalised_name(n.name): n for n in Network.objects.all()}
        self.organisations = {normalised_name(o.name): o for o in Organisation.objects.all()}
        self.emails: dict[str, int] = {}
        self.names: dict[tuple[str, str], int] = {}
        self.new_kinds: dict[str, tuple[str, int]] = {}
        self.known: dict[str, Person] = {}  # by address
        self.same_names: dict[str, list[Person]] = {}  # by normalised name

    def prefetch(self, table: list[list[str]], columns: dict[int, str]):
        """The people the file may meet, in two queries rather than two per row."""
        cells = {name: {cells[index].strip() for cells in table[1:] if index < len(cells)}
                 for index, name in columns.items()}
        emails = {email.lower() for email in cells["email"] if email}
        self.known = {p.email: p for p in Person.objects.filter(email__in=emails)}
        keys = {normalised_name(*pair) for pair in self._names(table, columns)} - {""}
        for person in Person.objects.filter(name_key__in=keys):
            self.same_names.setdefault(person.name_key, []).append(person)

    @staticmethod
    def _names(table, columns):
        first = next((i for i, name in columns.items() if name == "first_name"), None)
        last = next((i for i, name in columns.items() if name == "last_name"), None)
        for cells in table[1:]:
            yield tuple(cells[i] if i is not None and i < len(cells) else "" for i in (first, last))

    def problem(self, row: Row | None, column: str | None, message: str, blocking=True):
        self.report.problems.append(Problem(row and row.line, column and LABELS[column],
                                            message, blocking))

    def header(self, cells: list[str]) -> dict[int, str]:
        columns = {}
        for index, cell in enumerate(cells):
            key = normalised_name(cell).replace("(", "").replace(")", "")
            if key in COLUMNS and COLUMNS[key] not in columns.values():
                columns[index] = COLUMNS[key]
            elif cell.strip():
                self.report.problems.append(Problem(1, None, f"colonne « {cell.strip()} » "
                                                    "inconnue, ignorée.", blocking=False))
        if "email" not in columns.values():
            self.report.problems.append(Problem(
                1, None, "colonne « courriel » absente ; colonnes attendues : "
                + ", ".join(LABELS.values()) + "."))
        return columns

    def row(self, line: int, cells: list[str], columns: dict[int, str]) -> Row | None:
        values = {name: cells[index].strip() if index < len(cells) else ""
                  for index, name in columns.items()}
        if not any(values.values()):
            return None
        row = Row(line, **{k: v for k, v in values.items()
                           if k not in ("territories", "networks")})
        self._email(row)
        self._organisation(row, values.get("territories", ""))
        self._networks(row, values.get("networks", ""))
        self._same_name(row)
        return row

    def _email(self, row: Row):
        row.email = row.email.lower()
        if not row.email:
            return self.problem(row, "email", "adresse électronique manquante.")
        try:
            validate_email(row.email)
        except ValidationError:
            return self.problem(row, "email", f"« {row.email} » n'est pas une adresse "
                                              "électronique valide.")
        if row.email in self.emails:
            return self.problem(row, "email", f"{row.email} figure déjà à la ligne "
                                              f"{self.emails[row.email]} de ce fichier.")
        self.emails[row.email] = row.line
        row.existing = self.known.get(row.email)

    def _organisation(self, row: Row, territories: str):
        key = normalised_name(row.organisation)
        known = self.organisations.get(key)
        if row.kind:
            kind = KIND_NAMES.get(normalised_name(row.kind))
            if kind is None:
                accepted = ", ".join(f"« {label} »" for _, label in Organisation.Kind.choices)
                self.problem(row, "kind", f"type d'organisation inconnu : « {row.kind} » ; "
                                          f"types possibles : {accepted}.")
            elif known and known.kind != kind:
                self.problem(row, "kind", f"« {known.name} » est enregistrée comme "
                                          f"« {known.get_kind_display()} » : type inchangé.",
                             blocking=False)
            row.kind = kind or ""
        if not row.organisation:
            if territories:
                self.problem(row, "territories", "des territoires sans organisation : ils "
                                                 "décrivent l'organisation, indiquez-la.")
            return
        if not known:
            if not row.kind and "kind" not in [p.field for p in self.report.problems
                                                if p.row == row.line]:
                self.problem(row, "kind", f"nouvelle organisation « {row.organisation} » sans "
                                          "type : indiquez-le.")
            first = self.new_kinds.setdefault(key, (row.kind, row.line))
            if row.kind and first[0] and first[0] != row.kind:
                self.problem(row, "kind", f"« {row.organisation} » a un autre type à la ligne "
                                          f"{first[1]}.")
        for item in filter(None, (part.strip() for part in re.split(r"[;,]", territories))):
            self._territory(row, item)

    def _territory(self, row: Row, item: str):
        level_text, _, code = item.partition(":")
        level = LEVEL_NAMES.get(normalised_name(level_text))
        code = code.strip().upper()
        if not code or level is None:
            levels = ", ".join(TERRITORY_LEVELS)
            return self.problem(row, "territories", f"« {item} » : écrivez niveau:code, le "
                                                    f"niveau parmi {levels} (ex. epci:243500139).")
        try:
            get_store().territory(level, code)
        except NotFound as error:
            return self.problem(row, "territories",
                                unknown_code_message(level, code, error.suggestions))
        except WarehouseMissing:
            return self.problem(row, "territories", "le référentiel des territoires n'est pas "
                                                    "construit (quartiers build) : « "
                                                    f"{item} » ne peut pas être vérifié.")
        row.territories.append((level, code))

    def _networks(self, row: Row, networks: str):
        for name in filter(None, (part.strip() for part in re.split(r"[;,]", networks))):
            network = self.networks.get(normalised_name(name))
            if network is None:
                known = ", ".join(f"« {n.name} »" for n in self.networks.values()) or "aucun"
                self.problem(row, "networks", f"réseau inconnu : « {name} » ; réseaux "
                                              f"enregistrés : {known}.")
            else:
                row.networks.append(network)

    def _same_name(self, row: Row):
        name = normalised_name(row.first_name, row.last_name)
        if not name:
            return
        organisation = normalised_name(row.organisation)
        key = (name, organisation)
        if key in self.names:
            self.problem(row, "last_name", f"même nom et même organisation qu'à la ligne "
                                           f"{self.names[key]} (doublon probable).",
                         blocking=False)
        self.names.setdefault(key, row.line)
        known_org = self.organisations.get(organisation)
        if row.organisation and not known_org:
            return
        twin = next((person for person in self.same_names.get(name, [])
                     if person.organisation_id == (known_org and known_org.pk)
                     and person.email != row.email), None)
        if twin:
            self.problem(row, "last_name", f"une personne du même nom existe déjà dans cette "
                                           f"organisation (fiche n° {twin.pk}, autre adresse) : "
                                           "doublon probable.", blocking=False)


def import_contacts(raw: bytes, name: str, *, check_only: bool = False,
                    existing: str = Existing.SKIP, by=None) -> ImportReport:
    """Read, check and (unless ``check_only`` or a blocking problem) write every row at once.
    ``existing``: update the people already known by their address, or skip them."""
    report = ImportReport(file=name, check_only=check_only)
    try:
        table, report.encoding = read_table(raw, name)
    except ImportRefused as error:
        report.problems.append(Problem(None, None, str(error).removeprefix(f"{name} : ")))
        return report
    if not any(cell.strip() for cells in table for cell in cells):
        report.problems.append(Problem(None, None, "fichier vide : aucune ligne d'en-tête."))
        return report
    if len(table) - 1 > MAX_ROWS:
        report.problems.append(Problem(None, None, f"plus de {MAX_ROWS} lignes : découpez le "
                                                   "fichier."))
        return report
    checker = _Checker(report, existing)
    columns = checker.header(table[0])
    if not report.ok:
        return report
    checker.prefetch(table, columns)
    rows = [row for line, cells in enumerate(table[1:], start=2)
            if (row := checker.row(line, cells, columns))]
    report.rows = len(rows)
    for row in rows:
        if row.existing is None:
            report.created += 1
        elif existing == Existing.UPDATE:
            report.updated += 1
        else:
            report.skipped += 1
            report.problems.append(Problem(row.line, "courriel", f"{row.email} est déjà connue "
                                           "(fiche n° {}) : ligne ignorée.".format(
                                               row.existing.pk), blocking=False))
    if not report.rows and report.ok:
        report.problems.append(Problem(None, None, "aucune ligne de contact sous l'en-tête."))
    if report.ok and not check_only:
        _write(rows, existing, by)
        report.written = True
    return report


@transaction.atomic
def _write(rows: list[Row], existing: str, by) -> None:
    organisations = {normalised_name(o.name): o for o in Organisation.objects.all()}
    for row in rows:
        if row.existing and existing != Existing.UPDATE:
            continue
        organisation = None
        if row.organisation:
            key = normalised_name(row.organisation)
            organisation = organisations.get(key)
            if organisation is None:
                organisation = organisations[key] = Organisation.objects.create(
                    name=row.organisation, kind=row.kind)
                log(instance=organisation, action="wagtail.create", user=by)
            for level, code in row.territories:
                OrganisationTerritory.objects.get_or_create(organisation=organisation,
                                                            level=level, code=code)
        person = row.existing or Person(email=row.email)
        for name in ("first_name", "last_name", "function"):
            if getattr(row, name):
                setattr(person, name, getattr(row, name))
        if organisation:
            person.organisation = organisation
        person.last_activity_at = timezone.now()
        person.renewal_asked_at = None
        created = person.pk is None
        person.save()
        for network in row.networks:
            Membership.objects.get_or_create(person=person, network=network,
                                             defaults={"since": timezone.localdate()})
        if created:
            log(instance=person, action="wagtail.create", user=by)
        person.save_revision(user=by, log_action=not created)
