"""What a feed may make the platform do: reach only public addresses (redirects included: no
request to this machine, the cloud's metadata service or a private network), put only http(s)
links on our pages and letters; and a source's new address fetched afresh."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from quartiers.cli.french import UserError
from quartiers.web.presswatch import network, services
from quartiers.web.presswatch.models import FeedSource, PressItem

from .conftest import running_feed_server
from .factories import FeedSourceFactory, PressItemFactory
from .test_rules_and_feed import run

pytestmark = pytest.mark.django_db

REFUSED = "Adresse refusée : réseau privé ou local."

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Flux d'essai</title><link>javascript:alert(2)</link>
<description>Fait à la main par le test</description>
<item><title>Article piégé d'essai</title><link>javascript:alert(1)</link>
<guid isPermaLink="false">piege-1</guid><description>Un lien qui lance un script.</description></item>
<item><title>Article sûr d'essai</title><link>https://presse.exemple.test/sur</link>
<description>Un lien ordinaire.</description></item>
</channel></rss>""".encode()


@pytest.fixture
def private_refused(settings):
    settings.PRESSWATCH_ALLOW_PRIVATE_ADDRESSES = False


def test_a_javascript_link_is_not_kept_and_the_item_shows_without_link(feed_server, client):
    source = FeedSourceFactory(feed_url=feed_server.serve("/piege.xml", body=RSS))
    assert services.fetch(source).startswith("2 nouveaux articles")
    trapped = source.items.get(guid="piege-1")
    assert trapped.link == ""
    assert source.items.get(title="Article sûr d'essai").link == "https://presse.exemple.test/sur"
    source.refresh_from_db()
    assert source.site_url == ""  # the feed's own javascript: link is not kept either
    PressItem.objects.filter(source=source).update(
        status=PressItem.Status.PUBLISHED, comment="Commentaire d'essai écrit par le test.")
    page = client.get("/veille/").content.decode()
    assert "Article piégé d&#x27;essai" in page and "javascript:" not in page
    assert 'href="https://presse.exemple.test/sur"' in page


@pytest.mark.parametrize("link, kept", [
    ("javascript:alert(1)", False), ("  JavaScript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False), ("vbscript:x", False),
    ("http:", False), ("/relatif", False), ("", False),
    ("http://presse.exemple.test/a", True), ("HTTPS://presse.exemple.test/a", True)])
def test_safe_link(link, kept):
    assert network.safe_link(link) == (link.strip() if kept else "")


def test_the_migration_blanks_links_stored_before():
    migration = importlib.import_module(
        "quartiers.web.presswatch.migrations.0002_blank_unsafe_links")
    trapped = PressItemFactory(link="javascript:alert(1)")
    shouting = PressItemFactory(link=" JAVASCRIPT:alert(1)")
    safe = PressItemFactory(link="HTTPS://presse.exemple.test/a")
    FeedSource.objects.filter(pk=trapped.source_id).update(site_url="javascript:alert(3)")
    migration.blank_unsafe_links(apps, None)
    for item in (trapped, shouting, safe):
        item.refresh_from_db()
    assert trapped.link == shouting.link == "" and safe.link == "HTTPS://presse.exemple.test/a"
    assert FeedSource.objects.get(pk=trapped.source_id).site_url == ""


def test_a_local_source_is_refused_without_any_request(feed_server, private_refused):
    source = FeedSourceFactory(feed_url=feed_server.serve_file("entry_title.xml"))
    assert services.fetch(source) == REFUSED
    source.refresh_from_db()
    assert not source.ok and source.status == REFUSED and not source.items.exists()
    assert feed_server.requests == []


def test_a_redirect_to_a_local_address_is_refused_without_any_request(
        feed_server, private_refused, monkeypatch):
    """127.0.0.2 stands for a public server here; it redirects to this machine's 127.0.0.1."""
    checked = network._is_public
    monkeypatch.setattr(network, "_is_public", lambda address: address == "127.0.0.2"
                        or checked(address))
    target = feed_server.serve_file("entry_title.xml")
    with running_feed_server("127.0.0.2") as outside:
        source = FeedSourceFactory(feed_url=outside.serve("/rss", status=302, location=target))
        assert services.fetch(source) == REFUSED
        assert [path for path, _ in outside.requests] == ["/rss"]  # the first hop was made
    assert feed_server.requests == []
    # allowed, the same redirect is followed: the refusal was the address's
    monkeypatch.setattr(network, "private_allowed", lambda: True)
    with running_feed_server("127.0.0.2") as outside:
        source.feed_url = outside.serve("/rss", status=302, location=target)
        source.save()
        assert services.fetch(source).startswith("1 nouvel article")


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/rss.xml", "http://localhost/rss.xml", "http://[::1]/rss.xml",
    "http://169.254.169.254/latest/meta-data/", "http://10.0.0.8/rss.xml",
    "https://192.168.1.1/rss.xml", "http://[::ffff:127.0.0.1]/rss.xml", "http://0.0.0.0/"])
def test_a_private_or_local_address_is_refused_when_a_source_is_entered(url, private_refused):
    source = FeedSource(name="Source d'essai", feed_url=url)
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert error.value.message_dict["feed_url"][0].startswith(REFUSED)


def test_names_that_do_not_resolve_and_public_addresses_pass(private_refused):
    FeedSource(name="Source d'essai", feed_url="https://flux.exemple.test/rss.xml").full_clean()
    FeedSource(name="Source d'essai 2", feed_url="http://93.184.215.14/rss.xml").full_clean()


def test_the_command_line_refuses_a_local_address(private_refused, monkeypatch):
    with pytest.raises(UserError, match=r"adresse du flux.*Adresse refusée : réseau privé"):
        run(["veille", "ajouter", "http://127.0.0.1:9/rss.xml", "--nom", "Source d'essai"],
            monkeypatch)
    assert not FeedSource.objects.exists()


def test_the_back_office_refuses_a_local_address(staff_client, private_refused):
    from .test_pages import url
    response = staff_client.post(url("feedsource", "add"), {
        "name": "Source d'essai", "feed_url": "http://169.254.169.254/latest/meta-data/",
        "site_url": "", "active": "on"})
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert not FeedSource.objects.exists()


def test_a_new_feed_address_forgets_the_old_validators(feed_server):
    old = feed_server.serve_file("entry_title.xml", etag='"v1"',
                                 last_modified="Mon, 30 Nov 2026 10:00:00 GMT")
    source = FeedSourceFactory(feed_url=old)
    services.fetch(source)
    source.refresh_from_db()
    assert (source.etag, source.last_modified) == ('"v1"', "Mon, 30 Nov 2026 10:00:00 GMT")
    assert services.fetch(source).startswith("Rien de nouveau (flux inchangé")

    # the new address happens to use the same validators: sent, they would hide its articles
    new = feed_server.serve_file("item_guid.xml", etag='"v1"',
                                 last_modified="Mon, 30 Nov 2026 10:00:00 GMT")
    source.feed_url = new
    source.save()
    source.refresh_from_db()
    assert source.etag == source.last_modified == ""
    assert services.fetch(source).startswith("1 nouvel article")
    path, headers = feed_server.requests[-1]
    assert path == "/item_guid.xml"
    assert "If-None-Match" not in headers and "If-Modified-Since" not in headers

    source.name = "Source d'essai renommée"  # the same address: the validators stay
    source.save()
    source.refresh_from_db()
    assert source.etag == '"v1"'
    source.feed_url = old  # a partial save naming the address resets them too
    source.save(update_fields=["feed_url"])
    source.refresh_from_db()
    assert source.etag == source.last_modified == ""
