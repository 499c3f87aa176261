"""The forms of a contract's editors: a document's upload, the QPV confirmed."""

from __future__ import annotations

from django import forms

from .models import PUBLIC_KINDS, ContractDocument

VISIBILITY = [
    ("", "Selon le type : public pour un contrat ou une annexe, réservé sinon"),
    ("public", "Public : lu et cherché sans compte"),
    ("reserve", "Réservé à l'équipe du centre et aux chef·fe·s de projet du contrat"),
]


class DocumentForm(forms.ModelForm):
    """The file is checked by the model (type, content, size, pages): a refusal names it."""

    visibility = forms.ChoiceField(label="Visibilité", choices=VISIBILITY, required=False,
                                   widget=forms.RadioSelect)

    class Meta:
        model = ContractDocument
        fields = ["kind", "title", "date", "file"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "file": forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt"})}
        help_texts = {"file": "PDF, DOCX ou ODT. Le texte est extrait en arrière-plan, puis "
                              "cherché et lu au regard des priorités nationales."}
        error_messages = {"file": {"required": "Choisissez le fichier à déposer."},
                          "title": {"required": "Donnez un titre au document."}}

    def save(self, commit=True):
        document = super().save(commit=False)
        choice = self.cleaned_data.get("visibility")
        document.public = (choice == "public") if choice else document.kind in PUBLIC_KINDS
        document.file_size = document.file.size
        if commit:
            document.save()
        return document


class PerimeterForm(forms.Form):
    qpv = forms.MultipleChoiceField(
        label="QPV du contrat", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Décochez les quartiers que le contrat ne couvre pas, puis confirmez.")

    def __init__(self, *args, derived: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qpv"].choices = [(q["code"], f"{q['name']} ({q['code']}, {q['communes']})")
                                      for q in derived]
