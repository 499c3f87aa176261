"""Files that readers see whole or not at all."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield a path next to ``target`` to write; it replaces ``target`` only when the block
    ends without error. A failure midway leaves the previous file (or none), never half a
    file, and no leftover."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partiel")
    try:
        yield partial
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
