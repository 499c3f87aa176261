"""Pages in a real Chromium: logged in through the platform's own login form, and checked at a
phone's and a laptop's width."""

from __future__ import annotations

from .test_accessibility import _serious
from .test_browser import shot


def logged_in_page(browser, live_server, user, next_path: str = "/gestion/"):
    """A 1,366 px page where ``user`` (password ``factories.PASSWORD``) has logged in and
    landed on ``next_path``, and the list the page's script errors are collected in."""
    from .accounts.factories import PASSWORD

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/comptes/connexion/?next={next_path}")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"**{next_path}")
    return page, errors


def check_both_widths(page, name: str) -> None:
    """The page now shown, at 375 and 1,366 px: no sideways scroll, no serious or critical axe
    violation; a full-page screenshot ``<name>-<width>`` of each; back to 1,366 px."""
    failures = []
    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        scroll = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll[0] > scroll[1]:
            failures.append(f"{name}, {width} px : la page défile de côté ({scroll[0]} px)")
        failures += [f"{name}, {width} px : {v}" for v in _serious(page)]
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1366, "height": 900})
    assert not failures, "\n".join(failures)
