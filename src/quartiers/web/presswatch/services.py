"""Reading a source's feed: a conditional request (ETag / Last-Modified, 304 = nothing new),
its size capped, parsed by feedparser; new items stored once (by guid, else link), sorted by
the keyword rules. Whatever happens, the source's status says it in French."""

from __future__ import annotations

import hashlib
import html
import re
from calendar import timegm
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
import httpx
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags

from .models import FeedSource, KeywordRule, PressItem, folded
from .network import PrivateAddress, PublicOnlyTransport, safe_link

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = httpx.Timeout(15.0, connect=10.0)
USER_AGENT = "Quartiers-veille/1.0 (+https://quartiers.example.org/veille/)"


class FeedRefused(Exception):
    """A fetch that stored nothing; the message (French) becomes the source's status."""


@dataclass
class Outcome:
    new: int = 0
    dropped: int = 0
    not_modified: bool = False

    def __str__(self) -> str:
        if self.not_modified:
            return "Rien de nouveau (flux inchangé depuis le dernier relevé)."
        if not self.new:
            return "Rien de nouveau."
        kept = self.new - self.dropped
        said = f"{self.new} nouvel article" if self.new == 1 else f"{self.new} nouveaux articles"
        return f"{said} : {kept} à trier, {self.dropped} écarté{'s' if self.dropped > 1 else ''} " \
               "par les règles."


BLOCK_TAG = re.compile(r"<(?=/?(?:br|p|div|li|h[1-6]|tr|td|th|blockquote|ul|ol|hr)\b)", re.I)


def plain_text(markup: str) -> str:
    """HTML of a feed as one line of text: tags dropped (a line break or a paragraph keeps its
    words apart), entities decoded, spaces collapsed."""
    return " ".join(html.unescape(strip_tags(BLOCK_TAG.sub(" <", markup or ""))).split())


