"""What a bundled source declares: the catalogue, the analyses and the build share it."""

from __future__ import annotations

from dataclasses import dataclass, field

ETALAB = "Licence Ouverte / Etalab 2.0"


@dataclass(frozen=True)
class Source:
    key: str
    path: str  # relative to the data directory
    producer: str
    dataset: str
    vintage: str
    licence: str
    origin: str
    columns: tuple[str, ...]  # columns the build needs; a missing one stops the build
    attribution: str
    doubts: tuple[str, ...] = field(default_factory=tuple)  # shown wherever its values are
    # facts about the whole file (how many contours were repaired…): the data page shows them;
    # a profile says instead what concerns its own territory
    file_notes: tuple[str, ...] = field(default_factory=tuple)
    # INSEE official CSV dialect: ';' separator, decimal comma, space as thousands separator
    insee_format: bool = False
    # field separator when insee_format does not tell it (INSEE files with a decimal point)
    delimiter: str = ""
    # bundled dictionary of the variables (documentation, not loaded by the build)
    dictionary: str = ""

    @property
    def family(self) -> str:
        return self.key.split(":")[0]

    @property
    def separator(self) -> str:
        return self.delimiter or (";" if self.insee_format else ",")
