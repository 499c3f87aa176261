from django.urls import path, re_path

from . import views

app_name = "contracts"
CODE = r"(?P<code>C[NV][0-9A-Z]+)"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("recherche/", views.search, name="search"),
    path("comparaison/", views.comparison_page, name="comparison"),
    path("comparaison.csv", views.comparison_csv, name="comparison_csv"),
    re_path(rf"^{CODE}/$", views.contract_page, name="contract"),
    re_path(rf"^{CODE}/qpv/$", views.perimeter, name="perimeter"),
    re_path(rf"^{CODE}/documents/ajouter/$", views.upload, name="upload"),
    re_path(rf"^{CODE}/documents/(?P<pk>[0-9]+)/$", views.document_page, name="document"),
    re_path(rf"^{CODE}/documents/(?P<pk>[0-9]+)/fichier$", views.document_file,
            name="document_file"),
    re_path(rf"^{CODE}/documents/(?P<pk>[0-9]+)/supprimer/$", views.delete, name="delete"),
]
