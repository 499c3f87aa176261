"""Pages served from the build: ETag and Last-Modified tied to the build, 304 on a conditional
request, rendered pages kept in the shared cache and never mixed across a rebuild."""

from __future__ import annotations

import json
import os
import shutil

import duckdb
import pytest

from quartiers.web.core.warehouse import get_store
from quartiers.web.territories import views

pytestmark = pytest.mark.django_db

PAGES = ["/", "/territoires/qpv/QN03504M/", "/territoires/commune/35238/fiche.pdf",
         "/indicateurs/", "/indicateurs/population/", "/donnees/", "/recherche/?q=rennes",
         "/territoires/region/53/tableau-qpv.csv", "/api/v1/territoires/qpv/QN03504M",
         "/api/v1/couches/qpv.geojson?indicateur=taux_pauvrete"]


@pytest.mark.parametrize("url", PAGES)
def test_a_page_of_the_build_answers_304_to_a_conditional_request(client, url):
    first = client.get(url)
    assert first.status_code == 200
    assert first["Cache-Control"] == "no-cache" and first["Last-Modified"].endswith("GMT")
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    since = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert since.status_code == 304
    assert client.get(url, headers={"if-none-match": '"autre"'}).status_code == 200


def test_a_repeated_page_is_not_rendered_again(client, monkeypatch):
    client.get("/territoires/commune/35238/")
    calls = []
    original = views.build_profile
    monkeypatch.setattr(views, "build_profile", lambda *a: calls.append(a) or original(*a))
    again = client.get("/territoires/commune/35238/")
    assert again.status_code == 200 and "Rennes" in again.content.decode()
    assert calls == []
    client.get("/territoires/commune/35000/")  # not a commune: a 404, never kept
    assert client.get("/territoires/commune/35000/").status_code == 404


def test_errors_and_other_pages_carry_no_build_etag(client):
    assert "ETag" not in client.get("/territoires/commune/00000/")
    assert "ETag" not in client.get("/localiser/")
    assert "ETag" not in client.get("/api/v1/localiser?lon=-1.65&lat=48.12")  # perimeters may change


@pytest.fixture
def two_builds(tmp_path, warehouse_path, settings):
    """The session's warehouse, and a copy telling another build time (a rebuild's result)."""
    served, rebuilt = tmp_path / "served.duckdb", tmp_path / "rebuilt.duckdb"
    shutil.copy(warehouse_path, served)
    shutil.copy(warehouse_path, rebuilt)
    with duckdb.connect(str(rebuilt)) as con:
        info = json.loads(con.execute("SELECT info FROM marts.build_info").fetchone()[0])
        info["built_at"] = "2031-01-02T03:04:05+00:00"
        con.execute("UPDATE marts.build_info SET info = ?", [json.dumps(info)])
    settings.QUARTIERS = settings.QUARTIERS.with_options(warehouse=served)
    get_store.cache_clear()
    return served, rebuilt


def test_a_rebuild_while_a_page_renders_never_mixes_builds(client, monkeypatch, two_builds):
    served, rebuilt = two_builds
    before = client.get("/donnees/?avant")
    real_get_store = views.get_store

    def rebuild_then_get_store():  # the build lands after the request began
        if rebuilt.exists():
            os.replace(rebuilt, served)
        return real_get_store()

    monkeypatch.setattr(views, "get_store", rebuild_then_get_store)
    during = client.get("/donnees/")
    after = client.get("/donnees/")
    assert not rebuilt.exists()
    # rendered from the build open when the request began, and labelled with that build
    assert during["ETag"] == before["ETag"] and during.content == before.content.replace(
        b"?avant", b"")
    assert "2031" not in during.content.decode()
    assert after["ETag"] != during["ETag"] and "2031" in after.content.decode()
    assert after["Last-Modified"] == "Thu, 02 Jan 2031 03:04:05 GMT"
    # a conditional request with the old build's ETag gets the new page, never a 304
    assert client.get("/donnees/", headers={"if-none-match": during["ETag"]}).status_code == 200


def test_a_setting_shown_on_pages_changes_their_etag(client, settings):
    before = client.get("/territoires/commune/35238/")
    settings.QUARTIERS = settings.QUARTIERS.with_options(basemap_tiles="https://tuiles.example/{z}/{x}/{y}.png")
    after = client.get("/territoires/commune/35238/")
    assert after["ETag"] != before["ETag"] and "tuiles.example" in after.content.decode()
    assert "tuiles.example" not in before.content.decode()
