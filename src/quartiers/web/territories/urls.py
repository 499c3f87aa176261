from django.urls import path

from . import views

LEVEL = "<str:level>/<str:code>"

urlpatterns = [
    path("", views.home, name="home"),
    path("recherche/", views.search, name="search"),
    path(f"territoires/{LEVEL}/", views.profile, name="profile"),
    path(f"territoires/{LEVEL}/fiche.pdf", views.profile_pdf, name="profile_pdf"),
    path(f"territoires/{LEVEL}/series/<str:indicator>.svg", views.profile_series_chart,
         name="profile_series_chart"),
    path(f"territoires/{LEVEL}/chiffres.<str:fmt>", views.profile_export, name="profile_export"),
    path(f"territoires/{LEVEL}/tableau-<str:inner>.<str:fmt>", views.profile_table,
         name="profile_table"),
    path("indicateurs/", views.indicator_list, name="indicators"),
    path("indicateurs/<str:code>/", views.indicator_detail, name="indicator"),
    path("donnees/", views.data_page, name="data"),
]
