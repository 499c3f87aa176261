"""Who reaches what: the back office and « Mon espace » refuse anonymous people; the back office
refuses a *chef·fe de projet*; and every view not declared public below refuses anonymous
people (walking every URL pattern, so that a new reserved view cannot be forgotten)."""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse

import pytest
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from quartiers.web.accounts.models import Role

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = {
    # the observatory
    "home", "search", "profile", "profile_pdf", "profile_series_chart", "profile_export",
    "profile_table", "indicators", "indicator", "data",
    "api", "openapi", "api_territories", "api_territory", "api_territory_series",
    "api_territory_values", "api_territory_comparison", "api_territory_qpv_comparison",
    "api_territory_geojson", "api_territory_csv", "api_territory_table", "api_indicators",
    "api_indicator", "api_indicator_values", "api_search", "api_qpv_layer", "api_layer",
    "api_basemap_places", "api_basemap_overseas", "api_locate", "api_unknown",
    "locator", "locator_job", "locator_result",
    # the analyses, and their API
    "analyses:index", "analyses:detail", "analyses:csv", "analyses:territory", "analyses:note",
    "api_analysis_list", "api_analysis", "api_analysis_results", "api_analysis_layer",
    # the resource centre
    "programme:index", "programme:compare", "programme:year", "programme:pdf",
    "programme:action",
    # the centre's daily work: agenda and calendars, registrants' and subscribers' signed links
    # (each refuses a forged or expired token), letters, press watch, contacts' renewal
    "events:feed", "events:event_ics", "events:registration", "events:offer", "events:cycle",
    "newsletters:subscribe", "newsletters:archive", "newsletters:confirm",
    "newsletters:preferences", "newsletters:unsubscribe",
    "presswatch:index", "presswatch:rss", "contacts:renewal",
    # contrats de ville: registry, contract pages, documents (each checks its own privacy),
    # search, comparison
    "contracts:registry", "contracts:contract", "contracts:document", "contracts:document_file",
    "contracts:search", "contracts:comparison", "contracts:comparison_csv",
    # contrats de ville: frameworks are public evaluation material, and their reports
    "evaluation:framework", "evaluation:report_pdf", "evaluation:report_odt",
    "evaluation:synthesis",
    # the Labo: calls, the application form, the applicant's signed link (refuses a forged
    # token), the roadmaps of the territories followed
    "labo:index", "labo:call", "labo:apply", "labo:application", "labo:applicant_attachment",
    "labo:roadmap",
    # logging in, out, and a new password
    "accounts:login", "accounts:logout", "accounts:password_reset",
    "accounts:password_reset_done", "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    # the content system: its pages and documents (each checks its own privacy), the login
    # forms of private pages, and the back office's own login and password forms
    "wagtail_serve", "wagtaildocs_serve", "wagtaildocs_authenticate_with_password",
    "wagtailcore_authenticate_with_password", "wagtailcore_login",
    "gestion_login", "wagtailadmin_login", "wagtailadmin_logout", "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done", "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    # the back office's icons, translations of its scripts, and its « page not found »
    "wagtailadmin_sprite", "wagtailadmin_javascript_catalog", "wagtail.admin.views.home.default",
    # Django's own admin: its login form
    "admin:login", "admin:logout",
}
LOGIN_PAGES = ("/comptes/connexion/?next=", "/django-admin/login/?next=")
SAMPLES = {"int": "1", "uuid": "00000000-0000-4000-8000-000000000000", "path": "x"}


def _sample(pattern) -> str:
    """A path matching one piece of a URL pattern (a value in each parameter)."""
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1), "x"),
                      str(pattern))
    return _matching(sre_parse.parse(pattern.regex.pattern))


def _matching(parsed) -> str:
    """The shortest-ish text a parsed regular expression matches."""
    text = []
    for op, value in parsed:
        if op is sre.LITERAL:
            text.append(chr(value))
        elif op is sre.SUBPATTERN:
            text.append(_matching(value[-1]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, _high, item = value
            text.append(_matching(item) * max(low, 1))
        elif op is sre.BRANCH:
            text.append(_matching(value[1][0]))
        elif op is sre.IN:  # a class of characters: its first one
            kind, first = value[0]
            text.append(chr(first) if kind is sre.LITERAL
                        else chr(first[0]) if kind is sre.RANGE else "1")
        elif op in (sre.ANY, sre.NOT_LITERAL):
            text.append("x")
        elif op is sre.CATEGORY:
            text.append("1")
    return "".join(text)


def _every_view(patterns=None, prefix="/", namespace=""):
    """(name, a path reaching the view) for every view of the project."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        path = prefix + _sample(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _every_view(pattern.url_patterns, path, inner)
        else:
            yield f"{namespace}{pattern.name or pattern.lookup_str}", path


def _refuses(client, path: str) -> bool:
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path)
    if response.status_code in (301, 302):
        return response["Location"].startswith(LOGIN_PAGES)
    return response.status_code in (401, 403)


def test_every_view_not_declared_public_refuses_anonymous_people(client):
    views = list(_every_view())
    assert len(views) > 250  # the back office's views are among them
    assert {name for name, _ in views} >= PUBLIC, "a public view listed here no longer exists"
    answering = [f"{name} ({path})" for name, path in views
                 if name not in PUBLIC and not _refuses(client, path)]
    assert not answering, ("These views answer anonymous people; declare them in PUBLIC if "
                           "they are public, else protect them:\n" + "\n".join(answering))


@pytest.mark.parametrize("path", ["/gestion/", "/gestion/pages/", "/gestion/users/",
                                  "/gestion/territoires-des-comptes/", "/comptes/espace/",
                                  "/comptes/mot-de-passe/changer/"])
def test_reserved_pages_send_anonymous_people_to_our_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/comptes/connexion/?next={path}")


@pytest.mark.parametrize("role", [Role.PROJECT_LEAD, Role.PARTNER_MEMBER])
def test_the_back_office_refuses_other_roles(client, roles, role):
    client.force_login(UserFactory(roles=[role]))
    for path in ("/gestion/", "/gestion/pages/", "/gestion/users/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/comptes/connexion/?next=")


def test_the_back_office_opens_to_staff(client, roles):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    for path in ("/gestion/", "/gestion/pages/", "/gestion/users/",
                 "/gestion/territoires-des-comptes/", "/gestion/organismes-partenaires/",
                 "/gestion/images/", "/gestion/documents/",
                 "/gestion/settings/site/centreidentity/"):
        assert client.get(path, follow=True).status_code == 200, path
