"""The note of an analysis for a territory: formatting and classes on hand-checked values, then
the heat-wave note of a QPV, a commune and an EPCI from the real build, read back from the PDF,
and the ``quartiers note`` command."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from quartiers.cli import main
from quartiers.engine.reports.analysis_note import (
    CLASS_COLOURS,
    SCORE_LABELS,
    classify,
    format_value,
    note_data,
    note_text,
    render_note,
    subject,
)
from quartiers.engine.warehouse.store import NotFound

NNBSP, NBSP = "\u202f", "\u00a0"
NANTES, NANTES_METROPOLE, BELLEVUE = "44109", "244400404", "QN04405M"


def test_values_are_written_in_french():
    assert format_value(12.345, "%") == f"12,3{NBSP}%"
    assert format_value(1609.0, "QPV") == f"1{NNBSP}609"
    assert format_value(0.456, "rang moyen (0–1)") == "0,46"
    assert format_value(None) == "–" and format_value("Brest") == "Brest"


def test_classes_by_score_else_by_equal_intervals():
    low, middle, high = CLASS_COLOURS
    fills, legend = classify({"a": 0.0, "b": 0.0, "c": 40.0, "d": 90.0}, {}, "%")
    assert fills == {"a": low, "b": low, "c": middle, "d": high}  # zeros not all « high »
    assert [item["label"] for item in legend[:3]] == [
        f"de 0{NBSP}% à 30{NBSP}%", f"de 30{NBSP}% à 60{NBSP}%", f"de 60{NBSP}% à 90{NBSP}%"]
    # a score decides over the value; no value, no colour (never drawn as the lowest class)
    fills, legend = classify({"a": 5.0, "b": None}, {"a": 3, "b": None})
    assert fills == {"a": high} and legend[2]["label"] == "tiers le plus haut"
    assert classify({"a": None}, {}) == ({}, [])


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # a tagged PDF
    return " ".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize(("level", "code"), [("qpv", BELLEVUE), ("commune", NANTES),
                                             ("epci", NANTES_METROPOLE)])
def test_heat_note_of_a_qpv_a_commune_and_an_epci(store, level, code):
    name = store.territory(level, code)["name"]
    text = _pdf_text(render_note(store, "chaleur", level, code))
    for words in ("Vulnérabilité aux fortes chaleurs", name, "Méthode", "Limites",
                  "Sources et licences", "Licence Ouverte", "Sensibilité"):
        assert words in text, words
    if level == "qpv":
        assert any(label in text for label in SCORE_LABELS.values())  # each score said
    else:
        inside = store.query("SELECT code FROM marts.territory_links WHERE level = 'qpv' "
                             "AND parent_level = ? AND parent_code = ?", [level, code])
        assert inside and all(row["code"] in text for row in inside)


def test_text_note_says_what_is_not_available(store):
    data, files = note_data(store, "chaleur", "qpv", "QN03504M")
    text = note_text(data)
    assert text.startswith("Vulnérabilité aux fortes chaleurs — Maurepas")
    assert "donnée non disponible pour ce territoire" in text  # no LCZ layer over Rennes
    # Maurepas among the QPV of Rennes: sensitivity and capacity drawn, not the exposure
    # nor the combined score (no LCZ layer over Rennes)
    assert [m["title"].split(" :")[0] for m in data["maps"]] == [
        "Sensibilité", "Capacité d'adaptation"]
    assert set(files) >= {"carte1.svg", "carte2.svg"} and "carte3.svg" not in files


def test_no_result_is_a_french_not_found(store):
    with pytest.raises(NotFound, match="pas de résultat"):
        subject(store, "chaleur", "qpv2015", "QP035004")
    with pytest.raises(NotFound, match="analyse inconnue"):
        subject(store, "chaleurs", "qpv", BELLEVUE)


def test_cli_prints_the_note_or_writes_its_pdf(capsys, warehouse_path, tmp_path):
    base = ["--warehouse", str(warehouse_path), "note", "chaleur"]
    assert main([*base, BELLEVUE]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Vulnérabilité aux fortes chaleurs — Bellevue") and "Sources" in out
    target = tmp_path / "note.pdf"
    assert main([*base, f"epci:{NANTES_METROPOLE}", "--pdf", "-o", str(target)]) == 0
    assert "Nantes Métropole" in _pdf_text(target.read_bytes())
    assert main(["--warehouse", str(warehouse_path), "note", "chaleurs", BELLEVUE]) == 1
    assert "analyse inconnue" in capsys.readouterr().err
