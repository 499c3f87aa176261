"""Wide tables: every territory of a finer level inside a territory, one column per indicator,
from the profile's downloads and from the API, checked against the warehouse."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from quartiers.engine.exports import STATUS_LEGEND, STATUS_SUFFIX
from quartiers.engine.indicators.catalogue import INDICATORS_BY_CODE

pytestmark = pytest.mark.django_db
DESCRIPTIONS = ("libellé", "unité", "millésime", "source")  # the lines under the header


def download(client, url, params=None) -> bytes:
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.content[:300])
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return response.content


def read_csv(content: bytes) -> tuple[list[str], dict[str, list], list[dict]]:
    """(column names, description lines by name, data rows) of a wide CSV."""
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    names = lines[0]
    described = {line[0]: line for line in lines[1:5]}
    assert list(described) == list(DESCRIPTIONS)
    return names, described, [dict(zip(names, line, strict=True)) for line in lines[5:]]


def french_number(value) -> str:
    number = int(value) if float(value).is_integer() else value
    return repr(number).replace(".", ",")


def check_against_warehouse(store, level: str, row: dict, names: list, described: dict) -> int:
    """Each indicator cell of a territory's row is its value at the column's vintage, with
    its status (blank when plainly published, « absent » without a value)."""
    checked = 0
    for i, name in enumerate(names):
        if name not in INDICATORS_BY_CODE:
            continue
        vintage = described["millésime"][i]
        found = [v for v in store.values(level, row["code"], name) if v.vintage == vintage]
        status = row[name + STATUS_SUFFIX]
        if not found:
            assert status == "absent" and row[name] == "", (row["code"], name)
            continue
        (value,) = found
        assert status == ("" if value.status == "ok" else value.status), (row["code"], name)
        assert row[name] == ("" if value.value is None else french_number(value.value)), name
        assert described["source"][i].split(", ").count(value.source) == 1
        checked += 1
    return checked


def test_the_qpv_of_bretagne_one_row_each_checked_against_the_warehouse(client, store):
    names, described, rows = read_csv(download(client, "/territoires/region/53/tableau-qpv.csv"))
    total, qpv = store.territories("qpv", limit=1000, within=("region", "53"))
    assert [r["code"] for r in rows] == sorted(q["code"] for q in qpv) and len(rows) == total == 31
    assert names[:6] == ["code", "nom", "commune", "epci", "departement", "region"]
    assert names[6:8] == [names[6], names[6] + STATUS_SUFFIX]
    population = names.index("population")
    assert described["libellé"][population] == INDICATORS_BY_CODE["population"].label
    assert described["unité"][population] == "habitants"
    assert described["libellé"][population + 1] == "statut de population (vide : publié)"
    maurepas = next(r for r in rows if r["code"] == "QN03504M")
    assert maurepas["nom"] == "Maurepas" and maurepas["commune"] == "35238"
    assert check_against_warehouse(store, "qpv", maurepas, names, described) >= 15
    for row in rows[::6]:
        check_against_warehouse(store, "qpv", row, names, described)
    statuses = {row[n] for row in rows for n in names if n.endswith(STATUS_SUFFIX)}
    assert "non_publie" in statuses and statuses <= set(STATUS_LEGEND)  # none silently lost


def test_rennes_qpv_as_xlsx_with_sources_and_legend(client, store):
    book = load_workbook(io.BytesIO(download(client, "/territoires/commune/35238/tableau-qpv.xlsx")))
    assert book.sheetnames == ["Tableau", "Statuts", "Sources"]
    lines = list(book["Tableau"].values)
    names, rows = list(lines[0]), [dict(zip(lines[0], line, strict=True)) for line in lines[5:]]
    assert [line[0] for line in lines[1:5]] == list(DESCRIPTIONS)
    assert sorted(r["code"] for r in rows) == sorted(
        q["code"] for q in store.territories("qpv", within=("commune", "35238"))[1])
    assert len(rows) == 5
    villejean = next(r for r in rows if r["code"] == "QN03502M")
    vintage = lines[3][names.index("population")]
    (value,) = [v for v in store.values("qpv", "QN03502M", "population") if v.vintage == vintage]
    assert villejean["population"] == value.value and isinstance(villejean["population"], int)
    sources = [line[0] for line in book["Sources"].values][1:]
    families = {s.split(":")[0] for s in sources}
    used = {f for cell in lines[4][6:] if cell for f in cell.split(", ")}
    assert used <= families and "qpv2024_indicateurs" in families
    assert "communes" not in families  # only the sources of this table
    legend = dict(list(book["Statuts"].values)[1:])
    assert legend["(vide)"] == "publié" and "secret" in legend and "absent" in legend


def test_parquet_from_the_api_reads_back_typed_with_metadata(client, store):
    content = download(client, "/api/v1/territoires/region/53/tableau.parquet", {"niveau": "qpv"})
    table = pq.read_table(io.BytesIO(content))
    assert table.num_rows == 31
    about = json.loads(table.schema.metadata[b"quartiers"])
    assert about["territoire"] == {"niveau": "region", "code": "53", "nom": "Bretagne"}
    assert about["niveau"] == "qpv" and about["statuts"]["absent"]
    field = table.schema.field("taux_pauvrete")
    assert str(field.type) == "double" and field.metadata[b"unite"] == b"%"
    vintage = field.metadata[b"millesime"].decode()
    rows = {r["code"]: r for r in table.to_pylist()}
    (value,) = [v for v in store.values("qpv", "QN03504M", "taux_pauvrete") if v.vintage == vintage]
    assert rows["QN03504M"]["taux_pauvrete"] == value.value
    csv_rows = read_csv(download(client, "/api/v1/territoires/region/53/tableau.csv",
                                 {"niveau": "qpv"}))[2]
    assert [r["code"] for r in csv_rows] == list(rows)  # same table in both formats


def test_every_qpv_of_france_and_the_communes_of_an_epci(client, store):
    table = pq.read_table(io.BytesIO(download(client, "/territoires/france/FR/tableau-qpv.parquet")))
    assert table.num_rows == store.territories("qpv", limit=1)[0] == 1609
    statuses = set(table.column("population" + STATUS_SUFFIX).to_pylist())
    assert statuses <= set(STATUS_LEGEND) and "" in statuses
    names, described, rows = read_csv(download(client, "/territoires/epci/243500139/tableau-commune.csv"))
    assert len(rows) == store.territories("commune", within=("epci", "243500139"))[0] == 43
    assert names[2:5] == ["epci", "departement", "region"]  # parents coarser than a commune
    rennes = next(r for r in rows if r["code"] == "35238")
    assert check_against_warehouse(store, "commune", rennes, names, described) >= 20


def test_territories_without_figures_are_listed_without_indicator_columns(client, store):
    """The QPV of French Polynesia have no figure in the sources: their rows, no empty column."""
    names, _, rows = read_csv(download(client, "/territoires/departement/987/tableau-qpv.csv"))
    assert names == ["code", "nom", "commune", "epci", "departement", "region"]
    assert len(rows) == store.territories("qpv", within=("departement", "987"))[0] > 50


@pytest.mark.parametrize(("url", "needle"), [
    ("/territoires/region/53/tableau-canton.csv", "niveaux possibles : qpv, commune, epci"),
    ("/territoires/region/53/tableau-qpv.pdf", "formats possibles : csv, xlsx, parquet"),
    ("/territoires/qpv/QN03504M/tableau-commune.csv", "niveaux possibles : aucun"),
    ("/territoires/region/99/tableau-qpv.csv", "aucun territoire de niveau « region »"),
    ("/territoires/commune/35238/tableau-arrondissement.csv", "aucun territoire de niveau "
                                                             "« arrondissement » dans Rennes"),
])
def test_bad_table_pages_are_french_404(client, url, needle):
    response = client.get(url)
    assert response.status_code == 404
    assert needle in response.content.decode()


@pytest.mark.parametrize(("url", "params", "status", "needle"), [
    ("/api/v1/territoires/region/53/tableau.csv", {}, 400, "paramètre « niveau » requis"),
    ("/api/v1/territoires/region/53/tableau.csv", {"niveau": "region"}, 400,
     "niveaux possibles : qpv, commune"),
    ("/api/v1/territoires/qpv/QN03504M/tableau.csv", {"niveau": "qpv"}, 400, "pas de tableau"),
    ("/api/v1/territoires/region/53/tableau.pdf", {"niveau": "qpv"}, 404, "formats possibles"),
    ("/api/v1/territoires/region/99/tableau.csv", {"niveau": "qpv"}, 404, "suggestions"),
])
def test_bad_table_requests_to_the_api(client, url, params, status, needle):
    response = client.get(url, params)
    assert response.status_code == status
    assert needle in json.dumps(json.loads(response.content), ensure_ascii=False)


def test_an_xlsx_too_large_for_a_spreadsheet_is_refused_with_the_alternatives(client):
    response = client.get("/territoires/france/FR/tableau-commune.xlsx")
    assert response.status_code == 404 and "prenez le CSV ou le Parquet" in response.content.decode()
    api = client.get("/api/v1/territoires/france/FR/tableau.xlsx", {"niveau": "commune"})
    assert api.status_code == 404 and "34\u202f9" in api.json()["erreur"]
