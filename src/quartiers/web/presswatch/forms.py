"""The queue's form: staff publish an item with a comment (shown with it), or reject it."""

from __future__ import annotations

from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from ..core.content import mark_changed
from .models import PressItem

Status = PressItem.Status


class PressItemForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Status.PUBLISHED and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", "Un article se publie avec le commentaire du centre : "
                                      "dites en quelques mots pourquoi il compte.")
        return cleaned

    def save(self, commit=True):
        item = self.instance
        if item.status == Status.PUBLISHED and "status" in self.changed_data:
            item.published_by, item.published_on = self.for_user, timezone.now()
        elif item.status != Status.PUBLISHED:
            item.published_by = item.published_on = None
        if "status" in self.changed_data and item.status != Status.DROPPED:
            item.dropped_by = None
        if item.status == Status.PUBLISHED or "status" in self.changed_data:
            mark_changed()  # the profiles kept in the pages' cache show published items
        return super().save(commit=commit)


