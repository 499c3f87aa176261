from django.urls import path
from django.views.generic import TemplateView

from . import locate, openapi  # noqa: F401 - locate registers its endpoints
from .views import ENDPOINTS

urlpatterns = [
    path("", TemplateView.as_view(template_name="api/index.html",
                                  extra_context={"endpoints": ENDPOINTS}), name="api"),
    path("v1/openapi.json", openapi.openapi_view, name="openapi"),
    *(path(e.path, e.view, name=f"api_{e.name}") for e in ENDPOINTS),
]
