"""The blocks of a letter: free text, and things the centre already publishes (a resource, an
action of the programme, an event, a press-watch item), each shown in the e-mail as a card with
a link to its page."""

from __future__ import annotations

from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from ..core.content import RICH_TEXT_FEATURES


class LetterBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label="Texte libre")
    resource = blocks.PageChooserBlock(page_type="library.ResourcePage", label="Ressource")
    action = SnippetChooserBlock("programme.Action", label="Action du programme")
    event = blocks.PageChooserBlock(page_type="events.EventPage", label="Événement")
    press = SnippetChooserBlock("presswatch.PressItem", label="Article de la veille")
