"""The public forms: subscribing (an address, lists, the consent text and its version) and
choosing one's letters."""

from __future__ import annotations

from django import forms

from .models import NewsletterList
from .services import CONSENT_TEXTS, CONSENT_VERSION


class ListsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, error_messages=None, **kwargs):
        super().__init__(queryset=NewsletterList.objects.filter(active=True), to_field_name="slug",
                         error_messages={
                             "invalid_choice": "« %(value)s » n'est pas une lettre proposée : "
                                               "choisissez parmi la liste.",
                             "invalid_pk_value": "« %(pk)s » n'est pas une lettre proposée.",
                             **(error_messages or {})},
                         **kwargs)

    def label_from_instance(self, newsletter):
        return f"{newsletter.name} ({newsletter.rhythm})" if newsletter.rhythm else newsletter.name


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Votre adresse électronique", max_length=254,
        help_text="Format attendu : nom@domaine.fr",
        error_messages={"required": "Indiquez votre adresse électronique.",
                        "invalid": "Cette adresse électronique n'est pas valide : vérifiez-la "
                                   "(format attendu : nom@domaine.fr)."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    lists = ListsField(label="Les lettres que vous souhaitez recevoir", error_messages={
        "required": "Cochez au moins une lettre."})
    consent = forms.BooleanField(label=CONSENT_TEXTS[CONSENT_VERSION], error_messages={
        "required": "Cochez la case d'accord pour vous abonner."})
    text_version = forms.CharField(widget=forms.HiddenInput, initial=CONSENT_VERSION)

    def clean_text_version(self) -> str:
        version = self.cleaned_data["text_version"]
        if version != CONSENT_VERSION:  # a form kept open across a change of wording
            raise forms.ValidationError("Le texte d'accord a changé : relisez-le et validez à "
                                        "nouveau.")
        return version


class PreferencesForm(forms.Form):
    lists = ListsField(label="Les lettres que vous recevez", required=False)
    consent = forms.BooleanField(label=CONSENT_TEXTS[CONSENT_VERSION], required=False)

    def __init__(self, *args, subscribed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.subscribed = {n.pk for n in subscribed}

    def clean(self):
        cleaned = super().clean()
        added = [n for n in cleaned.get("lists") or [] if n.pk not in self.subscribed]
        if added and not cleaned.get("consent"):
            self.add_error("consent", "Vous ajoutez une lettre : cochez la case d'accord.")
        return cleaned
