"""The press watch's pages: the back office reserved to staff (queue, publish or reject,
sources and rules), /veille/ with its filters and pages, /veille/rss.xml, and the published
items on the territories' profiles."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse

from quartiers.web.accounts.models import Role
from quartiers.web.presswatch.models import KeywordRule, PressItem, PressItemTerritory

from ..accounts.factories import UserFactory
from ..programme.factories import ThemeFactory
from .factories import FeedSourceFactory, PressItemFactory

pytestmark = pytest.mark.django_db

Status = PressItem.Status
MAUREPAS = "/territoires/qpv/QN03504M/"
TERRITORIES = {"territories-TOTAL_FORMS": "0", "territories-INITIAL_FORMS": "0",
               "territories-MIN_NUM_FORMS": "0", "territories-MAX_NUM_FORMS": "1000"}


def url(model: str, view: str, *args) -> str:
    return reverse(f"wagtailsnippets_presswatch_{model}:{view}", args=args)


def _views(item, rule) -> list[str]:
    source = item.source
    return [url("pressitem", "list"), url("pressitem", "edit", item.pk),
            url("pressitem", "delete", item.pk), url("pressitem", "add"),
            url("feedsource", "list"), url("feedsource", "add"),
            url("feedsource", "edit", source.pk), url("feedsource", "delete", source.pk),
            url("keywordrule", "list"), url("keywordrule", "add"),
            url("keywordrule", "edit", rule.pk), url("keywordrule", "delete", rule.pk),
            reverse("wagtailsnippetchoosers_presswatch_pressitem:choose")]


@pytest.mark.parametrize("who", ["anonyme", Role.PROJECT_LEAD, Role.PARTNER_MEMBER])
def test_every_back_office_view_refuses_anonymous_and_non_staff_people(client, staff_user, who):
    item = PressItemFactory()
    rule = KeywordRule.objects.create(action=KeywordRule.Action.DROP, words="essai")
    if who != "anonyme":
        client.force_login(UserFactory(roles=[who]))
    for path in _views(item, rule):
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, (path, method)
            assert response["Location"].startswith("/comptes/connexion/?next="), path
    item.refresh_from_db()
    assert item.status == Status.NEW and KeywordRule.objects.filter(pk=rule.pk).exists()


def test_staff_see_the_queue_and_the_menu(staff_client):
    waiting = PressItemFactory(title="Article d'essai à trier")
    PressItemFactory(title="Article d'essai écarté", status=Status.DROPPED,
                     decision="Écarté par la règle n° 1 (« essai »).")
    home = staff_client.get("/gestion/").content.decode()
    menu = json.dumps(json.loads(re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>',
                                           home, re.S).group(1)), ensure_ascii=False)
    assert '"label": "Veille"' in menu
    assert '"label": "Articles à trier"' in menu and "pressitem/?status=a-trier" in menu
    queue = staff_client.get(url("pressitem", "list") + "?status=a-trier")
    assert queue.status_code == 200
    text = html.unescape(queue.content.decode())
    assert waiting.title in text and "Article d'essai écarté" not in text
    assert "Écarté par la règle" in staff_client.get(
        url("pressitem", "list") + "?status=ecarte").content.decode()
    assert "Ajouter un(e) article" not in text  # items come from the feeds only
    assert staff_client.get(url("pressitem", "add"))["Location"] == "/gestion/"
    for view in ("list", "add"):
        assert staff_client.get(url("feedsource", view)).status_code == 200
        assert staff_client.get(url("keywordrule", view)).status_code == 200


def test_publish_from_the_queue_with_comment_themes_and_territories(staff_client, staff_user):
    item = PressItemFactory(title="Article d'essai sur Maurepas")
    theme = ThemeFactory(name="Thème d'essai")
    form = {"status": Status.PUBLISHED, "comment": "", "themes": [theme.pk], **TERRITORIES,
            "territories-TOTAL_FORMS": "1", "territories-0-level": "qpv",
            "territories-0-code": "qn03504m"}
    refused = staff_client.post(url("pressitem", "edit", item.pk), form)
    assert refused.status_code == 200
    assert "Un article se publie avec le commentaire du centre" in refused.content.decode()

    form["territories-0-code"] = "QN99999X"
    form["comment"] = "Commentaire d'essai : un article qui compte pour le quartier."
    refused = staff_client.post(url("pressitem", "edit", item.pk), form)
    assert "code inconnu pour le niveau" in refused.content.decode()

    form["territories-0-code"] = "qn03504m"
    response = staff_client.post(url("pressitem", "edit", item.pk), form)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.comment.startswith("Commentaire d'essai")
    assert item.published_by == staff_user and item.published_on
    assert list(item.themes.all()) == [theme]
    assert [(t.level, t.code) for t in item.territories.all()] == [("qpv", "QN03504M")]

    # rejected afterwards: off the site, who published it forgotten
    form = {**form, "status": Status.REJECTED, "territories-INITIAL_FORMS": "1",
            "territories-0-id": str(item.territories.get().pk)}
    staff_client.post(url("pressitem", "edit", item.pk), form)
    item.refresh_from_db()
    assert item.status == Status.REJECTED and item.published_by is None


def test_the_letters_chooser_offers_published_items_only(staff_client):
    published = PressItemFactory(published=True, title="Article d'essai publié")
    PressItemFactory(title="Article d'essai à trier")
    text = html.unescape(staff_client.get(
        reverse("wagtailsnippetchoosers_presswatch_pressitem:choose")).json()["html"])
    assert published.title in text and "Article d'essai à trier" not in text
    assert published.as_newsletter_item()["comment"] == published.comment


def test_sources_and_rules_edited_in_the_back_office(staff_client, feed_server, run_tasks):
    response = staff_client.post(url("feedsource", "add"), {
        "name": "Source d'essai", "feed_url": feed_server.serve_file("entry_title.xml"),
        "site_url": "", "active": "on"})
    assert response.status_code == 302
    source = FeedSourceFactory._meta.model.objects.get(name="Source d'essai")
    run_tasks()  # a new source is fetched at once
    source.refresh_from_db()
    assert source.ok and source.items.count() == 1
    listed = html.unescape(staff_client.get(url("feedsource", "list")).content.decode())
    assert "1 nouvel article : 1 à trier" in listed
    response = staff_client.post(url("keywordrule", "add"), {
        "action": "ecarter", "words": "  ", "source": source.pk, "active": "on"})
    assert "Indiquez au moins un mot" in response.content.decode()
    staff_client.post(url("keywordrule", "add"), {
        "action": "garder", "words": "renouvellement urbain\nquartier", "source": source.pk,
        "active": "on"})
    rule = KeywordRule.objects.get()
    assert rule.phrases == ["renouvellement urbain", "quartier"] and rule.source == source


def test_the_public_page_lists_published_items_newest_first_with_filters(client):
    assert "Aucun article n'est encore publié." in client.get("/veille/").content.decode()
    theme = ThemeFactory(name="Thème d'essai")
    other = FeedSourceFactory(name="Autre source d'essai")
    older = PressItemFactory(published=True, title="Article d'essai ancien")
    newer = PressItemFactory(published=True, title="Article d'essai récent", source=other)
    PressItem.objects.filter(pk=older.pk).update(published_on=newer.published_on.replace(
        year=newer.published_on.year - 1))
    older.themes.add(theme)
    older.save()
    PressItemTerritory.objects.create(item=newer, level="commune", code="35238")
    PressItemFactory(title="Article d'essai à trier")
    PressItemFactory(title="Article d'essai rejeté", status=Status.REJECTED)

    text = html.unescape(client.get("/veille/").content.decode())
    assert "2 articles" in text and "à trier" not in text and "rejeté" not in text
    assert text.index(newer.title) < text.index(older.title)
    assert newer.comment in text and 'href="/territoires/commune/35238/"' in text
    assert "Rennes" in text

    by_theme = html.unescape(client.get("/veille/", {"theme": theme.slug}).content.decode())
    assert older.title in by_theme and newer.title not in by_theme
    assert "Thème : Thème d'essai" in by_theme
    by_place = html.unescape(client.get("/veille/", {"territoire": "commune:35238"})
                             .content.decode())
    assert newer.title in by_place and older.title not in by_place
    by_source = html.unescape(client.get("/veille/", {"source": other.pk}).content.decode())
    assert newer.title in by_source and older.title not in by_source
    # an unknown value is ignored, not an error
    assert "2 articles" in client.get("/veille/", {"source": "x", "theme": "nul"}).content.decode()


def test_pages_of_twenty(client):
    for _ in range(21):
        PressItemFactory(published=True)
    first = client.get("/veille/").content.decode()
    assert "Page 1 sur 2" in first and 'rel="next"' in first
    second = client.get("/veille/", {"page": 2}).content.decode()
    assert second.count('class="resource"') == 1
    assert client.get("/veille/", {"page": "zz"}).status_code == 200


def test_the_rss_feed(client):
    item = PressItemFactory(published=True, title="Article d'essai & cie",
                            summary="Résumé d'essai.")
    PressItemFactory(title="Article d'essai à trier")
    response = client.get("/veille/rss.xml")
    assert response["Content-Type"].startswith("application/rss+xml")
    text = response.content.decode()
    assert "<title>Article d'essai &amp; cie</title>" in text
    assert f"Commentaire du centre : {item.comment}" in text
    assert "à trier" not in text
    assert f"<link>{item.link}</link>" in text
    assert '<link rel="alternate" type="application/rss+xml"' in client.get(
        "/veille/").content.decode()


def test_published_items_on_the_profiles_saying_why(client):
    on_qpv = PressItemFactory(published=True, title="Article d'essai sur Maurepas")
    PressItemTerritory.objects.create(item=on_qpv, level="qpv", code="QN03504M")
    on_town = PressItemFactory(published=True, title="Article d'essai sur Rennes")
    PressItemTerritory.objects.create(item=on_town, level="commune", code="35238")
    waiting = PressItemFactory(title="Article d'essai à trier sur Maurepas")
    PressItemTerritory.objects.create(item=waiting, level="qpv", code="QN03504M")
    elsewhere = PressItemFactory(published=True, title="Article d'essai sur Brest")
    PressItemTerritory.objects.create(item=elsewhere, level="commune", code="29019")

    text = html.unescape(client.get(MAUREPAS).content.decode())
    block = text[text.index('id="veille"'):]
    block = block[:block.index("</section>")]
    assert "Dans la presse" in block
    assert on_qpv.title in block and "sur ce QPV" in block
    assert on_town.title in block and "sur la commune Rennes" in block
    assert waiting.title not in block and elsewhere.title not in block
    town = html.unescape(client.get("/territoires/commune/35238/").content.decode())
    assert on_town.title in town and "sur cette commune" in town
    assert 'id="veille"' not in client.get("/territoires/commune/29001/").content.decode()
