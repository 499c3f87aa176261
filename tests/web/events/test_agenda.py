"""The public agenda (upcoming, past, filters), the event page, the iCalendar feed and files,
and the events made from the programme's dated actions."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from quartiers.web.events.models import EventIndexPage, EventPage, Mode
from quartiers.web.events.services import events_from_programme, load_bundled
from quartiers.web.programme.models import Action, DatePrecision
from quartiers.web.programme.services import load_bundled as load_programmes

from ..programme.factories import ThemeFactory

pytestmark = pytest.mark.django_db
VISIO = "https://visio.exemple.test/secret"


def titles(response) -> list[str]:
    return [e.title for e in response.context["listing"].page.object_list]


def test_upcoming_by_default_past_apart_and_filters(client, event_factory):
    theme = ThemeFactory(name="Thème d'essai", slug="theme-essai")
    soon = event_factory("Rencontre d'essai à Rennes", days=3, themes=[theme])
    later = event_factory("Webinaire d'essai", days=20, mode=Mode.ONLINE, commune="",
                          department="", place_name="", visio_link=VISIO)
    past = event_factory("Journée d'essai passée", days=-30, commune="Nantes",
                         department="44")
    assert titles(client.get("/agenda/")) == [soon.title, later.title]
    assert titles(client.get("/agenda/?passes=1")) == [past.title]
    assert titles(client.get("/agenda/?theme=theme-essai")) == [soon.title]
    assert titles(client.get("/agenda/?lieu=en-ligne")) == [later.title]
    assert titles(client.get("/agenda/?lieu=dep:35")) == [soon.title]
    assert titles(client.get("/agenda/?passes=1&lieu=commune:Nantes")) == [past.title]
    assert titles(client.get(f"/agenda/?du={later.date.isoformat()}")) == [later.title]
    bad = client.get("/agenda/?du=2026-12-01&au=2026-11-01")
    assert "précède" in bad.text and len(titles(bad)) == 2  # invalid filters ignored
    page = client.get("/agenda/")
    assert "Événements passés" in page.text and VISIO not in page.text


def test_event_page_hides_the_visio_link_and_says_places(client, event_factory):
    event = event_factory(capacity=30, mode=Mode.HYBRID, visio_link=VISIO)
    page = client.get(event.url)
    assert page.status_code == 200 and VISIO not in page.text
    assert "30 places restantes sur 30" in page.text
    assert "Inscriptions" not in page.text.split("<h2")[0]  # no staff links for the public


def test_ics_feed_and_event_file(client, event_factory):
    event = event_factory(mode=Mode.HYBRID, visio_link=VISIO,
                          start_time="09:30", end_time="17:00")
    event_factory("Journée d'essai ancienne", days=-400)
    feed = client.get("/agenda.ics")
    assert feed["Content-Type"].startswith("text/calendar") and VISIO.encode() not in feed.content
    cal = Calendar.from_ical(feed.content)
    [vevent] = cal.walk("VEVENT")
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"
    assert str(vevent["UID"]) == f"evenement-{event.pk}@127.0.0.1"
    assert vevent["DTSTART"].dt.hour == 9 and str(vevent["DTSTART"].dt.tzinfo) == "Europe/Paris"
    assert client.get("/agenda.ics").content.count(b"UID:") == 1  # stable
    single = client.get(f"/agenda/evenement-{event.pk}.ics")
    assert str(Calendar.from_ical(single.content).walk("VEVENT")[0]["UID"]) == str(vevent["UID"])


def test_events_from_the_bundled_programmes(client):
    load_programmes()
    first = load_bundled()
    assert "Agenda : page « Agenda » créée." in first
    assert EventIndexPage.objects.get().url == "/agenda/"
    dated = Action.objects.filter(date_start__isnull=False,
                                  date_precision=DatePrecision.DAY).count()
    assert EventPage.objects.count() == dated > 0
    again = load_bundled()
    assert "déjà en place" in again and EventPage.objects.count() == dated
    report = events_from_programme(2024)
    assert not report.created and len(report.existing) == 6 and len(report.skipped) == 1
    assert report.summary == ("Agenda 2024 : 0 événement créé depuis le programme, 6 déjà dans "
                              "l'agenda, 1 action datée laissée de côté.")
    laval = EventPage.objects.get(action__place="Laval", date__year=2024)
    assert laval.commune == "Laval" and laval.is_past
    page = client.get(laval.url)
    assert "a eu lieu" in page.text
    assert laval.title in client.get("/agenda/?passes=1").text
    with pytest.raises(LookupError, match="Aucun programme d'actions pour l'année 1999"):
        events_from_programme(1999)
