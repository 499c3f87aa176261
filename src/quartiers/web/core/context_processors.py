"""What every page's maps need to know: the optional online basemap (off by default)."""

from django.conf import settings


def maps(request) -> dict:
    return {"basemap_tiles": settings.QUARTIERS.basemap_tiles,
            "basemap_attribution": settings.QUARTIERS.basemap_attribution}
