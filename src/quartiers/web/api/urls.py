from django.urls import path, re_path

from ..core.build_cache import served_from_build
from . import basemap, locate, openapi  # noqa: F401 - basemap and locate register endpoints
from .views import ENDPOINTS, open_to_other_sites, unknown_path

urlpatterns = [
    path("", openapi.index, name="api"),
    path("v1/openapi.json", openapi.openapi_view, name="openapi"),
    # what only reads the warehouse is served from the build (ETag, 304, page cache)
    *(path(e.path, open_to_other_sites(served_from_build(e.view)) if e.methods == ("GET",)
           else e.view, name=f"api_{e.name}") for e in ENDPOINTS),
    re_path(r"^.*$", unknown_path, name="api_unknown"),  # last: a JSON 404, not the HTML page
]
