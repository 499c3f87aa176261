"""Forms of the framework pages. Every error names its field, in French, so that a message
read alone (a screen reader's list of errors) still says what to correct."""

from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory

from quartiers.engine.analyses import ANALYSES
from quartiers.engine.indicators.catalogue import INDICATORS, THEMES

from .models import (
    EvaluationQuestion,
    Framework,
    FrameworkIndicator,
    LocalValue,
    NarrativeSection,
    Objective,
)

Kind = FrameworkIndicator.Kind
FIRST_YEAR, LAST_YEAR = 2014, 2040


class NamedErrors:
    """Default messages rewritten to name the field (« Valeur cible : saisissez un nombre. »)."""

    def name_errors(self):
        for field in self.fields.values():
            label = str(field.label)
            field.error_messages["required"] = f"{label} : ce champ est obligatoire."
            if isinstance(field, forms.FloatField | forms.IntegerField):
                field.error_messages["invalid"] = f"{label} : saisissez un nombre."
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = (f"{label} : saisissez une date au format "
                                                   "JJ/MM/AAAA.")
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = (
                    f"{label} : « %(value)s » n'est pas un choix possible.")


class NamedModelForm(NamedErrors, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name_errors()


class CreateForm(NamedErrors, forms.Form):
    START = (("modele", "Partir du modèle du centre (trois parties du guide, questions et "
                        "indicateurs proposés, à adapter)"),
             ("vide", "Partir d'un cadre vide"))

    title = forms.CharField(label="Titre du cadre", max_length=200)
    start = forms.ChoiceField(label="Point de départ", choices=START, initial="modele",
                              widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name_errors()


class FrameworkForm(NamedModelForm):
    class Meta:
        model = Framework
        fields = ["title", "status"]


ORDER = "Ordre d'affichage"
ORDER_HELP = "Les plus petits nombres d'abord."


class ObjectiveForm(NamedModelForm):
    class Meta:
        model = Objective
        fields = ["part", "title", "priority", "order"]
        labels = {"priority": "Priorité nationale Quartiers 2030 (facultatif)", "order": ORDER}
        help_texts = {"order": ORDER_HELP}
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = [("", "Aucune"),
                                           *self.fields["priority"].choices[1:]]


class QuestionForm(NamedModelForm):
    class Meta:
        model = EvaluationQuestion
        fields = ["text", "order"]
        labels = {"order": ORDER}
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


# new questions have no « supprimer » box: leaving them blank is enough
QuestionFormSet = inlineformset_factory(Objective, EvaluationQuestion, form=QuestionForm,
                                        extra=2, can_delete=True, can_delete_extra=False)


def _catalogue_choices() -> list:
    groups = [(theme, [(i.code, f"{i.label} ({i.code})") for i in INDICATORS
                       if i.theme == theme]) for theme in THEMES]
    return [("", "—"), *groups]


def _component_choices() -> list:
    return [("", "—"), *((a.title, [(f"{a.code}:{c.code}", c.label) for c in a.components])
                         for a in ANALYSES)]


class IndicatorForm(NamedModelForm):
    component_choice = forms.ChoiceField(label="Composante d'une analyse", required=False,
                                         choices=_component_choices)

    class Meta:
        model = FrameworkIndicator
        fields = ["question", "kind", "indicator_code", "component_choice", "label", "unit",
                  "target_value", "target_year", "direction", "order"]
        labels = {"label": "Libellé (indicateur local)", "unit": "Unité (indicateur local)",
                  "question": "Question évaluative", "order": ORDER}
        help_texts = {"target_value": "Dans l'unité de l'indicateur : 15 pour 15 %.",
                      "target_year": "Obligatoire dès qu'une valeur cible est saisie.",
                      "order": ORDER_HELP}

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = EvaluationQuestion.objects.filter(
            objective__framework=framework).select_related("objective")
        self.fields["question"].label_from_instance = (
            lambda q: f"{q.objective.title} — {q.text}")
        self.fields["indicator_code"] = forms.ChoiceField(
            label="Indicateur du catalogue", required=False, choices=_catalogue_choices)
        self.fields["kind"].widget = forms.RadioSelect(choices=Kind.choices)
        if self.instance.pk and self.instance.kind == Kind.ANALYSIS:
            self.initial["component_choice"] = (f"{self.instance.analysis}:"
                                                f"{self.instance.component}")
        self.name_errors()
        self.fields["indicator_code"].error_messages["invalid_choice"] = (
            "Indicateur du catalogue : le code « %(value)s » n'existe pas dans le catalogue "
            "de l'observatoire (liste sur la page « Indicateurs »).")
        self.fields["component_choice"].error_messages["invalid_choice"] = (
            "Composante d'une analyse : « %(value)s » n'est la composante d'aucune analyse.")
        if self.instance.pk:  # what it is bound to is not changed (add another): shown, with
            # the fields of its own kind only
            for name in ("kind", "indicator_code", "component_choice"):
                self.fields[name].disabled = True
            for kind, names in ((Kind.CATALOGUE, ["indicator_code"]),
                                (Kind.ANALYSIS, ["component_choice"]),
                                (Kind.LOCAL, ["label", "unit"])):
                if self.instance.kind != kind:
                    for name in names:
                        del self.fields[name]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Kind.CATALOGUE and not data.get("indicator_code") \
                and "indicator_code" not in self.errors:
            self.add_error("indicator_code", "Indicateur du catalogue : choisissez un "
                                             "indicateur pour un indicateur du catalogue.")
        if kind == Kind.ANALYSIS:
            if not data.get("component_choice") and "component_choice" not in self.errors:
                self.add_error("component_choice", "Composante d'une analyse : choisissez une "
                                                   "composante pour un indicateur d'analyse.")
            elif data.get("component_choice"):
                self.instance.analysis, self.instance.component = \
                    data["component_choice"].split(":", 1)
        if kind == Kind.LOCAL and not (data.get("label") or "").strip():
            self.add_error("label", "Libellé (indicateur local) : nommez l'indicateur local.")
        target, year = data.get("target_value"), data.get("target_year")
        if target is not None and year is None and "target_year" not in self.errors:
            self.add_error("target_year", "Année cible : indiquez l'année à laquelle la valeur "
                                          "cible doit être atteinte.")
        if year is not None and target is None and "target_value" not in self.errors:
            self.add_error("target_value", "Valeur cible : une année cible est saisie sans "
                                           "valeur cible.")
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            self.add_error("target_year", f"Année cible : {year} n'est pas entre {FIRST_YEAR} "
                                          f"et {LAST_YEAR}.")
        return data


class LocalValueForm(NamedModelForm):
    class Meta:
        model = LocalValue
        fields = ["value", "date", "source"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"source": "D'où vient la valeur : service, fichier, enquête… "
                                "Obligatoire : elle figure dans le rapport."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].error_messages["required"] = (
            "Source : indiquez d'où vient la valeur (elle figure dans le rapport).")

    def clean_source(self):
        source = self.cleaned_data["source"].strip()
        if not source:
            raise forms.ValidationError(self.fields["source"].error_messages["required"])
        return source


class NarrativeForm(NamedModelForm):
    class Meta:
        model = NarrativeSection
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 14})}
        help_texts = {"text": "Texte brut ; une ligne vide sépare deux paragraphes."}
