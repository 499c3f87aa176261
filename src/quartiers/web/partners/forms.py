"""The partner space's forms: a deposit (one file), the staff's computation and review."""

from __future__ import annotations

from django import forms

from .uploads import size_label

EXTENSIONS = (".csv", ".xlsx", ".parquet")


class DepositForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier à déposer",
        help_text="CSV (UTF-8, séparateur virgule ou point-virgule), XLSX (première feuille) ou "
                  "Parquet, avec une ligne d'en-tête portant les noms des champs de la convention.")

    def __init__(self, *args, too_large: list[str] = (), cap: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large, self.cap = list(too_large), cap
        self.fields["fichier"].widget.attrs["accept"] = ",".join(EXTENSIONS)

    def clean(self):
        if self.too_large:  # the handler dropped it: the field is empty, say why
            self.errors.pop("fichier", None)
            raise forms.ValidationError(
                f"Le fichier « {self.too_large[0]} » dépasse la taille maximale de "
                f"{size_label(self.cap)} : il n'a pas été lu et rien n'a été conservé.")
        return super().clean()

    def clean_fichier(self):
        upload = self.cleaned_data["fichier"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(
                f"Le fichier « {upload.name} » n'est ni un CSV, ni un XLSX, ni un Parquet "
                "(extension .csv, .xlsx ou .parquet attendue) : rien n'a été conservé.")
        return upload


class ComputeForm(forms.Form):
    recipe = forms.ChoiceField(label="Résultat à calculer")

    def __init__(self, *args, recipes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipe"].choices = recipes


class ReviewForm(forms.Form):
    PUBLISH, REFUSE = "publier", "refuser"

    decision = forms.ChoiceField(choices=[(PUBLISH, "Publier"), (REFUSE, "Refuser")],
                                 widget=forms.HiddenInput)
    comment = forms.CharField(
        label="Commentaire d'examen", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour refuser ; conservé dans le journal.")

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REFUSE and not data.get("comment", "").strip():
            self.add_error("comment", "Dites pourquoi ce résultat est refusé.")
        return data
