from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("", include("quartiers.web.territories.urls")),
    path("api/", include("quartiers.web.api.urls")),
    path("localiser/", include("quartiers.web.locator.urls")),
    path("comptes/", include("quartiers.web.accounts.urls")),
    path("programme/", include("quartiers.web.programme.urls")),
    path("analyses/", include("quartiers.web.analyses.urls")),
    # the centre's daily work; /agenda/ and /lettres/ archive pages are also content pages
    path("", include("quartiers.web.events.urls")),
    path("", include("quartiers.web.newsletters.urls")),
    path("", include("quartiers.web.presswatch.urls")),
    path("", include("quartiers.web.contacts.urls")),
    path("", include("quartiers.web.mail.urls")),
    path("tiers-de-confiance/", include("quartiers.web.partners.urls")),
    # contrats de ville: evaluation first (its paths are more specific than a contract's code)
    path("contrats/", include("quartiers.web.evaluation.urls")),
    path("contrats/", include("quartiers.web.contracts.urls")),
    path("labo/", include("quartiers.web.labo.urls")),
    path("gestion/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True),
         name="gestion_login"),  # the back office logs in through our login page
    path("gestion/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("django-admin/", admin.site.urls),
    # the content system's pages (resources, legal pages…), last: it answers every other path
    path("", include(wagtail_urls)),
]

handler404 = "quartiers.web.core.views.page_not_found"
