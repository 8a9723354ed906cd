"""Which files a manuscript may name, and whether an image file can be used.

A manuscript may only pull in files inside its own project (or the project's styles folder);
remote and absolute URLs are never read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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


# Past these an image is refused rather than handed to the renderers: a 100,000 x 100,000
# PNG of a few kilobytes decompresses to tens of gigabytes.
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_SIDE = 12_000
MAX_IMAGE_PIXELS = 60_000_000
PIL_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
SVG_REFERENCE = re.compile(
    rb"""(?:href|src)\s*=\s*["']\s*(?!#|data:)([^"']*)|@import|url\(\s*["']?(?!#|data:)""", re.IGNORECASE)


def image_problem(path: Path) -> str | None:
    """Why a project image cannot be used (empty, too large, not what its name says, an SVG
    that references other files), or None when it can."""
    size = path.stat().st_size
    if size == 0:
        return "the file is empty"
    if size > MAX_IMAGE_BYTES:
        return f"the file is {size // (1024 * 1024)} MB; the limit is {MAX_IMAGE_BYTES // (1024 * 1024)} MB"
    if path.suffix.lower() == ".svg":
        data = path.read_bytes()
        if SVG_REFERENCE.search(data):
            return "the SVG references other files or URLs; embed everything in it"
        return None
    return _raster_problem(path)


def _raster_problem(path: Path) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:  # reads the header only
            width, height, kind = image.width, image.height, image.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return "not a readable image"
    if kind != PIL_FORMATS.get(path.suffix.lower()):
        return f"the file is {kind or 'not an image'}, not what its name says"
    if max(width, height) > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
        return f"{width} x {height} pixels is too large (at most {MAX_IMAGE_SIDE} a side)"
    return None
