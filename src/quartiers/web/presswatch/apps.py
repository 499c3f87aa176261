from datetime import timedelta

from django.apps import AppConfig


class PresswatchConfig(AppConfig):
    name = "quartiers.web.presswatch"
    label = "presswatch"
    verbose_name = "Veille"
    scheduled_tasks = {
        "veille : relevé des flux des sources actives":
            ("quartiers.web.presswatch.tasks.fetch_all_sources", timedelta(hours=1)),
    }

    def ready(self):
        from django.db.models.signals import post_delete

        from quartiers.web.core.content import mark_changed

        from .models import PressItem

        def published_item_deleted(sender, instance, **signal):
            """Its profiles, kept in the pages' cache, showed it (publishing: see forms.py)."""
            if instance.status == PressItem.Status.PUBLISHED:
                mark_changed()

        post_delete.connect(published_item_deleted, sender=PressItem,
                            dispatch_uid="presswatch-item-deleted", weak=False)
