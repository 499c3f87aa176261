"""Mounted at /contrats/ before the contracts app: these paths are more specific than a
contract's own page. Codes are matched by a regular expression (not a converter) so that the
access test that walks every pattern reaches these views with a well-formed code."""

from django.urls import path, re_path

from . import views

app_name = "evaluation"
CODE = r"^(?P<code>C[NV][0-9A-Z]+)/"

urlpatterns = [
    path("cadres/synthese/", views.synthesis, name="synthesis"),
    re_path(CODE + r"rapport-mi-parcours\.pdf$", views.report_pdf, name="report_pdf"),
    re_path(CODE + r"rapport-mi-parcours\.odt$", views.report_odt, name="report_odt"),
    re_path(CODE + r"cadre/$", views.framework_page, name="framework"),
    re_path(CODE + r"cadre/creer/$", views.create, name="create"),
    re_path(CODE + r"cadre/modifier/$", views.edit_framework, name="edit"),
    re_path(CODE + r"cadre/historique/$", views.history, name="history"),
    re_path(CODE + r"cadre/objectifs/ajouter/$", views.objective, name="objective_add"),
    re_path(CODE + r"cadre/objectifs/(?P<pk>[0-9]+)/$", views.objective, name="objective"),
    re_path(CODE + r"cadre/indicateurs/ajouter/$", views.indicator, name="indicator_add"),
    re_path(CODE + r"cadre/indicateurs/(?P<pk>[0-9]+)/$", views.indicator, name="indicator"),
    re_path(CODE + r"cadre/indicateurs/(?P<pk>[0-9]+)/reference/$", views.rebind,
            name="rebind"),
    re_path(CODE + r"cadre/indicateurs/(?P<pk>[0-9]+)/valeurs/$", views.local_values,
            name="local_values"),
    re_path(CODE + r"cadre/(?P<kind>objectif|indicateur|valeur)/(?P<pk>[0-9]+)/supprimer/$",
            views.delete, name="delete"),
    re_path(CODE + r"cadre/redaction/(?P<section>[a-z_]+)/$", views.narrative,
            name="narrative"),
]
