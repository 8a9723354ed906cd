"""The renderers' assets: stylesheets and fonts.

Assets are found from the package's project root (the folder holding `styles/`), never from
the current directory (publish/support/paths.py).
"""

from __future__ import annotations

# FONTS_DIR is read from here when called (tests point it at a copy of the fonts).
from publish.support.paths import FONTS_DIR as FONTS_DIR, STYLES_DIR

# (family, style, file): the book face and its fallback for symbols it lacks (render/fonts.py
# puts a book's own `fonts:` between them). The CSS family
# names are our own: with a system-wide "EB Garamond" installed (Debian's fonts-ebgaramond),
# fontconfig preferred it to an @font-face of the same name, and the PDF embedded the
# system's 8pt optical size instead of the vendored files.
FONT_FACES = (
    ("EB Garamond Vendored", "normal", "EBGaramond12-Regular.otf"),
    ("EB Garamond Vendored", "italic", "EBGaramond12-Italic.otf"),
    ("STIX Fallback", "normal", "STIX-Regular.otf"),
    ("STIX Fallback", "italic", "STIX-Regular.otf"),
)


def stylesheet(name: str) -> str:
    return (STYLES_DIR / name).read_text(encoding="utf-8")
