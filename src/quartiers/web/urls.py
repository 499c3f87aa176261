from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("", include("quartiers.web.territories.urls")),
    path("api/", include("quartiers.web.api.urls")),
    path("localiser/", include("quartiers.web.locator.urls")),
    path("comptes/", include("quartiers.web.accounts.urls")),
    path("programme/", include("quartiers.web.programme.urls")),
    path("gestion/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("django-admin/", admin.site.urls),
    # the content system's pages (resources, legal pages…), last: it answers every other path
    path("", include(wagtail_urls)),
]

handler404 = "quartiers.web.core.views.page_not_found"
