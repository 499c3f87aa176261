"""Fetching a source through a real HTTP server: feedparser's own test feeds, conditional
requests (304), duplicates, and every answer that is not a feed (nothing stored, the source's
status saying why in French)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from quartiers.web.presswatch import services
from quartiers.web.presswatch.models import PressItem

from .factories import FeedSourceFactory

pytestmark = pytest.mark.django_db

LARGE_ATOM = "large_atom_feed_that_needs_css_sanitisation.xml"


def test_an_atom_feed_is_stored_as_items_to_sort_in_plain_text(feed_server):
    source = FeedSourceFactory(feed_url=feed_server.serve_file(LARGE_ATOM))
    status = services.fetch(source)
    assert status == "15 nouveaux articles : 15 à trier, 0 écarté par les règles."
    source.refresh_from_db()
    assert source.ok and source.items_count == 15 and source.fetched_at
    assert source.site_url == "http://touchnokia.ru/"  # the feed's own link, when none given
    items = list(source.items.order_by("pk"))
    assert len(items) == 15
    assert {item.status for item in items} == {PressItem.Status.NEW}
    first = items[0]
    assert first.title == "Невидимая броня для Вашего Nokia 5800"
    assert first.guid == "tag:touchnokia.ru,2009://1.666"
    assert first.link == "http://touchnokia.ru/2009/09/nevidimaja-bronja-dlja-vashego-nokia-5800.html"
    assert first.published_at == datetime(2009, 9, 9, 14, 19, 45, tzinfo=UTC)
    assert all(item.summary for item in items[1:])  # the first one's is empty in the feed
    assert not any("<" in item.summary or "&lt;" in item.summary for item in items)


def test_rss_items_without_guid_nor_link_are_known_by_their_text(feed_server):
    described = FeedSourceFactory(feed_url=feed_server.serve_file("item_description_br.xml"))
    services.fetch(described)
    item = described.items.get()
    assert item.summary == "article title article byline text of article"
    assert item.title == "(sans titre)" and item.guid.startswith("empreinte:")
    assert services.fetch(described) == "Rien de nouveau."  # the same text: the same item

    dated = FeedSourceFactory(feed_url=feed_server.serve_file("item_pubDate.xml"))
    services.fetch(dated)
    assert dated.items.get().published_at == datetime(2004, 1, 1, 19, 48, 21, tzinfo=UTC)

    guid = FeedSourceFactory(feed_url=feed_server.serve_file("item_guid.xml"))
    services.fetch(guid)
    assert guid.items.get().guid == "http://guid.example.com/"

    titled = FeedSourceFactory(feed_url=feed_server.serve_file("entry_title.xml"))
    services.fetch(titled)
    assert titled.items.get().title == "Example Atom"


def test_duplicates_are_stored_once(feed_server):
    twice = FeedSourceFactory(feed_url=feed_server.serve_file("atom10_id.xml"))
    assert services.fetch(twice).startswith("1 nouvel article")  # two entries, one id
    assert twice.items.get().guid == "Correct Value"

    source = FeedSourceFactory(feed_url=feed_server.serve_file(LARGE_ATOM))  # no ETag here
    services.fetch(source)
    assert services.fetch(source) == "Rien de nouveau."
    assert source.items.count() == 15
    source.refresh_from_db()
    assert source.items_count == 15

    # the same article under a new guid (a feed that changed its ids): known by its link
    item = source.items.first()
    PressItem.objects.filter(pk=item.pk).update(guid="ancien-identifiant")
    assert services.fetch(source) == "Rien de nouveau."


def test_conditional_requests_with_etag_and_last_modified(feed_server):
    stamp = "Mon, 30 Nov 2026 08:00:00 GMT"
    url = feed_server.serve("/flux.xml", body=(services_feed := feed_file(LARGE_ATOM)),
                            etag='"v1"', last_modified=stamp)
    source = FeedSourceFactory(feed_url=url)
    services.fetch(source)
    source.refresh_from_db()
    assert (source.etag, source.last_modified) == ('"v1"', stamp)
    first_headers = feed_server.requests[-1][1]
    assert "If-None-Match" not in first_headers and "If-Modified-Since" not in first_headers

    assert services.fetch(source) == "Rien de nouveau (flux inchangé depuis le dernier relevé)."
    headers = feed_server.requests[-1][1]
    assert headers["If-None-Match"] == '"v1"' and headers["If-Modified-Since"] == stamp
    source.refresh_from_db()
    assert source.ok and source.items_count == 15 and source.items.count() == 15

    # the feed changed: a new ETag, a full answer, the headers kept for next time
    feed_server.serve("/flux.xml", body=services_feed, etag='"v2"', last_modified=stamp)
    assert services.fetch(source) == "Rien de nouveau."
    source.refresh_from_db()
    assert source.etag == '"v2"'


def test_last_modified_alone_gives_304(feed_server):
    stamp = "Sun, 29 Nov 2026 10:00:00 GMT"
    source = FeedSourceFactory(feed_url=feed_server.serve(
        "/date.xml", body=feed_file("entry_title.xml"), last_modified=stamp))
    services.fetch(source)
    assert services.fetch(source).startswith("Rien de nouveau (flux inchangé")
    assert feed_server.requests[-1][1]["If-Modified-Since"] == stamp


def feed_file(name: str) -> bytes:
    from .conftest import FEEDS

    return (FEEDS / name).read_bytes()


HTML = b"<!DOCTYPE html><html lang='fr'><head><title>Accueil</title></head><body>Bienvenue</body></html>"


@pytest.mark.parametrize(("route", "said"), [
    ({"body": HTML, "content_type": "text/html; charset=utf-8"}, "page HTML, pas un flux"),
    ({"body": HTML, "content_type": "application/xml"}, "page HTML, pas un flux"),
    ({"body": b"\x00\x01 ceci n'est pas du XML \xff\xfe", "content_type": "application/xml"},
     "ce n'est pas du XML"),
    ({"body": feed_file("aaa_illformed.xml")}, "n'est pas un XML lisible"),
    ({"body": b'{"articles": []}', "content_type": "application/json"},
     "ce n'est pas du XML"),
    ({"body": b"<?xml version='1.0'?><releve><article>x</article></releve>"},
     "n'est pas un flux RSS ou Atom"),
    ({"body": b"<rss version='2.0'><channel>" + b"<item><title>x</title></item>" * 300_000
              + b"</channel></rss>", "declared_length": False}, "Flux trop volumineux"),
    ({"body": b"<rss>" + b" " * (6 * 1024 * 1024)}, "Flux trop volumineux (plus de 5 Mo)"),
    ({"body": b"Erreur interne", "status": 500}, "Le serveur a répondu 500"),
    ({"body": b"", "status": 404}, "Le serveur a répondu 404"),
    ({"body": feed_file("entry_title.xml"), "delay": 2}, "n'a pas répondu à temps"),
], ids=["html", "html-as-xml", "garbage", "ill-formed", "json", "other-xml", "huge-streamed",
        "huge-declared", "error-500", "not-found", "timeout"])
def test_what_is_not_a_feed_stores_nothing_and_says_why(feed_server, monkeypatch, route,
                                                         said):
    monkeypatch.setattr(services, "TIMEOUT", httpx.Timeout(0.5))
    source = FeedSourceFactory(feed_url=feed_server.serve("/bad", **route), etag='"avant"')
    status = services.fetch(source)
    source.refresh_from_db()
    assert said in status and source.status == status
    assert not source.ok and source.fetched_at
    assert source.items.count() == 0 and source.items_count == 0
    assert source.etag == '"avant"'  # kept: the next fetch asks again from the same point


def test_an_unreachable_server_is_said(db):
    source = FeedSourceFactory(feed_url="http://127.0.0.1:9/flux.xml")  # discard port: closed
    assert "Impossible de joindre le serveur" in services.fetch(source)
    assert not source.ok
