"""The blocks of a resource's body: rich text with few features, images, documents, quotes,
and videos that load nothing from their host before the visitor asks for them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

from ..core.content import RICH_TEXT_FEATURES


@dataclass(frozen=True)
class VideoHost:
    name: str  # « YouTube »; may use the URL's groups: « {host} (PeerTube) »
    pattern: re.Pattern  # matched at the start of the video's page URL, with a group « id »
    embed: str  # the player's URL, from the same groups


VIDEO_HOSTS = (
    VideoHost("YouTube", re.compile(
        r"https://(?:www\.|m\.)?youtube\.com/watch\?(?:[^#]*&)?v=(?P<id>[\w-]{11})"),
        "https://www.youtube-nocookie.com/embed/{id}"),
    VideoHost("YouTube", re.compile(r"https://youtu\.be/(?P<id>[\w-]{11})"),
              "https://www.youtube-nocookie.com/embed/{id}"),
    VideoHost("Vimeo", re.compile(r"https://(?:www\.)?vimeo\.com/(?P<id>\d+)"),
              "https://player.vimeo.com/video/{id}"),
    VideoHost("Dailymotion", re.compile(
        r"https://(?:www\.)?dailymotion\.com/video/(?P<id>[A-Za-z0-9]+)"),
        "https://www.dailymotion.com/embed/video/{id}"),
    VideoHost("{host} (PeerTube)", re.compile(r"https://(?P<host>[\w.-]+)/w/(?P<id>[\w-]+)"),
              "https://{host}/videos/embed/{id}"),
)


def video_player(url: str) -> tuple[str, str] | None:
    """(host's name, player URL) of a video page, None for an address of no known host."""
    for host in VIDEO_HOSTS:
        match = host.pattern.match(url)
        if match:
            return host.name.format(**match.groupdict()), host.embed.format(**match.groupdict())
    return None


def validate_video_url(url: str) -> None:
    if video_player(url) is None:
        raise ValidationError(
            f"« {url} » n'est pas l'adresse d'une vidéo YouTube, Vimeo, Dailymotion ou PeerTube "
            "(https://…/w/…) : donnez l'adresse de la page de la vidéo.")


class VideoValue(blocks.StructValue):
    def host(self) -> str:
        return video_player(self["url"])[0]

    def player_url(self) -> str:
        return video_player(self["url"])[1]


class VideoBlock(blocks.StructBlock):
    """A video shown as a link and a button: the host's player (and its cookies) is loaded
    only when the visitor presses the button (library/video.js); without script, the link."""

    url = blocks.URLBlock(label="Adresse de la page de la vidéo", validators=[validate_video_url])
    title = blocks.CharBlock(label="Titre de la vidéo", max_length=200)

    class Meta:
        icon = "media"
        label = "Vidéo"
        template = "library/blocks/video.html"
        value_class = VideoValue


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label="Citation")
    source = blocks.CharBlock(label="Source", required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = "Citation"
        template = "library/blocks/quote.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label="Paragraphe")
    image = ImageBlock(label="Image", template="library/blocks/image.html")
    document = DocumentChooserBlock(label="Document", template="library/blocks/document.html")
    quote = QuoteBlock()
    video = VideoBlock()
