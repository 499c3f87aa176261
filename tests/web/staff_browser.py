"""The staff in a real Chromium: a page logged in through the platform's own login form."""

from __future__ import annotations


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
