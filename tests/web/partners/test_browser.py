"""Real Chromium: a partner's member logs in, deposits the posts file made for the tests and reads
the report (on a 375 px phone too); the staff compute the posts output, read the secrecy audit
and publish it; the member then sees it. Axe on each page. Screenshots
tests/screenshots/tiers-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from quartiers.web.partners.models import Output

from ..staff_browser import check_both_widths, logged_in_page
from ..test_browser import launched_chromium

pytestmark = [pytest.mark.browser,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]
browser = pytest.fixture(name="browser")(launched_chromium)
POSTS = Path(__file__).parent / "fixtures" / "postes_fichier_essai.csv"


def _check(page, name: str) -> None:
    check_both_widths(page, "tiers-" + name)


def test_deposit_compute_review_publish(browser, live_server, agreement, member, staff_user,
                                        run_tasks):
    space = "/tiers-de-confiance/"
    page, errors = logged_in_page(browser, live_server, member, space)
    assert agreement.code in page.inner_text("main")
    _check(page, "1-conventions")
    page.click(f"a[href='{space}conventions/{agreement.code}/']")
    page.wait_for_selector("h1:has-text('Convention')")
    _check(page, "2-convention")
    page.click("text=Déposer un fichier")
    page.wait_for_selector("input[type=file]")
    _check(page, "3-depot")
    page.set_input_files("input[type=file]", str(POSTS))
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("h1:has-text('Rapport de dépôt')")
    assert "Dépôt accepté : 24 lignes enregistrées" in page.inner_text("main")
    _check(page, "4-rapport")

    staff, staff_errors = logged_in_page(browser, live_server, staff_user,
                                         f"{space}conventions/{agreement.code}/")
    staff.click("button:has-text('Calculer')")
    staff.wait_for_selector("ul.messages")
    run_tasks()  # the worker
    output = Output.objects.get()
    assert output.status == Output.Status.TO_REVIEW, output.error
    staff.goto(f"{live_server.url}{space}resultats/{output.pk}/")
    assert "Audit par différence" in staff.inner_text("main")
    _check(staff, "5-examen")
    staff.fill("textarea[name=comment]", "Relu : aucune case recalculable.")
    staff.click("button[value=publier]")
    staff.wait_for_selector("ul.messages li.success")
    assert Output.objects.get().status == Output.Status.RELEASED
    _check(staff, "6-publie")

    page.goto(f"{live_server.url}{space}conventions/{agreement.code}/")
    page.click(f"a[href='{space}resultats/{output.pk}/']")
    page.wait_for_selector("h1")
    assert "Audit par différence" not in page.inner_text("main")
    _check(page, "7-resultat-partenaire")
    staff.goto(f"{live_server.url}{space}journal/")
    assert "Journal intact" in staff.inner_text("main")
    _check(staff, "8-journal")
    assert errors == [] and staff_errors == []
