"""The outbox in the staff back office (/gestion/courriels/): every message with its state,
filtered by state and category; a message's headers, text and attachments; resending a failed
or unknown one, and sending those held while no server was configured."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from . import services
from .models import OutgoingMessage

Status = OutgoingMessage.Status


class OutboxPermissionPolicy(ModelPermissionPolicy):
    """Staff read the outbox (« view ») and send or resend messages (« send »: Django's change
    permission); nobody adds, edits or deletes a message by hand, so those screens are refused."""

    def user_has_permission(self, user, action):
        if action in ("view", "send"):
            return super().user_has_permission(user, "view" if action == "view" else "change")
        return False

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class OutgoingMessageFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label="État", choices=Status.choices)
    category = django_filters.CharFilter(label="Catégorie", lookup_expr="istartswith",
                                         help_text="Son début suffit : « lettre » les donne "
                                                   "toutes.")

    class Meta:
        model = OutgoingMessage
        fields = ["status", "category"]


class OutboxIndexView(generic.IndexView):
    @cached_property
    def header_buttons(self):
        held = OutgoingMessage.objects.filter(status=Status.HELD).count()
        if not held or not self.permission_policy.user_has_permission(self.request.user, "send"):
            return super().header_buttons
        return [*super().header_buttons,
                HeaderButton(f"Envoyer les courriels retenus ({held})",
                             url=reverse("mail_outbox:send_held"), icon_name="mail")]


class OutboxInspectView(generic.InspectView):
    template_name = "mail/admin/inspect.html"

    def get_status_display_value(self):
        return self.object.state_label

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "—" if value is None or value == "" else value

    def get_context_data(self, **kwargs):
        parsed = self.object.parsed()
        resendable = OutgoingMessage.objects.filter(services.resendable(),
                                                    pk=self.object.pk).exists()
        can_send = self.permission_policy.user_has_permission(self.request.user, "send")
        return {**super().get_context_data(**kwargs),
                "headers": list(parsed.items()), "text": self.object.readable_text(),
                "attachments": self.object.attachment_names(),
                "can_resend": can_send and resendable,
                "can_send_held": can_send and self.object.status == Status.HELD}


class _SendMixin(PermissionCheckedMixin):
    permission_required = "send"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.permission_policy = OutboxPermissionPolicy(OutgoingMessage)


class SendHeldView(_SendMixin, generic.base.WagtailAdminTemplateMixin, TemplateView):
    """GET asks for confirmation, POST sends (all held messages, or the one of ``?id=``)."""

    template_name = "mail/admin/send_held.html"
    page_title = "Envoyer les courriels retenus"
    header_icon = "mail"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "configured": services.configured(),
                "held": OutgoingMessage.objects.filter(status=Status.HELD).count()}

    def post(self, request):
        one = request.POST.get("id", "")
        try:
            count = services.release_held([int(one)] if one.isdigit() else None)
        except services.NoServer as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(request.path)
        messages.success(request, f"{count} courriel(s) retenu(s) mis en file d'envoi.")
        return HttpResponseRedirect(reverse("mail_outbox:index"))


class ResendView(_SendMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, pk):
        count = services.resend([pk])
        if count:
            messages.success(request, "Courriel remis en file d'envoi.")
        else:
            messages.error(request, "Ce courriel n'est ni en échec ni dans un état inconnu : "
                                    "rien n'a été renvoyé.")
        return HttpResponseRedirect(reverse("mail_outbox:inspect", args=[pk]))


class OutboxViewSet(ModelViewSet):
    model = OutgoingMessage
    icon = "mail"
    menu_label = "Courriels"
    menu_order = 560
    add_to_admin_menu = True
    url_prefix = "courriels"
    permission_policy = OutboxPermissionPolicy(OutgoingMessage)
    index_view_class = OutboxIndexView
    inspect_view_enabled = True
    inspect_view_class = OutboxInspectView
    inspect_view_fields = ["subject", "category", "from_address", "to", "status", "attempts",
                           "claimed_at", "next_attempt_at", "last_error", "created_at", "sent_at"]
    copy_view_enabled = False
    filterset_class = OutgoingMessageFilterSet
    list_display = ["subject", "to", "category", Column("state_label", label="État"),
                    "attempts", DateColumn("created_at", label="Créé le"),
                    DateColumn("sent_at", label="Envoyé le")]
    search_fields = ["subject", "to"]
    search_backend_name = None
    exclude_form_fields = ["mime"]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(),
                path("envoyer-retenus/", SendHeldView.as_view(), name="send_held"),
                path("renvoyer/<int:pk>/", ResendView.as_view(), name="resend")]
