"""The platform's own feed (/veille/rss.xml) read back by the press watch through a real HTTP
server, with keyword rules keeping or dropping its items; the hourly task and the command
line."""

from __future__ import annotations

import pytest
from django.utils import timezone

from quartiers.cli import presswatch as presswatch_cli
from quartiers.cli.french import FrenchParser, UserError
from quartiers.web.presswatch import services
from quartiers.web.presswatch.apps import PresswatchConfig
from quartiers.web.presswatch.models import FeedSource, KeywordRule, PressItem

from ..programme.factories import ThemeFactory
from .factories import FeedSourceFactory, PressItemFactory

pytestmark = pytest.mark.django_db

Status = PressItem.Status


def publish_hand_made_items():
    """Three items made by hand by the test (named as such) and published by « the centre »;
    one waiting, never in the feed."""
    hand = FeedSourceFactory(name="Source faite à la main par le test")
    items = [
        PressItemFactory(source=hand, published=True,
                         title="Article d'essai : la Rénovation urbaine à Maurepas",
                         summary="Résumé d'essai sur un quartier en travaux."),
        PressItemFactory(source=hand, published=True,
                         title="Article d'essai : un jardin partagé",
                         summary="Résumé d'essai sur le SPORT et la santé."),
        PressItemFactory(source=hand, published=True,
                         title="Article d'essai : l'emploi des jeunes",
                         summary="Résumé d'essai sur l'insertion."),
    ]
    PressItemFactory(source=hand, title="Article d'essai pas encore trié")
    items[0].themes.add(ThemeFactory(name="Thème d'essai"))
    items[0].save()  # a cluster's relations are written with it
    return items


def platform_feed(client, feed_server) -> str:
    """The platform's /veille/rss.xml, served by the local HTTP server; its address."""
    response = client.get("/veille/rss.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return feed_server.serve("/veille-du-centre.xml", body=response.content,
                             content_type=response["Content-Type"])


def test_the_platform_feed_read_back_as_a_source(client, feed_server):
    published = publish_hand_made_items()
    text = client.get("/veille/rss.xml").content.decode()
    assert "Article d'essai pas encore trié" not in text
    assert "Commentaire du centre : Commentaire d'essai" in text
    assert "<category>Thème d'essai</category>" in text

    source = FeedSourceFactory(name="Veille du centre (lue par le test)",
                               feed_url=platform_feed(client, feed_server))
    assert services.fetch(source) == "3 nouveaux articles : 3 à trier, 0 écarté par les règles."
    read = {item.title: item for item in source.items.all()}
    assert set(read) == {item.title for item in published}
    again = read[published[0].title]
    assert again.link == published[0].link
    assert again.summary.startswith(f"Commentaire du centre : {published[0].comment}")
    assert again.guid == f"quartiers-veille-{published[0].pk}"
    assert again.published_at is not None


def test_keyword_rules_keep_or_drop_and_say_which(client, feed_server):
    publish_hand_made_items()
    source = FeedSourceFactory(name="Veille du centre (lue par le test)",
                               feed_url=platform_feed(client, feed_server))
    other = FeedSourceFactory()
    # accents and case ignored, whole words only: « renovation » finds « Rénovation »
    keep = KeywordRule.objects.create(action=KeywordRule.Action.KEEP,
                                      words="rénovation\nsport", source=source)
    drop = KeywordRule.objects.create(action=KeywordRule.Action.DROP, words="Santé")
    KeywordRule.objects.create(action=KeywordRule.Action.KEEP, words="emploi", source=other)
    KeywordRule.objects.create(action=KeywordRule.Action.DROP, words="jeunes", active=False)
    KeywordRule.objects.create(action=KeywordRule.Action.DROP, words="art")  # not « article »

    assert services.fetch(source) == "3 nouveaux articles : 1 à trier, 2 écartés par les règles."
    items = {item.title.split(" : ")[1]: item for item in source.items.all()}
    renovation = items["la Rénovation urbaine à Maurepas"]
    assert renovation.status == Status.NEW
    assert renovation.decision == f"Retenu par la règle n° {keep.pk} (« rénovation »)."
    garden = items["un jardin partagé"]  # kept by « sport » but dropped by « santé »: drop wins
    assert garden.status == Status.DROPPED and garden.dropped_by == drop
    assert garden.decision == f"Écarté par la règle n° {drop.pk} (« Santé »)."
    jobs = items["l'emploi des jeunes"]  # « emploi » is another source's rule
    assert jobs.status == Status.DROPPED and jobs.dropped_by is None
    assert jobs.decision == (f"Écarté : aucun des mots des règles « garder » (n° {keep.pk}) "
                             "n'y figure.")


