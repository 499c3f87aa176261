"""The filters of a programme's page (a GET form: a filtered page has its own address)."""

from __future__ import annotations

from django import forms
from django.db.models import Count, QuerySet
from django.forms.models import ModelChoiceIterator

from .models import Action, Format, Programme, Public, Theme
from .taxonomy import normalise


class FrenchOrderIterator(ModelChoiceIterator):
    """Options in French alphabetical order (« Éducation » among the E), whatever the
    database's collation."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in sorted(self.queryset, key=lambda obj: normalise(obj.name)):
            yield self.choice(obj)


class CountedChoiceField(forms.ModelChoiceField):
    """« Santé (15) »: a choice with the number of the programme's actions it keeps."""

    iterator = FrenchOrderIterator

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.count})"


class ActionFilterForm(forms.Form):
    public = CountedChoiceField(Public.objects.none(), to_field_name="slug", required=False,
                                label="Public", empty_label="Tous les publics")
    theme = CountedChoiceField(Theme.objects.none(), to_field_name="slug", required=False,
                               label="Thème", empty_label="Tous les thèmes")
    format = forms.ChoiceField(label="Format", required=False)

    def __init__(self, data, programme: Programme):
        super().__init__(data)
        self.actions = Action.objects.filter(axis__pole__programme=programme)
        in_programme = {"actions__axis__pole__programme": programme}
        self.fields["public"].queryset = Public.objects.filter(**in_programme).annotate(
            count=Count("actions"))
        self.fields["theme"].queryset = Theme.objects.filter(**in_programme).annotate(
            count=Count("actions"))
        used = dict(self.actions.values_list("format").annotate(count=Count("id")))
        self.fields["format"].choices = [("", "Tous les formats")] + [
            (value, f"{label} ({used[value]})") for value, label in Format.choices if value in used]

    def filtered(self) -> QuerySet[Action]:
        """The programme's actions the valid filters keep (all of them otherwise)."""
        actions = self.actions
        if self.is_valid():
            for name in ("public", "theme"):
                if self.cleaned_data[name]:
                    actions = actions.filter(**{f"{name}s": self.cleaned_data[name]})
            if self.cleaned_data["format"]:
                actions = actions.filter(format=self.cleaned_data["format"])
        return actions

    @property
    def active(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())
