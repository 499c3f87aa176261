from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import admin_views
from .models import Person
from .viewsets import ContactsGroup

register_snippet(ContactsGroup)


@hooks.register("register_admin_urls")
def register_contacts_urls():
    return [
        path("contacts/importer/", admin_views.ImportView.as_view(), name="contacts_import"),
        path("contacts/effacements/", admin_views.ErasureListView.as_view(),
             name="contacts_erasures"),
        path("contacts/personne/<int:pk>/exporter/", admin_views.ExportView.as_view(),
             name="contacts_export"),
        path("contacts/personne/<int:pk>/effacer/", admin_views.EraseView.as_view(),
             name="contacts_erase"),
    ]


@hooks.register("before_delete_snippet")
def people_are_erased_not_deleted(request, instances):
    """Deleting a person would leave what other apps hold, and their name in the history:
    send staff to the erasure instead."""
    people = [instance for instance in instances if isinstance(instance, Person)]
    if not people:
        return None
    if len(people) == 1:
        return redirect("contacts_erase", pk=people[0].pk)
    messages.error(request, "Une personne s'efface une à une, depuis sa fiche (« Effacer ses "
                            "données ») : l'effacement touche toutes les applications.")
    return redirect("wagtailsnippets_contacts_person:list")
