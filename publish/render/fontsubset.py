"""Fonts cut down to the characters a book uses, deterministically.

The vendored fonts are ~1.1 MB together; an EPUB of one play uses a few hundred glyphs. The
subset keeps the OpenType layout features the stylesheet asks for (small capitals, old-style
figures, ligatures, kerning) and the font's original `head.modified`, so two builds give the
same bytes.
"""

from __future__ import annotations

import io
import logging

# Features epub.css uses (smcp, c2sc for small caps; onum for old-style figures) plus the
# defaults every text needs.
FEATURES = ["smcp", "c2sc", "onum", "lnum", "liga", "kern", "calt", "ccmp", "locl", "mark", "mkmk"]


def subset_font(data: bytes, text: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = FEATURES
    options.name_IDs = ["*"]  # keep the names, the licence among them (OFL requires it)
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options=options)
    # Letters in both cases: small caps map lower case to small capitals, `font-variant`
    # transforms apply at layout time, and readers may change case.
    characters = set(text) | set(text.upper()) | set(text.lower()) | {" ", "\u00a0"}
    subsetter.populate(unicodes=sorted(ord(c) for c in characters))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
