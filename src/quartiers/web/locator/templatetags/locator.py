"""Counts on the locator pages, in French (« 300 000 »), as the PDF and the CLI print them."""

from django import template

from quartiers.engine.reports import format_number

register = template.Library()


@register.filter
def count(value) -> str:
    """« n.d. » for a count a job stored before it was kept (an older summary)."""
    return format_number(value if isinstance(value, int | float) else None, 0)
