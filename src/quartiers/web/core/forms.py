"""What every public form of the site does for assistive technologies."""

from __future__ import annotations

from django import forms


class DescribedForm(forms.Form):
    """Help read with each field (RGAA 11.10: the template gives it the id ``id_<name>-aide``),
    invalid fields flagged for assistive technologies, and the errors listed for the summary at
    the top of the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}-aide"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, label, message), each message naming its field; the id is the field's
        own, prefix included (a form among others on the page)."""
        summary = []
        for name, errors in self.errors.items():
            label = str(self.fields[name].label) if name in self.fields else ""
            message = str(errors[0])
            if label and not message.startswith(label) and not message.startswith("«"):
                message = f"{label} : {message}"
            summary.append((self[name].auto_id if label else "", label, message))
        return summary
