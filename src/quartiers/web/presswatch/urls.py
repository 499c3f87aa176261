from django.urls import path

from . import views

app_name = "presswatch"
urlpatterns = [
    path("veille/", views.press_index, name="index"),
    path("veille/rss.xml", views.PressFeed(), name="rss"),
]
