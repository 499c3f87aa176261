"""Template filters: French number formatting and level labels, shared with the PDF."""

from django import template

from quartiers.engine.levels import level_label
from quartiers.engine.reports import format_number

register = template.Library()


@register.filter
def fmt(value, indicator):
    """A Value (or raw number) formatted with the indicator's unit and decimals."""
    number = getattr(value, "value", value)
    return format_number(number, indicator.decimals, indicator.unit)


@register.filter
def number(value, indicator):
    """The number alone (the unit is shown apart, in small type)."""
    return format_number(getattr(value, "value", value), indicator.decimals, "")


@register.filter
def level_name(level):
    return level_label(level)


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
