"""Public pages of the press watch: the list of published items and its RSS feed."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import render

from .models import PressItem


def press_index(request):
    return render(request, "presswatch/index.html", {})


class PressFeed(Feed):
    title = "Veille"
    link = "/veille/"
    description = ""

    def items(self):
        return PressItem.objects.filter(status=PressItem.Status.PUBLISHED)[:50]
