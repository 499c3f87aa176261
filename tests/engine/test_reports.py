"""PDF fiches, charts and maps, on the warehouse built from the real bundled data."""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from quartiers.engine.reports import (
    bar_chart,
    format_number,
    histogram,
    render_batch,
    render_fiche,
    territory_map_svg,
)
from quartiers.engine.reports.charts import STRONG
from quartiers.engine.reports.maps import MARGIN_SHARE, OUTLINE_FILL, perimeters_overlap
from quartiers.engine.reports.pdf import MAP_BOX

SVG = "{http://www.w3.org/2000/svg}"


def pdf_text(pdf: bytes) -> tuple[int, str]:
    """Page count and the whole text, spaces of every kind collapsed (numbers use U+202F)."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def first_breton_qpv(store) -> str:
    return store.territories("qpv", within=("region", "53"))[1][0]["code"]


@pytest.mark.parametrize(("value", "decimals", "unit", "expected"), [
    (1234567.891, 0, "habitants", "1\u202f234\u202f568\u00a0habitants"),
    (9.8, 1, "%", "9,8\u00a0%"),
    (12.35, 1, "%", "12,4\u00a0%"),
    (21760, 0, "€", "21\u202f760\u00a0€"),
    (0.9, 2, "ratio", "0,90"),
    (0.3214, 3, "indice", "0,321"),
    (-1234.5, 1, "", "-1\u202f234,5"),
    (-0.04, 1, "%", "0,0\u00a0%"),
    (999.96, 1, "", "1\u202f000,0"),
    (None, 1, "%", "n.d."),
    (float("nan"), 1, "%", "n.d."),
])
def test_format_number_french(value, decimals, unit, expected):
    assert format_number(value, decimals, unit) == expected


def test_bar_chart_is_svg_with_one_bar_per_known_value():
    svg = bar_chart("Taux <de> pauvreté & co", [("Quartier « A & B »", 39.0, True),
                                               ("Commune", 12.25, False),
                                               ("Secret", None, False)], "%", 1)
    root = ET.fromstring(svg)
    assert root.get("width") == "520"
    bars = root.findall(f"{SVG}rect")
    assert [bar.get("fill") for bar in bars] == ["#b3262e", "#5b6b7c"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Taux <de> pauvreté & co" in texts
    assert "39,0\u00a0%" in texts and "12,3\u00a0%" in texts and "n.d." in texts


def test_bar_chart_grows_with_items():
    small = ET.fromstring(bar_chart("t", [("a", 1.0, True)], "%", 1))
    large = ET.fromstring(bar_chart("t", [(str(i), float(i), False) for i in range(10)], "%", 1))
    assert int(large.get("height")) > int(small.get("height"))


def test_histogram_has_twenty_bins_and_a_marker():
    root = ET.fromstring(histogram([float(v) for v in range(100)], 42.0, "%"))
    assert len(root.findall(f"{SVG}rect")) == 20
    assert any(line.get("stroke") == "#b3262e" for line in root.iter(f"{SVG}line"))
    assert "42,0\u00a0%" in [t.text for t in root.iter(f"{SVG}text")]
    assert ET.fromstring(histogram([], None))  # nothing to count still makes an image


def test_map_labels_few_qpv_only(store):
    rennes = ET.fromstring(territory_map_svg(store.geojson("commune", "35238"),
                                             store.layer("qpv", within=("commune", "35238"))))
    labels = {t.text for t in rennes.iter(f"{SVG}text")}
    assert len(labels) == 5 and all(code.startswith("QN035") for code in labels)
    bretagne = ET.fromstring(territory_map_svg(store.geojson("region", "53"),
                                               store.layer("qpv", within=("region", "53"))))
    assert not list(bretagne.iter(f"{SVG}text"))  # 31 QPV: too many to label
    assert len(list(bretagne.iter(f"{SVG}path"))) + len(list(bretagne.iter(f"{SVG}circle"))) > 31


def test_map_without_any_geometry():
    root = ET.fromstring(territory_map_svg(None, {"type": "FeatureCollection", "features": []}))
    assert [t.text for t in root.iter(f"{SVG}text")] == ["Contour non disponible"]


def _drawn_bounds(svg: str, fill: str) -> tuple[float, float, float, float]:
    """Pixel extent of the paths drawn with ``fill`` (the outline, or the highlighted QPV)."""
    root = ET.fromstring(svg)
    points = [tuple(map(float, pair.split(","))) for path in root.iter(f"{SVG}path")
              if path.get("fill") == fill
              for pair in re.findall(r"-?[\d.]+,-?[\d.]+", path.get("d"))]
    assert points, f"nothing drawn in {fill}"
    xs, ys = zip(*points, strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _geographic_ratio(geometry: dict) -> float:
    """Width over height of a geometry's extent, longitudes shrunk as the map does."""
    lons, lats = zip(*(c for ring in _rings(geometry) for c in ring), strict=True)
    shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
    return (max(lons) - min(lons)) * shrink / (max(lats) - min(lats))


def _rings(geometry: dict) -> list:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [ring for polygon in polygons for ring in polygon]


@pytest.mark.parametrize(("level", "code"), [("commune", "35238"), ("departement", "35"),
                                             ("departement", "974"), ("epci", "243500139")])
