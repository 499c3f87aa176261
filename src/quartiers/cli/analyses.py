"""The analyses' command: the note of an analysis for a territory, as text or as the same PDF
as the web's « Note PDF » link. Plain engine work: Django is never started."""

from __future__ import annotations

from pathlib import Path

from .french import console
from .observatory import open_store, output_file, resolve_territory


def cmd_note(args) -> int:
    from ..engine.analyses import results
    from ..engine.reports.analysis_note import note_data, note_text, render_note

    store = open_store(args)
    analysis = results.analysis(args.analyse)  # NotFound naming the analyses
    level, _, code = args.territoire.rpartition(":")
    level, code = resolve_territory(store, code, level or args.niveau)
    if not args.pdf:
        data, _files = note_data(store, analysis.code, level, code)
        print(note_text(data), end="")
        return 0
    out = output_file(Path(args.sortie or f"note_{analysis.code}_{level}_{code}.pdf"), "-o")
    pdf = render_note(store, analysis.code, level, code)
    out.write_bytes(pdf)
    console.print(f"Note écrite : {out} ({len(pdf) // 1024} Ko)")
    return 0


def add_commands(commands, config) -> None:
    note = commands.add_parser(
        "note", help="note d'une analyse pour un territoire (texte, ou PDF avec --pdf)")
    note.add_argument("analyse", help="code de l'analyse, ex. chaleur, participation, emploi")
    note.add_argument("territoire", help="code officiel (QN…, INSEE, SIREN d'EPCI…) ou "
                                         "niveau:code, ex. epci:244400404")
    note.add_argument("--niveau", help="qpv, commune, epci, departement, region, france, qpv2015")
    note.add_argument("--pdf", action="store_true", help="écrire la note en PDF")
    note.add_argument("-o", "--sortie", help="fichier PDF (défaut : "
                                             "note_<analyse>_<niveau>_<code>.pdf)")
    note.set_defaults(func=cmd_note)
