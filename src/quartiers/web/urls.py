from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("quartiers.web.territories.urls")),
    path("api/", include("quartiers.web.api.urls")),
    path("localiser/", include("quartiers.web.locator.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "quartiers.web.territories.views.page_not_found"
