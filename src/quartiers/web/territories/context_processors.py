"""What every page's maps need to know: the optional online basemap (off by default)."""

from django.conf import settings


def maps(request) -> dict:
    return {"basemap_tiles": settings.QUARTIERS_FOND_DE_CARTE,
            "basemap_attribution": settings.QUARTIERS_FOND_DE_CARTE_ATTRIBUTION}
