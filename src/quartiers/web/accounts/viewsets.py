"""The back office's screens for accounts: Wagtail's accounts screens with our forms (partner
organisation, administrator box reserved to administrators) and the account's territories;
the territories of the accounts and the partner organisations."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.users.views import users as wagtail_users

from .forms import AccountCreationForm, AccountEditForm
from .models import PartnerOrganisation, TerritoryAssignment


class _ForUserMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class AccountCreateView(_ForUserMixin, wagtail_users.CreateView):
    pass


class AccountEditView(_ForUserMixin, wagtail_users.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.object.is_superuser and not request.user.is_superuser:
            raise PermissionDenied  # else a staff member could take an administrator's account

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "territory_assignments": self.object.territory_assignments.all()}


class AccountViewSet(wagtail_users.UserViewSet):
    """Named in ``WagtailUsersConfig.user_viewset`` (apps.py)."""

    add_view_class = AccountCreateView
    edit_view_class = AccountEditView
    create_template_name = "accounts/admin/account_create.html"
    edit_template_name = "accounts/admin/account_edit.html"

    def get_form_class(self, for_update=False):
        return AccountEditForm if for_update else AccountCreationForm


class TerritoryAssignmentCreateView(ModelViewSet.add_view_class):
    """« Rattacher un territoire » from an account's page arrives with ``?compte=<id>``."""

    def get_initial(self):
        return {**super().get_initial(), "user": self.request.GET.get("compte")}


class TerritoryAssignmentViewSet(ModelViewSet):
    model = TerritoryAssignment
    icon = "site"
    menu_label = "Territoires des comptes"
    form_fields = ["user", "level", "code"]
    list_display = ["user", "level", "code"]
    list_filter = ["level"]
    search_fields = ["code", "user__email", "user__last_name"]
    search_backend_name = None
    add_view_class = TerritoryAssignmentCreateView


class PartnerOrganisationViewSet(ModelViewSet):
    model = PartnerOrganisation
    icon = "group"
    menu_label = "Organismes partenaires"
    form_fields = ["name", "kind"]
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    search_backend_name = None


class AccountsViewSetGroup(ViewSetGroup):
    menu_label = "Comptes"
    menu_icon = "user"
    menu_order = 550
    items = (TerritoryAssignmentViewSet("territory_assignments",
                                        url_prefix="territoires-des-comptes"),
             PartnerOrganisationViewSet("partner_organisations",
                                        url_prefix="organismes-partenaires"))
