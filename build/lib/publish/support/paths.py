"""Where the project's own assets are: found from the package's location (the checkout or the
installed tree holding `styles/`), never from the current directory."""

from __future__ import annotations

from pathlib import Path

STYLES_DIR = Path(__file__).resolve().parents[2] / "styles"
FONTS_DIR = STYLES_DIR / "fonts"
