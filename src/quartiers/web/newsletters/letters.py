"""An issue as an e-mail: one list of items (free text, or a card for a resource, an action, an
event, a press-watch item) rendered twice, as table-laid HTML with inline styles (what mail
readers understand, 600 px at most, one column on a phone) and as plain text; each subscriber's
copy carries their own links and the one-click unsubscribe headers (RFC 8058)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from wagtail.rich_text import expand_db_html

from ..site.models import CentreIdentity
from .models import NewsletterIssuePage, Subscription
from .services import absolute, preferences_url, unsubscribe_url


@dataclass(frozen=True)
class Item:
    label: str = ""  # « Ressource », « Événement »…; empty for free text
    title: str = ""
    meta: str = ""
    summary: str = ""
    url: str = ""
    html: str = ""  # free text only
    text: str = ""


@dataclass(frozen=True)
class Links:
    """Where the footer sends the reader: their own links, or the public page (web version)."""

    unsubscribe: str
    preferences: str


def _absolute_links(markup: str) -> str:
    """Links and images of rich text point at the site, not at a path a mail reader cannot
    resolve."""
    return re.sub(r'(href|src)="/', lambda m: f'{m.group(1)}="{absolute("/")}', markup)


def _html_to_text(markup: str) -> str:
    markup = re.sub(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', r"\2 (\1)", markup)
    markup = re.sub(r"<li[^>]*>", "- ", markup)
    markup = re.sub(r"</(p|h2|h3|li|ul|ol)>|<br\s*/?>", "\n", markup)
    text = html.unescape(re.sub(r"<[^>]+>", "", markup))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines())).strip()


def _page_path(page) -> str:
    return page.get_url_parts()[2] if page.get_url_parts() else page.url_path


def _when(start, end=None) -> str:
    text = date_format(start, "j F Y")
    return f"du {date_format(start, 'j F')} au {date_format(end, 'j F Y')}" if end else text


def _card(block) -> Item | None:
    value, kind = block.value, block.block_type
    if kind == "text":
        markup = _absolute_links(expand_db_html(value.source))
        return Item(html=markup, text=_html_to_text(markup))
    if value is None:
        return None  # a chosen page or action deleted since
    if kind == "resource":
        page = value.specific
        if not page.live:
            return None
        meta = page.get_kind_display() + (f" · {_when(page.date)}" if page.date else "")
        return Item("Ressource", page.title, meta, Truncator(page.summary).chars(300),
                    absolute(_page_path(page)))
    if kind == "action":
        parts = [value.get_format_display()]
        if value.date_start:
            parts.append(date_format(value.date_start, "F Y") if value.date_precision == "mois"
                         else _when(value.date_start, value.date_end))
        if value.place:
            parts.append(value.place)
        return Item("Programme d'actions", value.title, " · ".join(parts),
                    Truncator(value.description).chars(300), absolute(value.get_absolute_url()))
    if kind == "event":
        page = value.specific
        if not page.live:
            return None
        parts = [_when(page.date, page.end_date)]
        parts += [p for p in (page.place_name, page.commune) if p]
        return Item("Événement", page.title, " · ".join(parts),
                    Truncator(page.summary).chars(300), absolute(_page_path(page)))
    if kind == "press":
        if value.status != value.Status.PUBLISHED:
            return None  # unpublished since: the centre no longer vouches for it
        item = value.as_newsletter_item()
        meta = " · ".join([item["source"]] + (
            [_when(timezone.localdate(item["date"]))] if item["date"] else []))
        return Item("Veille", item["title"], meta,
                    Truncator(item["comment"] or item["summary"]).chars(300),
                    item["url"] or absolute(value.get_absolute_url()))
    return None


def items(issue: NewsletterIssuePage) -> list[Item]:
    return [item for item in map(_card, issue.body) if item is not None]


def _context(issue: NewsletterIssuePage, links: Links, *, web: bool) -> dict:
    centre = CentreIdentity.load()
    return {"issue": issue, "newsletter": issue.newsletter, "items": items(issue),
            "links": links, "web": web, "centre_name": centre.name or "Quartiers",
            "centre_address": centre.address, "site_url": absolute("/"),
            "archive_url": absolute(reverse("newsletters:archive")),
            "web_url": absolute(_page_path(issue))}


@dataclass(frozen=True)
class Rendered:
    """An issue rendered once, its footer links left as markers that each copy fills in."""

    html: str
    text: str

    UNSUBSCRIBE = "https://lien-de-desabonnement.invalid/"
    PREFERENCES = "https://lien-des-preferences.invalid/"

    def with_links(self, links: Links) -> tuple[str, str]:
        def fill(body: str) -> str:
            return body.replace(self.UNSUBSCRIBE, links.unsubscribe).replace(
                self.PREFERENCES, links.preferences)

        return fill(self.html), fill(self.text)


def render(issue: NewsletterIssuePage, *, web: bool = False) -> Rendered:
    context = _context(issue, Links(Rendered.UNSUBSCRIBE, Rendered.PREFERENCES), web=web)
    return Rendered(render_to_string("newsletters/email/issue.html", context),
                    render_to_string("newsletters/email/issue.txt", context))


def public_links() -> Links:
    subscribe = absolute(reverse("newsletters:subscribe"))
    return Links(unsubscribe=subscribe, preferences=subscribe)


def web_version(request, issue: NewsletterIssuePage) -> HttpResponse:
    """The issue as sent, without anyone's links (the archive, and the back office's preview)."""
    return HttpResponse(render(issue, web=True).with_links(public_links())[0])


def _host() -> str:
    return urlsplit(settings.QUARTIERS.site_url).hostname or "localhost"


def message_for(issue: NewsletterIssuePage, rendered: Rendered, to: str,
                subscription: Subscription | None = None) -> EmailMultiAlternatives:
    """One recipient's copy. Without ``subscription``: a test sent to a staff member (public
    links, marked « [Test] », no unsubscribe headers)."""
    newsletter = issue.newsletter
    headers = {"List-Id": f"{newsletter.name} <{newsletter.slug}.{_host()}>"}
    if subscription is None:
        links, subject = public_links(), f"[Test] {issue.title}"
    else:
        links = Links(unsubscribe_url(subscription), preferences_url(subscription.person))
        subject = issue.title
        # One-click HTTPS only (RFC 8058): nobody reads the sender's mailbox.
        headers["List-Unsubscribe"] = f"<{links.unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    body_html, body_text = rendered.with_links(links)
    message = EmailMultiAlternatives(subject, body_text, to=[to], headers=headers)
    message.attach_alternative(body_html, "text/html")
    return message
