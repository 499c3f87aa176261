"""Real Chromium: the platform's own feed (items made by hand by the test, published) is read
back by a source through a real HTTP server; a member of the staff finds the new item in the
queue, publishes it with a comment, a theme and the QPV Maurepas; it then shows on /veille/,
on the QPV's profile and in /veille/rss.xml. Axe on /veille/ at 375 and 1366 px.
Saves screenshots (tests/screenshots/presswatch-*.png)."""

from __future__ import annotations

import html

import httpx
import pytest

from quartiers.web.presswatch import services
from quartiers.web.presswatch.models import PressItem

from ..programme.factories import ThemeFactory
from ..staff_browser import logged_in_page
from ..test_accessibility import _check, _serious
from ..test_browser import SCREENSHOTS, launched_chromium, shot
from .factories import FeedSourceFactory, PressItemFactory

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

browser = pytest.fixture(name="browser")(launched_chromium)  # per test: see the library's

TITLE = "Article d'essai : un jardin partagé au pied des immeubles"
COMMENT = "Commentaire d'essai écrit par le test : une initiative d'habitants à suivre."


def test_staff_publish_an_item_shown_on_the_qpv_and_in_the_feed(browser, live_server,
                                                               feed_server, staff_user):
    hand = FeedSourceFactory(name="Source faite à la main par le test")
    PressItemFactory(source=hand, published=True, title=TITLE,
                     summary="Résumé d'essai : des potagers partagés par les habitants.")
    own_feed = httpx.get(f"{live_server.url}/veille/rss.xml")
    source = FeedSourceFactory(name="Veille du centre (relue par le test)",
                               feed_url=feed_server.serve("/veille.xml", body=own_feed.content))
    assert services.fetch(source).startswith("1 nouvel article")
    item = source.items.get()
    theme = ThemeFactory(name="Thème d'essai : nature en ville")

    page, errors = logged_in_page(browser, live_server, staff_user)

    page.get_by_role("button", name="Veille").click()
    page.get_by_role("link", name="Articles à trier").click()
    page.wait_for_url("**/pressitem/?status=a-trier")
    shot(page, "presswatch-1-a-trier")
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_url(f"**/pressitem/edit/{item.pk}/")
    page.check(f"input[name=status][value={PressItem.Status.PUBLISHED}]")
    page.fill("#id_comment", COMMENT)
    page.get_by_label(theme.name).check()
    page.get_by_role("button", name="Ajouter un(e) territoire").click()
    page.select_option("#id_territories-0-level", "qpv")
    page.fill("#id_territories-0-code", "QN03504M")
    shot(page, "presswatch-2-publier")
    page.locator("footer button[type=submit]").first.click()
    page.wait_for_selector(".messages .success", timeout=30000)
    shot(page, "presswatch-3-publie")
    item.refresh_from_db()
    assert item.status == PressItem.Status.PUBLISHED and item.published_by == staff_user
    assert item.comment == COMMENT and list(item.themes.all()) == [theme]

    page.context.clear_cookies()  # the public's view
    page.goto(f"{live_server.url}/territoires/qpv/QN03504M/")
    block = page.locator("#veille")
    assert TITLE in block.inner_text() and "sur ce QPV" in block.inner_text()
    page.wait_for_load_state("networkidle")
    block.scroll_into_view_if_needed()
    block.screenshot(path=str(SCREENSHOTS / "presswatch-4-fiche-qpv.png"))

    page.goto(f"{live_server.url}/veille/")
    entry = page.locator(f"#article-{item.pk}")
    assert COMMENT in entry.inner_text() and "Maurepas" in entry.inner_text()
    page.select_option("#filtre-theme", theme.slug)
    page.get_by_role("button", name="Afficher les articles").click()
    page.wait_for_url("**/veille/?theme=*")
    assert page.locator("#results-title").inner_text() == "1 article"
    shot(page, "presswatch-5-veille")
    assert _serious(page) == []
    assert errors == []

    feed = html.unescape(httpx.get(f"{live_server.url}/veille/rss.xml").text)
    assert f"Commentaire du centre : {COMMENT}" in feed
    assert feed.count(TITLE) == 2  # the hand-made item and the one read back, both published
    _check(browser.new_page(), live_server.url, "veille", "/veille/")
