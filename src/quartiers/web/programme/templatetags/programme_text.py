"""The programme's texts are plain text (imported or typed by staff): shown as paragraphs and
lists, every character escaped."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from ..structure import blocks

register = template.Library()


@register.filter
def paragraphs(text: str) -> SafeString:
    """One paragraph per line, and the lines starting with « - » as a list."""
    return mark_safe("".join(
        format_html("<p>{}</p>", block) if isinstance(block, str) else
        format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i,) for i in block)))
        for block in blocks(text)))
