from wagtail import hooks

from .viewsets import AccountsViewSetGroup


@hooks.register("register_admin_viewset")
def register_accounts_viewsets():
    return AccountsViewSetGroup()
