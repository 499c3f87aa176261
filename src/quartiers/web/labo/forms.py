"""The application form (no account) and the staff's scoring and decision forms.

A draft needs only who writes it and their consent; what else is given is checked as on
submission (territory against the referential, files by their content). Submitting needs every
field but the attachments. Each error names its field, in French.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from ..core.forms import DescribedForm
from ..core.territories import checked_territory
from ..library.contents import extension, refusal
from .models import Application, Attachment, Call
from .models.applications import MAX_SCORE
from .services import CONSENT_TEXT, Draft

ATTACHMENT_TYPES = ("pdf", "docx", "odt")
ATTACHMENT_MAX_MB = 10
"""Per file (or the site's cap, if lower), kept in the database: a dossier, not an archive."""
MAX_ATTACHMENTS = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ApplicationForm(DescribedForm):
    SAVE, SUBMIT = "enregistrer", "deposer"

    level = forms.ChoiceField(label="Niveau du territoire", required=False,
                              choices=[("", "— choisir —"), ("epci", "EPCI (intercommunalité)"),
                                       ("commune", "Commune")])
    code = forms.CharField(
        label="Code du territoire", max_length=20, required=False,
        help_text="SIREN de l'EPCI (neuf chiffres, 244400404 pour Nantes Métropole) ou code "
                  "INSEE de la commune (44109 pour Nantes).")
    structure = forms.CharField(label="Structure porteuse", max_length=200, required=False,
                                help_text="La collectivité ou l'organisme qui porte la "
                                          "candidature.",
                                widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    contact_name = forms.CharField(label="Nom et prénom du contact", max_length=200,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label="Adresse électronique du contact", max_length=254,
        help_text="Format attendu : nom@exemple.fr. Le lien pour reprendre la candidature y est "
                  "envoyé.",
        error_messages={"invalid": "Adresse électronique mal formée : écrivez-la sous la "
                                   "forme nom@exemple.fr."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    contact_role = forms.CharField(label="Fonction du contact", max_length=200, required=False,
                                   widget=forms.TextInput(
                                       attrs={"autocomplete": "organization-title"}))
    motivation = forms.CharField(label="Motivation", max_length=8000, required=False,
                                 help_text="Pourquoi votre territoire candidate, ce que vous "
                                           "attendez de l'accompagnement.",
                                 widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(
        label="Pièces jointes (facultatif)", required=False,
        help_text=f"PDF, Word (.docx) ou OpenDocument (.odt), {ATTACHMENT_MAX_MB} Mo au plus "
                  f"chacune, {MAX_ATTACHMENTS} au plus.",
        widget=MultipleFileInput(attrs={"accept": ".pdf,.docx,.odt"}))
    remove = forms.ModelMultipleChoiceField(
        label="Retirer des pièces jointes", required=False, queryset=Attachment.objects.none(),
        widget=forms.CheckboxSelectMultiple)
    consent = forms.BooleanField(label=CONSENT_TEXT, error_messages={
        "required": "Accord sur les données personnelles : cochez la case pour que nous "
                    "puissions garder votre candidature."})

    def __init__(self, *args, call: Call, application: Application | None = None,
                 submitting: bool = False, **kwargs):
        self.call = call
        self.application = application
        self.submitting = submitting
        self.criteria = list(call.criteria.all())
        initial = kwargs.pop("initial", {}) or {}
        if application is not None:
            initial = {**_initial(application), **initial}
        super().__init__(*args, initial=initial, **kwargs)
        for criterion in self.criteria:
            self.fields[f"answer_{criterion.pk}"] = forms.CharField(
                label=f"{criterion.title}", help_text=criterion.question, required=False,
                max_length=8000, widget=forms.Textarea(attrs={
                    "rows": 5, "aria-describedby": f"id_answer_{criterion.pk}-aide"}))
        # the answers right after the contact, before the motivation
        order = ["level", "code", "structure", "contact_name", "email", "contact_role",
                 *[f"answer_{c.pk}" for c in self.criteria], "motivation", "attachments",
                 "remove", "consent"]
        self.order_fields(order)
        if application is not None and application.pk and application.attachments.exists():
            self.fields["remove"].queryset = application.attachments.only("pk", "name", "size")
        else:
            del self.fields["remove"]

    def answer_fields(self):
        return [self[f"answer_{criterion.pk}"] for criterion in self.criteria]

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        problems = []
        for upload in files:
            if extension(upload.name) not in ATTACHMENT_TYPES:
                problems.append(f"« {upload.name} » : seuls les fichiers PDF, Word (.docx) et "
                                "OpenDocument (.odt) sont acceptés.")
                continue
            message = refusal(upload.name, upload.size, upload,
                              min(settings.QUARTIERS.max_upload_mb, ATTACHMENT_MAX_MB))
            if message:
                problems.append(message)
        if problems:
            raise ValidationError(problems)
        return files

    def clean(self):
        data = super().clean()
        level, code = data.get("level"), data.get("code")
        if level and code:
            try:
                data["territory_name"] = checked_territory(level, code)["name"]
            except ValidationError as error:
                self.add_error("code", f"Code du territoire : {error.message_dict['code'][0]}")
        elif code and not level:
            self.add_error("level", "Niveau du territoire : choisissez EPCI ou commune.")
        elif level and not code:
            self.add_error("code", "Code du territoire : indiquez le SIREN de l'EPCI ou le "
                                   "code INSEE de la commune.")
        kept = (self.application.attachments.exclude(pk__in=[a.pk for a in data.get("remove", [])])
                .count() if self.application is not None and self.application.pk else 0)
        if kept + len(data.get("attachments") or []) > MAX_ATTACHMENTS:
            self.add_error("attachments", f"Pièces jointes : {MAX_ATTACHMENTS} au plus par "
                                          "candidature ; retirez-en avant d'en ajouter.")
        if self.submitting:
            self._require_all(data)
        return data

    def _require_all(self, data) -> None:
        required = ["level", "code", "structure", "contact_role",
                    *[f"answer_{c.pk}" for c in self.criteria], "motivation"]
        for name in required:
            if name not in self.errors and not str(data.get(name) or "").strip():
                self.add_error(name, f"{self.fields[name].label} : ce champ est obligatoire "
                                     "pour déposer la candidature (un brouillon peut rester "
                                     "incomplet).")

    def draft(self) -> Draft:
        data = self.cleaned_data
        return Draft(
            contact_name=data["contact_name"], email=data["email"],
            contact_role=data["contact_role"], level=data["level"] if data["code"] else "",
            code=data["code"] if data["level"] else "",
            territory_name=data.get("territory_name", ""), structure=data["structure"],
            motivation=data["motivation"],
            answers={c.pk: data[f"answer_{c.pk}"] for c in self.criteria},
            files=[(upload.name, upload.read()) for upload in data["attachments"]],
            removed=[attachment.pk for attachment in data.get("remove", [])])


def _initial(application: Application) -> dict:
    answers = {f"answer_{a.criterion_id}": a.text for a in application.answers.all()}
    return {"level": application.level, "code": application.code,
            "structure": application.structure, "contact_name": application.contact_name,
            "email": application.email, "contact_role": application.contact_role,
            "motivation": application.motivation, **answers}


class ScoreForm(DescribedForm):
    """One reviewer's grid: a score 0–4 and a comment per criterion, all required."""

    def __init__(self, *args, criteria, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        previous = {s.criterion_id: s for s in review.scores.all()} if review else {}
        choices = [("", "—"), *[(str(n), str(n)) for n in range(MAX_SCORE + 1)]]
        for criterion in self.criteria:
            score = previous.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"Note : {criterion.title} (poids {criterion.weight})", choices=choices,
                coerce=int, initial=score.score if score else "",
                error_messages={"required": f"Note : {criterion.title} (poids "
                                            f"{criterion.weight}) : choisissez une note de 0 "
                                            "à 4."})
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Commentaire : {criterion.title}", required=False, max_length=4000,
                initial=score.comment if score else "",
                widget=forms.Textarea(attrs={"rows": 2}))

    def rows(self):
        return [(criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"])
                for criterion in self.criteria]

    def scores(self) -> dict[int, tuple[int, str]]:
        return {c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
                for c in self.criteria}


class DecisionForm(DescribedForm):
    decision = forms.ChoiceField(
        label="Décision", widget=forms.RadioSelect,
        choices=[("retenue", "Retenue"), ("non-retenue", "Non retenue")],
        error_messages={"required": "Décision : choisissez « Retenue » ou « Non retenue »."})
    reason = forms.CharField(label="Motif (envoyé au territoire)", required=False,
                             max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Obligatoire pour une candidature non retenue.")
