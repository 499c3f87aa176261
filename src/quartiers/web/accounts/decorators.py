"""Views reserved to roles: anonymous people are sent to the login page, people without the role
get « 403 accès refusé » (never the page). Superusers hold every role."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Role


def _refused(request, roles: tuple[Role, ...]):
    """The answer to a request that may not see the view, or None when it may."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_role(*roles):
        raise PermissionDenied("Cette page est réservée : " + ", ".join(roles) + ".")
    return None


def role_required(*roles: Role):
    """Decorate a function view: ``@role_required(Role.STAFF, Role.PROJECT_LEAD)``."""
    if not roles:
        raise ValueError("role_required needs at least one role")

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            return _refused(request, roles) or view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin:
    """For class-based views: ``required_roles = (Role.STAFF,)``."""

    required_roles: tuple[Role, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not self.required_roles:
            raise ValueError(f"{type(self).__name__} must name its required_roles")
        return _refused(request, self.required_roles) or super().dispatch(request, *args,
                                                                            **kwargs)
