from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "quartiers.web.site"
    verbose_name = "Site du centre de ressources"

    def ready(self):
        from django.db.models.signals import post_save

        from quartiers.web.core.content import mark_changed

        from .models import CentreIdentity

        def identity_changed(sender, created, **signal):
            """The footer of every page shows the centre's identity: the pages kept by the
            build's cache change with it (core/content.py). Not at its creation, empty, by the
            first page that reads it: nothing shown changes."""
            if not created:
                mark_changed()

        post_save.connect(identity_changed, sender=CentreIdentity, dispatch_uid="site-identity",
                          weak=False)