def test_a_rule_needs_words():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="au moins un mot"):
        KeywordRule(action=KeywordRule.Action.DROP, words=" \n ").full_clean()


def test_the_hourly_task_fetches_the_active_sources(feed_server, run_tasks):
    assert PresswatchConfig.scheduled_tasks == {
        "veille : relevé des flux des sources actives":
            ("quartiers.web.presswatch.tasks.fetch_all_sources", timezone.timedelta(hours=1))}
    from quartiers.web.presswatch.tasks import fetch_all_sources

    active = FeedSourceFactory(feed_url=feed_server.serve_file("entry_title.xml"))
    resting = FeedSourceFactory(feed_url=feed_server.serve_file("item_guid.xml"), active=False)
    fetch_all_sources.enqueue()
    run_tasks()
    active.refresh_from_db()
    resting.refresh_from_db()
    assert active.items.count() == 1 and active.fetched_at
    assert resting.items.count() == 0 and resting.fetched_at is None


def run(argv, monkeypatch) -> int:
    monkeypatch.setattr(presswatch_cli, "start_django", lambda args: None)  # set up by the tests
    parser = FrenchParser(prog="quartiers")
    presswatch_cli.add_commands(parser.add_subparsers(dest="command", required=True), None)
    args = parser.parse_args(argv)
    return args.func(args)


def test_command_line(feed_server, monkeypatch, capsys):
    assert run(["veille", "sources"], monkeypatch) == 0
    assert "Aucune source" in capsys.readouterr().err

    url = feed_server.serve_file("entry_title.xml")
    assert run(["veille", "ajouter", url, "--nom", "Source d'essai"], monkeypatch) == 0
    source = FeedSource.objects.get()
    assert (source.name, source.feed_url, source.active) == ("Source d'essai", url, True)
    with pytest.raises(UserError, match=r"adresse du flux \(RSS ou Atom\) : .*existe déjà"):
        run(["veille", "ajouter", url, "--nom", "Doublon"], monkeypatch)
    with pytest.raises(UserError, match="adresse du flux"):
        run(["veille", "ajouter", "pas-une-adresse", "--nom", "Mauvaise"], monkeypatch)
    capsys.readouterr()

    assert run(["veille", "relever", "--source", str(source.pk)], monkeypatch) == 0
    assert "Source d'essai : 1 nouvel article : 1 à trier" in capsys.readouterr().err
    broken = FeedSourceFactory(name="Source d'essai en panne",
                               feed_url=feed_server.serve("/panne", status=500))
    assert run(["veille", "relever"], monkeypatch) == 1  # one failed: said, and the status
    said = capsys.readouterr().err
    assert "Source d'essai : Rien de nouveau." in said
    assert f"{broken.pk} · Source d'essai en panne : Le serveur a répondu 500" in said
    assert run(["veille", "sources"], monkeypatch) == 0
    listed = capsys.readouterr().err
    assert "1 article" in listed and "Le serveur a répondu 500" in listed
    with pytest.raises(UserError, match="aucune source n° 999"):
        run(["veille", "relever", "--source", "999"], monkeypatch)
