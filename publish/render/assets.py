"""Where styles and fonts are, and which files a renderer may read.

Assets are found from the package's project root (the folder holding `styles/`), never from
the current directory. A manuscript may only pull in files inside its own project.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STYLES_DIR = Path(__file__).resolve().parents[2] / "styles"
FONTS_DIR = STYLES_DIR / "fonts"

# (family, style, file): the book face and its fallback for symbols it lacks.
FONT_FACES = (
    ("EB Garamond", "normal", "EBGaramond12-Regular.otf"),
    ("EB Garamond", "italic", "EBGaramond12-Italic.otf"),
    ("STIX Fallback", "normal", "STIX-Regular.otf"),
    ("STIX Fallback", "italic", "STIX-Regular.otf"),
)
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}


def stylesheet(name: str) -> str:
    return (STYLES_DIR / name).read_text(encoding="utf-8")


def font_face_css(url_for) -> str:
    """@font-face rules; `url_for(path)` gives the URL each output uses for a font file."""
    rules = []
    for family, style, filename in FONT_FACES:
        rules.append(
            f'@font-face {{ font-family: "{family}"; font-style: {style}; font-weight: 400; '
            f'src: url("{url_for(FONTS_DIR / filename)}"); }}')
    return "\n".join(rules)


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
        """The local file an image URL names, if it is an image inside the project."""
        if ":" in url.split("/", 1)[0] or url.startswith(("/", "\\")):
            return None  # remote (http:, file:, data:) or absolute: never read
        candidate = manuscript.parent / url
        if candidate.suffix.lower() not in IMAGE_TYPES or not self.allows(candidate):
            return None
        return candidate.resolve()
