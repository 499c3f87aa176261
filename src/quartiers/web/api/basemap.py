"""Data of the maps' offline basemap: place names and the overseas insets of the national map.

The outlines come from the layers (``couches/<niveau>.geojson?dans=…``); these endpoints add
what a layer does not give: labelled points, and where the overseas QPV lie.
"""

from __future__ import annotations

from quartiers.engine.reports.charts import format_number

from ..core.warehouse import get_store
from .views import _within, endpoint

# Over a région or France, only the towns a map at that scale can name: the national map loads
# a département's every commune once zoomed in on it.
WIDE_LEVELS = ("france", "region")
WIDE_MIN_POPULATION = 20_000


@endpoint("v1/fond/lieux.geojson", "basemap_places",
          "Noms de lieux du fond de carte (GeoJSON de points, les plus peuplés d'abord) : "
          "les communes d'un territoire, ou, pour une région ou la France, ses départements "
          f"et ses communes d'au moins {format_number(WIDE_MIN_POPULATION, 0)} habitants",
          (("dans", "string", "niveau:code du territoire (défaut : la France), ex. epci:243500139"),),
          content_type="application/geo+json", tags=("cartes",))
def places(request):
    store = get_store()
    within = _within(request) or ("france", "FR")
    if within[0] in WIDE_LEVELS:
        rows = [*store.places("departement", within),
                *store.places("commune", within, WIDE_MIN_POPULATION)]
    else:
        rows = store.places("commune", within)
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
         "properties": {"niveau": r["level"], "code": r["code"], "nom": r["name"],
                        "population": r["population"]}}
        for r in rows]}


@endpoint("v1/fond/outre-mer", "basemap_overseas",
          "Départements et collectivités d'outre-mer ayant des QPV 2024 : nom, nombre de QPV et "
          "emprise de leurs périmètres (les encarts de la carte nationale)", tags=("cartes",))
def overseas(request):
    return {"resultats": [
        {"code": r["code"], "nom": r["name"], "qpv": r["qpv"],
         "emprise": [r["xmin"], r["ymin"], r["xmax"], r["ymax"]]}
        for r in get_store().overseas_qpv_extents()]}