def download(source: FeedSource) -> tuple[bytes | None, dict]:
    """The feed's bytes and response headers; None when the server answers 304. Only public
    addresses are reached, redirects included (see network)."""
    headers = {"User-Agent": USER_AGENT,
               "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                         "text/xml;q=0.9, */*;q=0.1"}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    try:
        with httpx.Client(timeout=TIMEOUT, follow_redirects=True, max_redirects=5,
                          transport=PublicOnlyTransport()) as client, \
                client.stream("GET", source.feed_url, headers=headers) as response:
            if response.status_code == 304:
                return None, dict(response.headers)
            if response.status_code >= 400:
                raise FeedRefused(f"Le serveur a répondu {response.status_code} (erreur) : flux "
                                  "non relevé.")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > MAX_BYTES:
                raise FeedRefused(_too_big())
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise FeedRefused(_too_big())
            return bytes(body), dict(response.headers)
    except PrivateAddress as error:
        raise FeedRefused(str(error)) from error
    except httpx.TimeoutException as error:
        raise FeedRefused("Le serveur n'a pas répondu à temps : flux non relevé.") from error
    except httpx.InvalidURL as error:
        raise FeedRefused("L'adresse du flux n'est pas valide.") from error
    except httpx.HTTPError as error:
        raise FeedRefused("Impossible de joindre le serveur (adresse introuvable, connexion "
                          "refusée ou interrompue) : flux non relevé.") from error


def _too_big() -> str:
    return f"Flux trop volumineux (plus de {MAX_BYTES // (1024 * 1024)} Mo) : non relevé."


def parse(body: bytes, headers: dict) -> feedparser.FeedParserDict:
    """The parsed feed; FeedRefused when the bytes are not an RSS or Atom feed."""
    content_type = headers.get("content-type", "")
    parsed = feedparser.parse(body, response_headers={"content-type": content_type})
    if parsed.entries and parsed.version:
        return parsed
    start = body.lstrip()[:200].lower()
    if b"<html" in start or b"<!doctype html" in start or "html" in content_type:
        raise FeedRefused("L'adresse donne une page HTML, pas un flux RSS ou Atom : vérifiez "
                          "l'adresse du flux (souvent indiquée par l'icône RSS du site).")
    if not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise FeedRefused("La réponse n'est pas un flux RSS ou Atom (ce n'est pas du XML) : "
                          "rien n'a été enregistré.")
    if parsed.bozo and not parsed.entries:
        error = parsed.get("bozo_exception")
        line = getattr(error, "getLineNumber", lambda: None)()
        where = f" (ligne {line})" if line else ""
        raise FeedRefused(f"Le flux n'est pas un XML lisible{where} : rien n'a été enregistré.")
    if not parsed.version:
        raise FeedRefused("La réponse n'est pas un flux RSS ou Atom : rien n'a été enregistré.")
    return parsed


def _date(entry) -> datetime | None:
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(timegm(moment), tz=UTC) if moment else None


def _summary(entry) -> str:
    if entry.get("summary"):
        return plain_text(entry.summary)
    contents = entry.get("content") or []
    return plain_text(contents[0].get("value", "")) if contents else ""


def applicable_rules(source: FeedSource) -> list[KeywordRule]:
    return list(KeywordRule.objects.filter(Q(source=source) | Q(source__isnull=True),
                                           active=True).order_by("pk"))


def sort(item: PressItem, rules: list[KeywordRule]) -> None:
    """Apply the rules: a matching « écarter » rule drops the item (it wins over « garder »);
    when « garder » rules exist, an item none of them matches is dropped too. The decision
    says which rule and which words."""
    text = folded(f"{item.title} {item.summary}")
    for rule in rules:
        if rule.action == KeywordRule.Action.DROP and (phrase := rule.matches(text)):
            item.status, item.dropped_by = PressItem.Status.DROPPED, rule
            item.decision = f"Écarté par la règle n° {rule.pk} (« {phrase} »)."
            return
    keeping = [rule for rule in rules if rule.action == KeywordRule.Action.KEEP]
    for rule in keeping:
        if phrase := rule.matches(text):
            item.decision = f"Retenu par la règle n° {rule.pk} (« {phrase} »)."
            return
    if keeping:
        item.status = PressItem.Status.DROPPED
        item.decision = ("Écarté : aucun des mots des règles « garder » (n° "
                         f"{', '.join(str(rule.pk) for rule in keeping)}) n'y figure.")


def _fingerprint(title: str, summary: str, entry) -> str:
    """An entry with neither id nor link is known by its text and date (none: not stored)."""
    text = "\n".join([title, summary, entry.get("published") or entry.get("updated") or ""])
    return "empreinte:" + hashlib.sha1(text.encode()).hexdigest() if text.strip() else ""


def store(source: FeedSource, parsed) -> Outcome:
    """The feed's new entries as items (by guid, else link, once per source), sorted. A link
    that is not http(s) (``javascript:``…) is not kept: the item shows without a link."""
    known_guids = set(source.items.values_list("guid", flat=True))
    known_links = set(source.items.exclude(link="").values_list("link", flat=True))
    rules = applicable_rules(source)
    outcome = Outcome()
    for entry in parsed.entries:
        link = safe_link(entry.get("link") or "")[:1000]
        title = plain_text(entry.get("title", ""))[:500]
        summary = _summary(entry)
        guid = (entry.get("id") or link or _fingerprint(title, summary, entry))[:1000]
        if not guid or guid in known_guids or (link and link in known_links):
            continue
        known_guids.add(guid)
        if link:
            known_links.add(link)
        item = PressItem(source=source, guid=guid, title=title or "(sans titre)", link=link,
                         summary=summary, published_at=_date(entry))
        sort(item, rules)
        item.save()
        outcome.new += 1
        outcome.dropped += item.status == PressItem.Status.DROPPED
    return outcome


def fetch(source: FeedSource) -> str:
    """Fetch one source now; its new status (French), also stored on it."""
    source.fetched_at = timezone.now()
    try:
        body, headers = download(source)
        if body is None:
            outcome = Outcome(not_modified=True)
        else:
            parsed = parse(body, headers)
            with transaction.atomic():
                outcome = store(source, parsed)
            source.etag = (headers.get("etag") or "")[:500]
            source.last_modified = (headers.get("last-modified") or "")[:100]
            source.items_count += outcome.new
            if not source.site_url and len(site := safe_link(parsed.feed.get("link"))) <= 500:
                source.site_url = site
        source.status, source.ok = str(outcome), True
    except FeedRefused as refusal:
        source.status, source.ok = str(refusal)[:500], False
    source.save(update_fields=["fetched_at", "status", "ok", "etag", "last_modified",
                               "items_count", "site_url"])
    return source.status
