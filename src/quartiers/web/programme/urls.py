from django.urls import path

from . import views

app_name = "programme"

urlpatterns = [
    path("", views.index, name="index"),
    path("comparer/<int:before>/<int:after>/", views.compare_years, name="compare"),
    path("<int:year>/", views.programme_page, name="year"),
    path("<int:year>/programme.pdf", views.programme_pdf, name="pdf"),
    path("<int:year>/actions/<int:action_id>/", views.action_page, name="action"),
]
