from django import template

from ..services import contract_url as url_of

register = template.Library()


@register.filter
def contract_url(contract: dict) -> str:
    """The page of a contract given as the warehouse's row (code and generation)."""
    return url_of(contract["code"], contract["generation"])
