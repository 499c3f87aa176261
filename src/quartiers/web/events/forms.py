"""The public registration form (no account): who, optionally for whom they work, and needs
asked only when the event asks them, each with what it is for."""

from __future__ import annotations

from django import forms

from ..core.forms import DescribedForm
from .registration import NEEDS_TEXT, Applicant


class RegistrationForm(DescribedForm):
    first_name = forms.CharField(label="Prénom", max_length=150,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label="Nom", max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(
        label="Adresse électronique", max_length=254,
        help_text="Format attendu : nom@exemple.fr. La confirmation y est envoyée.",
        error_messages={"invalid": "Adresse électronique mal formée : écrivez-la sous la "
                                   "forme nom@exemple.fr."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    organisation = forms.CharField(label="Organisme (facultatif)", max_length=200,
                                   required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    function = forms.CharField(label="Fonction (facultatif)", max_length=200, required=False,
                               widget=forms.TextInput(attrs={"autocomplete": "organization-title"}))
    accessibility_needs = forms.CharField(
        label="Besoins d'accessibilité (facultatif)", max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Pour organiser votre accueil (accès, interprétariat, sous-titrage…). "
                  "Effacés après l'événement.")
    diet = forms.CharField(
        label="Régime alimentaire (facultatif)", max_length=300, required=False,
        help_text="Pour le repas (végétarien, allergies…). Effacé après l'événement.")
    needs_consent = forms.BooleanField(label=NEEDS_TEXT, required=False)

    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)
        if event is not None and not event.asks_accessibility:
            del self.fields["accessibility_needs"]
        if event is not None and not event.asks_diet:
            del self.fields["diet"]
        if "accessibility_needs" not in self.fields and "diet" not in self.fields:
            del self.fields["needs_consent"]

    def clean(self):
        data = super().clean()
        if (data.get("accessibility_needs") or data.get("diet")) and not data.get("needs_consent"):
            self.add_error("needs_consent", "Pour que nous gardions vos besoins, cochez cette "
                                            "case ; sinon, laissez ces champs vides.")
        return data

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(email=data["email"], first_name=data["first_name"],
                         last_name=data["last_name"], organisation=data["organisation"],
                         function=data["function"],
                         accessibility_needs=data.get("accessibility_needs", "").strip(),
                         diet=data.get("diet", "").strip(),
                         needs_consent=data.get("needs_consent", False))

    @property
    def asks_needs(self) -> bool:
        return "needs_consent" in self.fields
