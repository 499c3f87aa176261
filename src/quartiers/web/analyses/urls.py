from django.urls import path

from . import views

app_name = "analyses"
TERRITORY = "<str:code>/<str:level>/<str:territory>"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/resultats.csv", views.results_csv, name="csv"),
    path(f"{TERRITORY}/", views.territory, name="territory"),
    path(f"{TERRITORY}/note.pdf", views.note_pdf, name="note"),
]
