from django.urls import path, re_path

from . import analyses, basemap, locate, openapi  # noqa: F401 - they register endpoints
from .views import ENDPOINTS, unknown_path

urlpatterns = [
    path("", openapi.index, name="api"),
    path("v1/openapi.json", openapi.openapi_view, name="openapi"),
    *(path(e.path, e.view, name=f"api_{e.name}") for e in ENDPOINTS),
    re_path(r"^.*$", unknown_path, name="api_unknown"),  # last: a JSON 404, not the HTML page
]
