"""The password reset message, written and sent in the background (run by ``quartiers worker``):
the request is answered at once whether or not an account exists. The task holds only the
account's id; the message, with its link, waits in the outbox as « compte », whose text the staff
never see (mail.models.PERSONAL_LINK_CATEGORIES), and is purged with the other sent messages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import get_connection, send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task


@task()
def send_password_reset(user_id: int) -> None:
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return  # deleted or deactivated since the request
    link = settings.QUARTIERS.site_url + reverse("accounts:password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user)})
    context = {"user": user, "link": link, "site_url": settings.QUARTIERS.site_url,
               "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)}
    send_mail(subject=render_to_string("accounts/email/password_reset_subject.txt",
                                       context).strip(),
              message=render_to_string("accounts/email/password_reset.txt", context),
              from_email=None, recipient_list=[user.email],
              connection=get_connection(category="compte"))
