"""The site's bundled pages, loaded by ``quartiers init``: the home page in place of Wagtail's
« Welcome » page, as the root of the default site, and the three legal pages every French site
needs. Idempotent: a page already there is left as the staff edited it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

from quartiers.engine.locator.geocoding import OFF as GEOCODER_OFF

from .models import HomePage, LegalPage

BUNDLED = Path(__file__).resolve().parent / "bundled"
WRITTEN_ON = date(2026, 11, 30)
"""When the bundled texts were written: their « mise à jour » until the staff edit them."""


@dataclass(frozen=True)
class BundledLegalPage:
    slug: str
    title: str

    def body(self) -> str:
        """The bundled text with what depends on this installation's configuration."""
        return (BUNDLED / f"{self.slug}.html").read_text(encoding="utf-8").format(
            **_configured_facts())


LEGAL_PAGES = (
    BundledLegalPage("mentions-legales", "Mentions légales"),
    BundledLegalPage("donnees-personnelles", "Données personnelles"),
    BundledLegalPage("accessibilite", "Déclaration d'accessibilité"),
)


@transaction.atomic
def load_bundled() -> str:
    home, home_created = _home_page()
    _point_default_site_at(home)
    if home_created:
        _delete_welcome_page()
    created = [page.title for page in LEGAL_PAGES if _legal_page(home, page)]
    done = (["page d'accueil"] if home_created else []) + created
    if not done:
        return "Site : page d'accueil et pages légales déjà en place."
    return f"Site : créé{'s' if len(done) > 1 else ''} : {', '.join(done)}."


def home_page() -> HomePage | None:
    """The root of the site's pages, or None before ``load_bundled``."""
    return HomePage.objects.first()


def section_page(model: type[Page], *, title: str, slug: str, what: str) -> tuple[Page, bool]:
    """The one page of ``model`` under the default site's root (the home page): a section such
    as « Ressources », « Agenda », « Lettres d'information », created and published if missing,
    and whether it was made now; ``what`` names the section in the error raised before the
    site's pages are loaded."""
    existing = model.objects.first()
    if existing is not None:
        return existing, False
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        raise RuntimeError("Aucun site par défaut dans Wagtail : les pages du site doivent être "
                           f"chargées avant {what}.")
    page = site.root_page.add_child(instance=model(title=title, slug=slug))
    page.save_revision().publish()
    return page, True


def _home_page() -> tuple[HomePage, bool]:
    home = home_page()
    if home is not None:
        return home, False
    home = Page.get_first_root_node().add_child(instance=HomePage(
        title="Accueil", slug="accueil", intro_title="Le centre de ressources",
        intro=(BUNDLED / "accueil.html").read_text(encoding="utf-8")))
    home.save_revision().publish()
    return home, True


def _point_default_site_at(home: HomePage) -> None:
    """The default site serves ``home`` at the host and port of ``QUARTIERS_URL``."""
    address = urlsplit(settings.QUARTIERS.site_url)
    port = address.port or (443 if address.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port, site.root_page = address.hostname or "localhost", port, home
    site.site_name = site.site_name or "Quartiers"
    site.save()


def _delete_welcome_page() -> None:
    """Wagtail's « Welcome » page, which its migrations create and no site serves any more."""
    Page.objects.filter(depth=2, slug="home", content_type__app_label="wagtailcore",
                        content_type__model="page", numchild=0).delete()


def _legal_page(home: HomePage, bundled: BundledLegalPage) -> bool:
    """Create the page unless a page has its address already; whether it was created."""
    if home.get_children().filter(slug=bundled.slug).exists():
        return False
    page = home.add_child(instance=LegalPage(title=bundled.title, slug=bundled.slug,
                                             body=bundled.body(), last_updated=WRITTEN_ON))
    page.save_revision().publish()
    return True


def _configured_facts() -> dict[str, str]:
    """What the legal texts say that depends on the configuration, as it is at loading."""
    config = settings.QUARTIERS
    days = config.jobs_kept_days
    if config.geocoder.lower() in GEOCODER_OFF:
        geocoding = "Les adresses ne sont transmises à aucun service extérieur : cette " \
                    "installation n'en géocode aucune."
    elif config.geocoder:
        geocoding = ("Pour situer les adresses, le site les transmet, sans autre colonne du "
                     f"fichier, au service de géocodage {urlsplit(config.geocoder).hostname}.")
    else:
        geocoding = ("Pour situer les adresses, le site les transmet, sans autre colonne du "
                     "fichier, au service de géocodage de la Géoplateforme de l'IGN "
                     "(data.geopf.fr).")
    if config.basemap_tiles:
        basemap = ("Les cartes affichent un fond de carte chargé depuis "
                   f"{urlsplit(config.basemap_tiles).hostname} : ce serveur reçoit l'adresse "
                   "IP de votre navigateur.")
    else:
        basemap = ("Les cartes ne chargent rien depuis un autre site : aucun service tiers "
                   "ne reçoit l'adresse IP de votre navigateur.")
    return {"host": urlsplit(config.site_url).hostname or "localhost",
            "jobs_kept_days": f"{days:g} jour{'s' if days > 1 else ''}",
            "geocoding": geocoding, "basemap": basemap}
