"""A partner's file is read in memory only: the one upload handler of the deposit form keeps the
bytes in memory up to a cap and skips the file beyond it, so that Django never spills it into
a temporary file on disk (its default handler does above FILE_UPLOAD_MAX_MEMORY_SIZE)."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from quartiers.engine.partners.reading import DEFAULT_LIMITS


def max_upload_bytes() -> int:
    """The site's upload cap (QUARTIERS_TELEVERSEMENT_MAX_MO), never above what the engine reads."""
    return min(settings.QUARTIERS.max_upload_mb << 20, DEFAULT_LIMITS.max_bytes)


def size_label(size: int) -> str:
    """« 50 Mo », or bytes below a megabyte (a cap lowered for a test)."""
    return f"{size / 2**20:g} Mo" if size >= 2**20 else f"{size} octets"


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Keeps each file in memory; a file past ``cap`` bytes is dropped as it arrives and its
    name kept in ``too_large`` for the form to say so."""

    def __init__(self, request=None, cap: int | None = None):
        super().__init__(request)
        self.cap = max_upload_bytes() if cap is None else cap
        self.too_large: list[str] = []
        self.buffer: io.BytesIO | None = None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.cap:
            self.too_large.append(self.file_name)
            self.buffer = None  # what arrived is let go at once
            raise SkipFile
        self.buffer.write(raw_data)

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(file=self.buffer, field_name=self.field_name,
                                    name=self.file_name, content_type=self.content_type,
                                    size=file_size, charset=self.charset,
                                    content_type_extra=self.content_type_extra)
