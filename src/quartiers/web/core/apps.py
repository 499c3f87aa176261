from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "quartiers.web.core"
    verbose_name = "Socle commun"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import PageViewRestriction
        from wagtail.signals import page_published, page_unpublished

        from .content import mark_changed

        page_published.connect(mark_changed, dispatch_uid="core-content-published")
        # also sent for a live page being deleted (Wagtail unpublishes it first)
        page_unpublished.connect(mark_changed, dispatch_uid="core-content-unpublished")
        # a page made private (or public again) leaves or enters the profiles' blocks
        for signal in (post_save, post_delete):
            signal.connect(mark_changed, sender=PageViewRestriction,
                           dispatch_uid=f"core-content-restricted-{signal is post_save}")
