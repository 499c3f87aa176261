"""The agenda as iCalendar (RFC 5545): the whole agenda's feed and one file per event.

Times are written in Europe/Paris with its VTIMEZONE; a day without an hour is a whole-day
event. UIDs are stable (the page's id and the site's host), so a calendar that subscribed
updates its events instead of duplicating them. The visio link is never written here: the feed
is public, and the file attached to a confirmation is the same file.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from .models import PARIS, EventPage

PRODID = "-//Quartiers//Agenda du centre de ressources//FR"
RECENT_DAYS = 90
"""How far back the feed keeps past events (a calendar keeps showing what was attended)."""


def calendar(events: Iterable[EventPage], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    cal.add_component(Timezone.from_tzid("Europe/Paris"))
    stamp = timezone.now()
    for event in events:
        cal.add_component(_vevent(event, stamp))
    return cal.to_ical()


def feed_events():
    """The events of the feed: upcoming and those of the last ``RECENT_DAYS`` days."""
    since = timezone.localdate() - timedelta(days=RECENT_DAYS)
    return (EventPage.objects.live().public().filter(date__gte=since)
            .order_by("date", "start_time", "pk"))


def uid(event: EventPage) -> str:
    host = urlsplit(settings.QUARTIERS.site_url).hostname or "quartiers"
    return f"evenement-{event.pk}@{host}"


def _vevent(event: EventPage, stamp: datetime) -> Event:
    vevent = Event()
    vevent.add("uid", uid(event))
    vevent.add("dtstamp", stamp)
    vevent.add("summary", event.title)
    if event.all_day:
        vevent.add("dtstart", event.date)
        vevent.add("dtend", event.last_day + timedelta(days=1))
    else:
        vevent.add("dtstart", event.starts_at.astimezone(PARIS))
        vevent.add("dtend", event.ends_at.astimezone(PARIS))
    url = settings.QUARTIERS.site_url.rstrip("/") + event.url
    vevent.add("description", f"{event.summary}\n\n{url}")
    vevent.add("url", url)
    if event.where:
        vevent.add("location", event.where)
    vevent.add("categories", [event.get_kind_display()])
    if event.last_published_at:
        vevent.add("last-modified", event.last_published_at)
    return vevent
