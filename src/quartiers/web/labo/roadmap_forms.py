"""The staff's roadmap editor: the steps, the indicators followed and the local indicators'
values, three formsets saved together or not at all."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.forms import inlineformset_factory, modelformset_factory

from .models import Application, Indicator, LocalValue, Step

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlainNumber(forms.NumberInput):
    """A stored 2.000 shown as 2: a French reader takes « 2.000 » for two thousand."""

    def format_value(self, value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return super().format_value(value)


StepFormSet = inlineformset_factory(
    Application, Step, extra=1, can_delete=True,
    fields=["position", "title", "description", "starts_on", "ends_on", "status", "progress"],
    widgets={"description": forms.Textarea(attrs={"rows": 2}), "starts_on": DATE,
             "ends_on": DATE})
IndicatorFormSet = inlineformset_factory(
    Application, Indicator, extra=1, can_delete=True,
    fields=["position", "kind", "reference", "label", "unit", "target"])
LocalValueFormSet = modelformset_factory(
    LocalValue, extra=1, can_delete=True, fields=["indicator", "measured_on", "value", "source"],
    widgets={"measured_on": DATE, "value": PlainNumber(attrs={"step": "any"})})


class RoadmapForms:
    """The three formsets of one application's roadmap."""

    def __init__(self, application: Application, data=None):
        self.application = application
        self.steps = StepFormSet(data, instance=application, prefix="etapes")
        self.indicators = IndicatorFormSet(data, instance=application, prefix="indicateurs")
        local = application.indicators.filter(kind=Indicator.Kind.LOCAL)
        self.values = LocalValueFormSet(
            data, prefix="valeurs",
            queryset=LocalValue.objects.filter(indicator__application=application))
        for form in self.values.forms:
            form.fields["indicator"].queryset = local
        self.has_local = local.exists()

    @property
    def formsets(self):
        return (self.steps, self.indicators, self.values)

    def is_valid(self) -> bool:
        return all([formset.is_valid() for formset in self.formsets])

    def errors(self) -> list[str]:
        """Every error, naming its table, row and field."""
        found = []
        for title, formset in (("Étapes", self.steps), ("Indicateurs", self.indicators),
                               ("Valeurs des indicateurs locaux", self.values)):
            found += [f"{title} : {error}" for error in formset.non_form_errors()]
            for number, form in enumerate(formset.forms, start=1):
                for name, errors in form.errors.items():
                    label = form.fields[name].label if name in form.fields else "ligne"
                    found += [f"{title}, ligne {number}, {label} : {error}" for error in errors]
        return found

    def save(self) -> None:
        self.steps.save()
        self.indicators.save()
        self.values.save()
