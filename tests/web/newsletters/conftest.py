"""The letters' tests: the site's pages and the lists loaded as ``quartiers init`` does, people
and issues made by hand (« Personne d'essai », exemple.test addresses, « Numéro d'essai »)."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from wagtail.rich_text import RichText

from quartiers.web.contacts.services import person_for
from quartiers.web.newsletters import services
from quartiers.web.newsletters.models import NewsletterIssuePage, NewsletterList, Status, Subscription
from quartiers.web.site.services import load_bundled as load_site_pages

from ..events.conftest import make_event
from ..library.factories import ResourcePageFactory
from ..presswatch.factories import PressItemFactory
from ..programme.factories import ActionFactory


@pytest.fixture
def lists(db):
    load_site_pages()
    services.load_bundled()
    return {n.slug: n for n in NewsletterList.objects.all()}



def subscriber(email: str, newsletter: NewsletterList, status: str = Status.SUBSCRIBED):
    """A person subscribed by hand (as if they had confirmed)."""
    return Subscription.objects.create(person=person_for(email, "Personne", "d'essai"),
                                       newsletter=newsletter, status=status,
                                       text_version=services.CONSENT_VERSION)


def issue(newsletter: NewsletterList, title: str = "Numéro d'essai", body=None, live=True):
    page = NewsletterIssuePage(
        title=title, newsletter=newsletter, intro="Chapeau d'un numéro d'essai.", live=live,
        body=body if body is not None else [
            ("text", RichText('<h2>Édito</h2><p>Texte d\'essai avec <a href="/ressources/">un '
                              "lien</a>.</p>"))])
    services.issue_index().add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    page.refresh_from_db()
    return page


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", text)


def path_of(url: str) -> str:
    return urlsplit(url).path


def text_part(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(("html",)).get_content()


def full_issue(lists):
    """A Minute Pop issue with one block of each kind, their subjects made by hand."""
    resource = ResourcePageFactory(title="Fiche d'essai sur les halls d'immeuble",
                                   summary="Résumé d'une ressource d'essai.")
    action = ActionFactory(title="Action d'essai du programme", date_start=date(2030, 6, 13),
                           place="Laval", description="Description d'une action d'essai.")
    event = make_event(title="Journée d'essai")
    press = PressItemFactory(published=True, title="Article d'essai de la veille",
                             source__name="Source d'essai")
    unpublished = PressItemFactory(title="Article d'essai écarté depuis")
    return issue(lists["la-minute-pop"], body=[
        ("text", RichText('<p>Bonjour, voici <a href="/programme/">le programme</a>.</p>')),
        ("resource", resource), ("action", action), ("event", event), ("press", press),
        ("press", unpublished)])
