"""The back office's forms for contacts."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from wagtail.admin.forms import WagtailAdminModelForm

from .importer import Existing
from .services import same_name_in_organisation


class PersonForm(WagtailAdminModelForm):
    """A person's form: an address already known is refused (Person.clean); a person of the
    same name in the same organisation stops the form once, with a link to them, until staff
    tick that it is someone else."""

    not_a_duplicate = forms.BooleanField(
        label="Ce n'est pas la même personne", required=False,
        help_text="À cocher si une personne du même nom existe dans la même organisation et "
                  "qu'il s'agit bien de quelqu'un d'autre.")

    def clean(self):
        data = super().clean()
        organisation = data.get("organisation")
        twin = same_name_in_organisation(data.get("first_name", ""), data.get("last_name", ""),
                                         organisation.pk if organisation else None,
                                         exclude_pk=self.instance.pk)
        if twin and not data.get("not_a_duplicate"):
            url = reverse("wagtailsnippets_contacts_person:inspect", args=[twin.pk])
            self.add_error("last_name", ValidationError(format_html(
                "Une personne du même nom existe déjà dans cette organisation : "
                "<a href=\"{}\">{}</a>. S'il s'agit de quelqu'un d'autre, cochez « Ce n'est pas "
                "la même personne ».", url, twin)))
        return data


class ImportForm(forms.Form):
    fichier = forms.FileField(label="Fichier CSV ou XLSX",
                              help_text="Colonnes : prénom, nom, courriel, fonction, "
                                        "organisation, type d'organisation, territoire(s) "
                                        "(niveau:code, ex. epci:243500139), réseau(x) ; "
                                        "plusieurs dans une cellule : séparés par « , ».")
    personnes_connues = forms.ChoiceField(
        label="Personnes déjà connues (même adresse)", widget=forms.RadioSelect,
        choices=[(Existing.SKIP, "Les laisser telles quelles (ligne ignorée)"),
                 (Existing.UPDATE, "Les mettre à jour avec le fichier")],
        initial=Existing.SKIP)
