"""Log in, log out, reset or change one's password (Django's views, our forms and French
templates), and « Mon espace »: who I am, my roles, my territories and the contrats de ville
they signed (where a *chef·fe de projet* builds the framework and the report)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse_lazy

from quartiers.engine.warehouse.store import WarehouseMissing

from ..core.warehouse import get_store
from .forms import LoginForm, PasswordResetRequestForm


class LoginView(auth_views.LoginView):
    """Also reached by people already logged in whom a page refused (the back office for a
    *chef·fe de projet*): the page says so, with the account's name."""

    template_name = "accounts/login.html"
    form_class = LoginForm


class PasswordResetView(auth_views.PasswordResetView):
    """Always answers « message sent if an account exists »: never tells whether it does."""

    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


def _contracts(territories) -> list[dict]:
    """The contracts of the account's territories, in force first; none while the warehouse is
    not built."""
    try:
        store = get_store()
        return [c for t in territories for c in store.territory_contrats(t.level, t.code)]
    except WarehouseMissing:
        return []


@login_required
def space(request):
    territories = list(request.user.territory_assignments.all())
    return render(request, "accounts/space.html", {
        "territories": territories, "contracts": _contracts(territories),
        "back_office": request.user.has_perm("wagtailadmin.access_admin"),
    })

