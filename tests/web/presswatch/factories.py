"""Hand-made press watch objects for the tests, named as such (never shown as the centre's)."""

from __future__ import annotations

import factory
from django.utils import timezone

from quartiers.web.presswatch.models import FeedSource, PressItem


class FeedSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedSource

    name = factory.Sequence(lambda n: f"Source d'essai {n}")
    feed_url = factory.Sequence(lambda n: f"https://flux{n}.exemple.test/rss.xml")


class PressItemFactory(factory.django.DjangoModelFactory):
    """An item as a fetch stores it (``published=True``: as staff publish it, with a comment).
    Themes are added after, then saved with it (a cluster): ``item.themes.add(…)``,
    ``item.save()``; territories: ``PressItemTerritory.objects.create(item=…, level=…,
    code=…)``."""

    class Meta:
        model = PressItem

    class Params:
        published = factory.Trait(
            status=PressItem.Status.PUBLISHED,
            comment=factory.Sequence(lambda n: f"Commentaire d'essai {n} écrit par le test."),
            published_on=factory.LazyFunction(timezone.now))

    source = factory.SubFactory(FeedSourceFactory)
    guid = factory.Sequence(lambda n: f"essai-{n}")
    title = factory.Sequence(lambda n: f"Article d'essai {n}")
    link = factory.Sequence(lambda n: f"https://presse.exemple.test/article-{n}")
    summary = "Résumé d'un article d'essai fait à la main par le test."
