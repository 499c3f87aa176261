"""What the figures must withstand where readers meet them: the JSON API (no float artefact, no
series mixing two geographies) and the profile pages (one figure per fact, notices about the
territory on screen, series that say where they come from). Real bundled data."""

from __future__ import annotations

import json
import re

import pytest

from quartiers.engine.indicators.catalogue import INDICATORS_BY_CODE

pytestmark = pytest.mark.django_db

RENNES_METROPOLE = "/territoires/epci/243500139/"
SPACES = re.compile(r"[\u00a0\u202f\u2009]|&nbsp;|&#8239;|&#160;")


class FloatText(str):
    """A JSON number with a fraction or an exponent, kept as written."""


def get_json(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return json.loads(response.content, parse_float=FloatText)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return SPACES.sub(" ", response.content.decode())


def section(html: str, title: str) -> str:
    """The ``<section>`` whose heading is ``title``."""
    match = re.search(r"<section[^>]*>\s*<h2>" + re.escape(title) + r"</h2>.*?</section>",
                      html, re.S)
    assert match, title
    return match[0]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


# -- 3. no float artefact in the API ---------------------------------------------------------
def api_sample(store) -> list[tuple[str, str]]:
    """A few territories of every level, evenly spread in code order, and the usual ones."""
    sample = [("france", "FR"), ("region", "53"), ("departement", "35"),
              ("epci", "243500139"), ("commune", "35238"), ("commune", "93008"),
              ("commune", "75056"), ("arrondissement", "75101"), ("qpv", "QN03504M"),
              ("qpv2015", "QP035004")]
    for level, count in (("region", 2), ("departement", 2), ("epci", 2), ("commune", 3),
                         ("arrondissement", 1), ("qpv", 3), ("qpv2015", 2)):
        rows = store.territories(level, 100_000)[1]
        sample += [(level, r["code"]) for r in rows[len(rows) // (count + 1)::
                                                    len(rows) // (count + 1)][:count]]
    return list(dict.fromkeys(sample))


def check_value(value: dict, computed_methods: set[str], where) -> int:
    """A value as the API writes it: a whole number as a JSON int; a computed value with no
    more decimals than its indicator declares. Returns 1 for a float checked."""
    number = value["valeur"]
    decimals = INDICATORS_BY_CODE[value["indicateur"]].decimals
    computed = value["methode"] in computed_methods
    where = (*where, value["indicateur"], value["niveau"], value["code"], value["millesime"],
             number)
    if not isinstance(number, FloatText):
        assert number is None or isinstance(number, int), where
        return 0
    assert "e" not in number.lower(), where
    fraction = number.partition(".")[2]
    assert fraction.strip("0"), where  # 6778.0 is written 6778
    if computed:
        assert len(fraction) <= decimals, where
    return 1


def test_api_values_comparisons_and_series_have_no_float_artefact(client, store):
    methods = store.query("SELECT DISTINCT method, computed FROM marts.indicator_values")
    computed_methods = {r["method"] for r in methods if r["computed"]}
    assert "publié" not in computed_methods and "ratio calculé" in computed_methods
    floats = values = 0
    for level, code in api_sample(store):
        base = f"/api/v1/territoires/{level}/{code}"
        found = get_json(client, f"{base}/valeurs")["valeurs"]
        found += [cell for row in get_json(client, f"{base}/comparaison")["lignes"]
                  for cell in row["valeurs"] if cell]
        series = get_json(client, f"{base}/series")["series"]
        for item in series:
            for line in item["lignes"]:
                points = line["valeurs"]
                # no line mixes two geographies (nor two territories)
                assert len({(p["niveau"], p["code"]) for p in points}) == 1, (code, line)
                assert {p["geographie"] for p in points} == {line["geographie"]}, (code, line)
                found += points
        assert found, (level, code)
        for value in found:
            values += 1
            floats += check_value(value, computed_methods, (level, code))
    assert values > 5000 and floats > 500


# -- 6. one figure, one source of truth on a page --------------------------------------------
def test_rennes_metropole_has_one_population_of_its_qpv(client, store):
    (pooled,) = store.values("qpv_epci", "243500139", "population")
    assert pooled.value == 33_840 and pooled.status == "ok"
    (contrat,) = store.contrats_de_ville("243500139")
    assert contrat["pop_qpv"] == 33_227  # the contrat de ville file's own figure
    html = page(client, RENNES_METROPOLE)
    contrats = section(html, "Contrat(s) de ville")
    assert "CV116" in contrats
    assert not re.search(r"\d{1,3}(?: \d{3})+", text_of(contrats)), contrats  # no population
    assert "habitants" not in contrats
    assert "33 840" in html
    # 33 227 is also the 2015-geography QPV total of the EPCI: it may appear only on that
    # labelled series line, never as the population of its QPV
    series = section(html, "Évolution dans le temps")
    assert "33 227" not in html.replace(series, "")
    for row in re.findall(r"<tr>.*?</tr>", series, re.S):
        if "33 227" in row:
            assert "géographie QPV 2015" in row, row


def test_a_breton_commune_profile_shows_only_its_own_notices(client, store):
    rows = store.query("""SELECT t.code FROM marts.territories t
        JOIN marts.territory_links l ON l.level = 'qpv' AND l.parent_level = 'commune'
             AND l.parent_code = t.code
        JOIN marts.territories q ON q.level = 'qpv' AND q.code = l.code
        WHERE t.level = 'commune' AND t.region = '53' GROUP BY t.code
        HAVING NOT bool_or(coalesce(q.repaired, false)) ORDER BY t.code""")
    codes = [r["code"] for r in rows]
    assert "35238" in codes
    for code in ("35238", codes[0], codes[-1], "35115"):  # 35115 Fougères: no QPV
        html = page(client, f"/territoires/commune/{code}/")
        assert "85 contours invalides" not in html and "QN09105I" not in html, code
        assert "make_valid" not in html, code


def test_a_repaired_qpv_says_so(client, store):
    repaired = store.query("SELECT code, name FROM marts.territories WHERE level = 'qpv' "
                           "AND repaired ORDER BY region = '53' DESC, code LIMIT 2")
    assert repaired
    for row in repaired:
        notices = re.search(r'<aside class="notices">.*?</aside>', page(
            client, f"/territoires/qpv/{row['code']}/"), re.S)
        assert notices, row
        text = text_of(notices[0])
        assert f"Le contour de {row['name']} était invalide" in text.replace("&#x27;", "'")
        assert "réparé" in text and "85 contours invalides" not in text


# -- 8. series -------------------------------------------------------------------------------
def test_maurepas_links_its_2015_predecessor_and_shows_its_series(client):
    html = page(client, "/territoires/qpv/QN03504M/")
    assert 'href="/territoires/qpv2015/QP035004/"' in html
    text = text_of(html)
    assert re.search(r"QP035004\W+périmètre modifié", text), "périmètre modifié"
    series = section(html, "Évolution dans le temps")
    assert "Maurepas (QP035004)" in text_of(series)
    assert "géographie QPV 2015" in series


def test_a_new_qpv_has_no_earlier_series(client, store):
    (row,) = store.query("SELECT code FROM marts.qpv_predecessors WHERE status = 'NOUVEAU' "
                         "ORDER BY code LIMIT 1")
    html = page(client, f"/territoires/qpv/{row['code']}/")
    assert "pas de série antérieure" in html
    assert "/territoires/qpv2015/" not in html


def test_a_share_past_100_says_so_on_the_map(client):
    """Social housing over households can pass 100 %: the map's features say it on the value."""
    layer = client.get("/api/v1/couches/qpv.geojson?indicateur=taux_logements_sociaux").json()
    past = [f["properties"] for f in layer["features"]
            if f["properties"]["valeur"] is not None and f["properties"]["valeur"] > 100]
    assert past and all(p["remarque"] == "au-delà de 100 % par construction" for p in past)