def test_pdf_map_frames_the_territory_with_margins(store, level, code):
    """The outline fills the box on one axis, inside a margin on every side, shape kept."""
    width, height = MAP_BOX
    outline = store.geojson(level, code)
    svg = territory_map_svg(outline, store.layer("qpv", within=(level, code)), *MAP_BOX)
    xmin, ymin, xmax, ymax = _drawn_bounds(svg, OUTLINE_FILL)
    margin = MARGIN_SHARE * min(width, height)
    assert xmin >= margin - 1 and ymin >= margin - 1
    assert xmax <= width - margin + 1 and ymax <= height - margin + 1
    assert max((xmax - xmin) / (width - 2 * margin), (ymax - ymin) / (height - 2 * margin)) > 0.98
    assert (xmax - xmin) / (ymax - ymin) == pytest.approx(_geographic_ratio(outline), rel=0.03)
    centre = ((xmin + xmax) / 2, (ymin + ymax) / 2)
    assert centre == pytest.approx((width / 2, height / 2), abs=2)  # centred, not in a corner


@pytest.mark.parametrize("code", ["QN03504M", "QN97101M", "QN98701M"])
def test_pdf_map_of_a_qpv_centres_it_in_its_surroundings(store, code):
    width, height = MAP_BOX
    commune = store.territory("qpv", code)["commune"]
    svg = territory_map_svg(store.geojson("commune", commune),
                            store.layer("qpv", within=("commune", commune)), *MAP_BOX, highlight=code)
    xmin, ymin, xmax, ymax = _drawn_bounds(svg, STRONG)
    assert ((xmin + xmax) / 2, (ymin + ymax) / 2) == pytest.approx((width / 2, height / 2),
                                                                   abs=0.1 * width)
    assert 0.1 * width < max(xmax - xmin, (ymax - ymin)) < 0.5 * width  # visible, with context


def test_overlapping_perimeters_are_said_where_they_show(store):
    rennes = ("commune", "35238")
    assert not perimeters_overlap(store.layer("qpv", within=rennes), store.geojson(*rennes))
    marseille = ("commune", "13055")
    assert perimeters_overlap(store.layer("qpv", within=marseille), store.geojson(*marseille))
    qpv = store.territories("qpv", within=marseille)[1][0]["code"]
    _, text = pdf_text(render_fiche(store, "qpv", qpv))
    assert "Périmètres simplifiés : ils peuvent se chevaucher de quelques mètres" in text
    assert "localisateur" in text


@pytest.mark.parametrize(("level", "code"), [
    ("qpv", None), ("commune", "35238"), ("region", "53"), ("france", "FR")])
def test_fiche_pdf(store, first_breton_qpv, level, code):
    code = code or first_breton_qpv
    territory = store.territory(level, code)
    population = store.values(level, code, "population")[-1].value
    pages, text = pdf_text(render_fiche(store, level, code))
    assert 2 <= pages <= 10  # with the series (« Évolution dans le temps »)
    assert flat(territory["name"]) in text
    assert flat(format_number(population, 0)) in text
    assert "Sources et méthodes" in text
    assert "Licence Ouverte / Etalab 2.0 — données ; document généré par Quartiers" in text
    assert f"Page 1 / {pages}" in text


def test_fiche_of_a_qpv_compares_with_the_qpv_of_its_region(store, first_breton_qpv):
    _, text = pdf_text(render_fiche(store, "qpv", first_breton_qpv))
    assert "Ensemble des QPV de la région (Bretagne)" in text
    assert "Taux de pauvreté" in text
    assert "secret statistique" in text  # the legend of « s »


def test_fiche_of_a_region_lists_its_qpv(store):
    _, text = pdf_text(render_fiche(store, "region", "53"))
    assert "Quartiers prioritaires 2024 du territoire" in text
    assert "31 QPV" in text
    assert "Le Blosne" in text


class HostileNames:
    """A store whose territory name is Typst markup: it must print as plain text."""

    NAME = 'Quartier #set text(fill: red) $x^2$ *gras* [crochet] "guillemets" \\ @ref <lab>'

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def territory(self, level, code):
        return {**self._store.territory(level, code), "name": self.NAME}

    def remember(self, key, compute):  # the real store keeps the profile with its real name
        return compute()


def test_names_are_never_read_as_typst_markup(store):
    _, text = pdf_text(render_fiche(HostileNames(store), "commune", "35238"))
    assert "#set text(fill: red) $x^2$ *gras* [crochet]" in text


def test_render_batch_writes_one_file_per_code(store, tmp_path):
    seen = []
    paths = render_batch(store, "departement", ["22", "35"], tmp_path / "fiches",
                         progress=lambda done, total, code: seen.append((done, total, code)))
    assert [p.name for p in paths] == ["22.pdf", "35.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF") for p in paths)
    assert seen == [(1, 2, "22"), (2, 2, "35")]


def test_commune_fiche_pools_its_qpv(store):
    import io

    from pypdf import PdfReader

    from quartiers.engine.reports import render_fiche

    pdf = PdfReader(io.BytesIO(render_fiche(store, "commune", "35238")))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "quartiers prioritaires du territoire, ensemble" in text
    assert "Ensemble des QPV de la commune" in text and 2 <= len(pdf.pages) <= 10
    assert "Évolution dans le temps" in text and "géographie QPV 2015" in text
