"""Forms of the accounts: login, password reset, and the back office's account forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from wagtail.users import forms as wagtail_forms

from .models import Role
from .tasks import send_password_reset


class LoginForm(auth_forms.AuthenticationForm):
    """Log in with the e-mail address, whatever its case; one message for every failure, that
    says neither whether the address has an account nor whether it is active."""

    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect. Vérifiez-les, ou "
                         "demandez un nouveau mot de passe.",
    }  # no « inactive »: the authentication backend refuses those accounts before this form


class PasswordResetRequestForm(auth_forms.PasswordResetForm):
    """Ask for a new password: the message is written and sent by a background task, so that
    the answer takes the same time whether or not the address has an account."""

    email = forms.EmailField(label="Adresse électronique", max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def save(self, **_options) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            send_password_reset.enqueue(user.pk)


class _AccountFormMixin:
    """The back office's account form: the partner organisation of partner members, and the
    « administrator » box reserved to administrators (a staff member could otherwise give
    themselves every right)."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "is_superuser" in self.fields and not (for_user and for_user.is_superuser):
            del self.fields["is_superuser"]

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups") or []
        if (any(group.name == Role.PARTNER_MEMBER for group in groups)
                and not cleaned.get("partner_organisation")):
            self.add_error("partner_organisation", "Un membre d'un partenaire doit être "
                           "rattaché à son organisme partenaire : choisissez-le.")
        return cleaned


class AccountCreationForm(_AccountFormMixin, wagtail_forms.UserCreationForm):
    class Meta(wagtail_forms.UserCreationForm.Meta):
        fields = wagtail_forms.UserCreationForm.Meta.fields | {"partner_organisation"}


class AccountEditForm(_AccountFormMixin, wagtail_forms.UserEditForm):
    class Meta(wagtail_forms.UserEditForm.Meta):
        fields = wagtail_forms.UserEditForm.Meta.fields | {"partner_organisation"}
