"""Real Chromium: a member of the centre's staff logs in, creates a resource tagged with the QPV
Maurepas in the back office and publishes it; the resource then shows on the QPV's profile and
in the library's search. A video loads nothing from its host before the visitor's click.
Saves screenshots (tests/screenshots/library-*.png)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from quartiers.web.accounts.models import Role
from quartiers.web.accounts.services import ensure_roles
from quartiers.web.library.models import Kind, ResourcePage
from quartiers.web.site.services import load_bundled as load_site_pages

from ..accounts.factories import UserFactory
from ..staff_browser import logged_in_page
from ..test_accessibility import _serious
from ..test_browser import SCREENSHOTS, launched_chromium, shot
from .factories import ResourcePageFactory, resource_index

# the content system's pages are in the database: a transactional test empties it after each
# test, serialized_rollback brings back what the migrations put there
pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Chromium for each test, not for the module: while Playwright runs, the ORM in this thread
# gets another connection wrapper (Playwright's event loop changes the context asgiref's Local
# reads), one without the serialized contents: serialized_rollback would restore nothing for a
# test set up while a module-wide Chromium runs.
browser = pytest.fixture(name="browser")(launched_chromium)


@pytest.fixture(autouse=True)
def _site_pages():
    """The site's page tree, loaded as ``quartiers init`` does (« Ressources » goes under it)."""
    load_site_pages()


TITLE = "Jardins partagés et cuisines ouvertes à Maurepas"
SUMMARY = ("Fiche d'essai écrite par le test du navigateur : un collectif d'habitants et ses "
           "potagers en pied d'immeuble.")


def run_worker() -> None:
    """What `quartiers worker` does between publication and search: the search index is
    updated by background tasks (run here, in the test's thread, until none waits)."""
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def test_staff_publish_a_resource_found_on_the_qpv_and_by_search(browser, live_server):
    ensure_roles()
    staff = UserFactory(email="documentaliste@exemple.test", roles=[Role.STAFF])
    index_page = resource_index()
    page, errors = logged_in_page(browser, live_server, staff)

    page.goto(f"{live_server.url}/gestion/pages/add/library/resourcepage/{index_page.pk}/")
    page.fill("#id_title", TITLE)
    page.select_option("#id_kind", Kind.EXPERIENCE)
    page.fill("#id_summary", SUMMARY)
    page.get_by_role("button", name="Ajouter un(e) territoire").click()
    page.select_option("#id_territories-0-level", "qpv")
    page.fill("#id_territories-0-code", "QN03504M")
    shot(page, "library-1-editeur")
    page.locator("footer .w-dropdown__toggle").first.click()
    page.click("button[name=action-publish]")
    page.wait_for_selector(".messages .success", timeout=30000)
    shot(page, "library-2-publiee")
    resource = ResourcePage.objects.get(title=TITLE)
    assert resource.live and resource.owner == staff
    assert [(t.level, t.code) for t in resource.territories.all()] == [("qpv", "QN03504M")]

    page.context.clear_cookies()  # the public's view, without an account
    page.goto(f"{live_server.url}/territoires/qpv/QN03504M/")
    block = page.locator("#ressources")
    assert TITLE in block.inner_text() and "sur ce QPV" in block.inner_text()
    page.wait_for_load_state("networkidle")  # the charts above it are in place
    block.scroll_into_view_if_needed()
    block.screenshot(path=str(SCREENSHOTS / "library-3-fiche-qpv.png"))

    run_worker()
    page.goto(f"{live_server.url}/ressources/?q=potagers")
    assert page.locator("#results-title").inner_text() == "1 ressource pour « potagers »"
    page.click(f"text={TITLE}")
    page.wait_for_url(f"**{resource.url}")
    shot(page, "library-4-ressource")
    page.goto(f"{live_server.url}/ressources/?q=potagers")
    shot(page, "library-5-recherche")
    assert _serious(page) == []
    assert errors == []


def test_a_video_loads_nothing_from_its_host_before_the_click(browser, live_server):
    resource = ResourcePageFactory(title="Rencontre filmée", kind=Kind.VIDEO, body=[
        ("video", {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                   "title": "Rencontre régionale"})])
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    elsewhere = []

    def outside(route):
        elsewhere.append(route.request.url)
        route.abort()  # no network here anyway: record and refuse every request outside

    page.route(lambda url: not url.startswith(live_server.url), outside)
    page.goto(live_server.url + resource.url)
    button = page.get_by_role("button", name="Afficher la vidéo (contenu hébergé par YouTube, "
                                             "qui peut déposer des cookies)")
    assert button.is_visible()
    assert page.locator("iframe").count() == 0 and elsewhere == []
    assert _serious(page) == []
    shot(page, "library-6-video-avant")
    button.click()
    frame = page.locator("iframe")
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert frame.get_attribute("title") == "Vidéo : Rencontre régionale"
    page.wait_for_timeout(300)
    assert any("youtube-nocookie.com" in url for url in elsewhere)  # only after the click
