"""Which files a manuscript may name, and whether an image file can be used.

A manuscript may only pull in files inside its own project (or the project's styles folder);
remote and absolute URLs are never read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from publish.support import images
from publish.support.paths import STYLES_DIR

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}


def is_remote(url: str) -> bool:
    """A URL with a scheme (http:, https:, file:, data:...): never a project file."""
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url))


@dataclass(frozen=True)
class ProjectFiles:
    """The files a build may read: inside the project root or the styles folder."""

    root: Path

    def allows(self, path: Path) -> bool:
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return False
        if not resolved.is_file():
            return False
        return any(resolved.is_relative_to(base.resolve()) for base in (self.root, STYLES_DIR))

    def image(self, url: str, manuscript: Path) -> Path | None:
        """The local file an image URL names, if it is a usable image inside the project."""
        candidate = self.image_candidate(url, manuscript)
        if candidate is None or image_problem(candidate) is not None:
            return None
        return candidate

    def image_candidate(self, url: str, manuscript: Path) -> Path | None:
        """The project file an image URL names, not yet checked to be a usable image."""
        if is_remote(url) or url.startswith(("/", "\\")):
            return None  # remote (http:, file:, data:) or absolute: never read
        candidate = manuscript.parent / url
        if candidate.suffix.lower() not in IMAGE_TYPES or not self.allows(candidate):
            return None
        return candidate.resolve()


# The checks (size on stat before reading, type by content, dimensions, SVGs without DOCTYPE,
# entities, scripts or references) are support/images.py's, shared with the book's cover.
MAX_IMAGE_BYTES = images.MAX_IMAGE_BYTES
MAX_IMAGE_SIDE = images.MAX_IMAGE_SIDE
MAX_IMAGE_PIXELS = images.MAX_IMAGE_PIXELS


def image_problem(path: Path) -> str | None:
    """Why a project image cannot be used (empty, too large, not what its name says, an SVG
    with a DOCTYPE or references to other files), or None when it can."""
    return images.image_problem(path)
