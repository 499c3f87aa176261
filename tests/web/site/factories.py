"""Pages of the site made by hand for the tests."""

from __future__ import annotations

from datetime import date

import factory

from quartiers.web.site.models import LegalPage
from quartiers.web.site.services import home_page, load_bundled


class LegalPageFactory(factory.django.DjangoModelFactory):
    """A published legal page under the site's home page (loaded first if missing)."""

    class Meta:
        model = LegalPage

    title = factory.Sequence(lambda n: f"Page légale d'essai {n}")
    slug = factory.Sequence(lambda n: f"page-legale-essai-{n}")
    body = "<p>Texte d'essai.</p>"
    last_updated = date(2026, 12, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if home_page() is None:
            load_bundled()
        page = home_page().add_child(instance=model_class(*args, **kwargs))
        page.save_revision().publish()
        return page
