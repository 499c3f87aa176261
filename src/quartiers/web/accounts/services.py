"""The roles as groups with their permissions, created or completed by ``quartiers init``."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    PAGE_PERMISSION_CODENAMES,
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
)

from .models import Role

STAFF_APPS = ("programme", "library", "site", "accounts", "wagtailredirects", "contacts", "events",
              "presswatch", "mail", "contracts", "evaluation", "labo")
"""Apps whose every model (programme, resources, snippets, settings, accounts, redirects,
contacts, events, press watch, outbox, contrats de ville, their frameworks, the Labo) the
centre's staff add, change and delete."""

STAFF_MODEL_PERMISSIONS = {
    "newsletters": ("add_newsletterlist", "change_newsletterlist", "delete_newsletterlist",
                    "view_newsletterlist", "view_subscription"),
    "partners": ("add_agreement", "change_agreement", "view_agreement",
                 "add_signatory", "change_signatory", "delete_signatory", "view_signatory",
                 "add_agreementterritory", "change_agreementterritory",
                 "delete_agreementterritory", "view_agreementterritory",
                 "view_deposit", "view_output", "view_journalentry", "view_deletioncertificate"),
}
"""Models the staff handle only in part: subscriptions change by their holders' links alone;
partners' deposits, outputs and the journal change only through the trusted third party's
workflow (``partners.services``), never by hand."""

STAFF_COLLECTION_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "delete_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "delete_document", "choose_document"),
    "wagtailcore": ("add_collection", "change_collection", "delete_collection"),
}


@transaction.atomic
def ensure_roles() -> str:
    """Create the missing groups and give the centre's staff the back office: every page
    (edit, publish, moderate), image, document, and the models of the centre's apps. Adds what
    is missing and removes nothing, so that permissions staff gave by hand are kept."""
    created = [role for role in Role if Group.objects.get_or_create(name=role)[1]]
    staff = Group.objects.get(name=Role.STAFF)
    staff.permissions.add(*Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"))
    staff.permissions.add(*Permission.objects.filter(content_type__app_label__in=STAFF_APPS))
    for app, codenames in STAFF_MODEL_PERMISSIONS.items():
        staff.permissions.add(*Permission.objects.filter(content_type__app_label=app,
                                                         codename__in=codenames))
    root_page = Page.get_first_root_node()
    for permission in Permission.objects.filter(content_type__app_label="wagtailcore",
                                                codename__in=PAGE_PERMISSION_CODENAMES):
        GroupPagePermission.objects.get_or_create(group=staff, page=root_page,
                                                  permission=permission)
    root_collection = Collection.get_first_root_node()
    for app, codenames in STAFF_COLLECTION_PERMISSIONS.items():
        for permission in Permission.objects.filter(content_type__app_label=app,
                                                    codename__in=codenames):
            GroupCollectionPermission.objects.get_or_create(
                group=staff, collection=root_collection, permission=permission)
    for task in GroupApprovalTask.objects.all():  # moderation: the staff approve every step
        task.groups.add(staff)
    names = ", ".join(Role)
    if not created:
        return f"Rôles déjà en place : {names}."
    return f"Rôles : {names} ({len(created)} créé{'s' if len(created) > 1 else ''})."


def is_centre_staff(user) -> bool:
    """A member of the centre's team, or a superuser."""
    return bool(user and user.is_authenticated and (user.is_superuser or Role.STAFF in user.roles))
