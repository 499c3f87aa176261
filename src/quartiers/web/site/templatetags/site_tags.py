"""What the site's content system gives other pages: the centre's introduction (on the
observatory's home page) and the centre's identity (on the legal pages)."""

from django import template

from ..models import TO_FILL, CentreIdentity, HomePage

register = template.Library()


@register.inclusion_tag("site/_centre_intro.html")
def centre_intro() -> dict:
    """The published introduction of the site's home page; nothing before it is written."""
    return {"home": HomePage.objects.live().first()}


@register.inclusion_tag("site/_centre_identity.html", takes_context=True)
def centre_identity(context) -> dict:
    """Who publishes the site, each detail not yet filled in said to be so."""
    identity = CentreIdentity.load(request_or_site=context.get("request"))
    return {"to_fill": TO_FILL, "details": [
        (CentreIdentity._meta.get_field(name).verbose_name, getattr(identity, name))
        for name in ("name", "address", "email", "phone", "publisher", "host")]}
