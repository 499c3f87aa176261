"""Guards for the apps' own staff pages (those outside the back office)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.views.decorators.cache import never_cache

from .services import is_centre_staff


def staff_only(view):
    """The centre's team only: anonymous visitors go to the login page, others are refused;
    never cached, since what it shows depends on who asks."""
    @wraps(view)
    @never_cache
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_centre_staff(request.user):
            raise PermissionDenied("Réservé à l'équipe du centre.")
        return view(request, *args, **kwargs)
    return wrapped
