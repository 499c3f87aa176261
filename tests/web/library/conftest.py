"""The library's tests: uploads in a temporary media folder, and a fresh content stamp around
each test (pages served from the build are cached under it: a resource published then rolled
back by one test must not show in the next one's cached profile)."""

from __future__ import annotations

import pytest

from quartiers.web.core.content import mark_changed


@pytest.fixture(autouse=True)
def _media_and_content_stamp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    mark_changed()
    yield
    mark_changed()
