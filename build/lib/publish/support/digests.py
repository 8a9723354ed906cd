"""Content digests: of byte strings, of files, and of our own code (which every cache key holds).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from publish import __version__

FORMAT = "1"  # bump when a cache entry's layout changes


def digest(*parts: bytes | str) -> str:
    """sha256 of the parts, each length-prefixed so ('ab', 'c') and ('a', 'bc') differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@lru_cache(maxsize=1)
def code_identity() -> str:
    """Our version and source code: an edited checkout (an editable install) must not reuse
    what older code made, even when the version number did not change."""
    package = Path(__file__).resolve().parents[1]
    sources = sorted(package.rglob("*.py"))
    return digest(FORMAT, __version__,
                  *(f"{p.relative_to(package)}:{file_digest(p)}" for p in sources))
