"""Fonts cut down to the characters a book uses, deterministically.

The vendored fonts are ~1.1 MB together; an EPUB of one play uses a few hundred glyphs. The
subset keeps the OpenType layout features the stylesheet asks for (small capitals, old-style
figures, ligatures, kerning), every name record (the OFL licence among them) and the font's
own `head.modified`, so two builds give the same bytes.

HarfBuzz's subsetter (uharfbuzz, the binding the HarfBuzz project keeps) does this far faster
than fontTools' subsetter, which took most of an EPUB's render time.
"""

from __future__ import annotations

# Features epub.css uses (smcp, c2sc for small caps; onum for old-style figures) plus the
# defaults every text needs.
FEATURES = ["smcp", "c2sc", "onum", "lnum", "liga", "kern", "calt", "ccmp", "locl", "mark", "mkmk"]


class SubsetError(ValueError):
    """HarfBuzz could not subset a font (a damaged font file)."""


def subset_font(data: bytes, text: str) -> bytes:
    import uharfbuzz as hb

    subset_input = hb.SubsetInput()
    # Letters in both cases: small caps map lower case to small capitals, `font-variant`
    # transforms apply at layout time, and readers may change case.
    characters = set(text) | set(text.upper()) | set(text.lower()) | {" ", "\u00a0"}
    subset_input.unicode_set.update(ord(c) for c in characters)
    features = subset_input.layout_feature_tag_set
    features.clear()
    features.update(_tag(feature) for feature in FEATURES)
    # Every name record in every language: the licence (IDs 13, 14) must travel with the font.
    for names in (subset_input.name_id_set, subset_input.name_lang_id_set):
        names.clear()
        names.invert()
    subset_input.flags = hb.SubsetFlags.NOTDEF_OUTLINE | hb.SubsetFlags.NAME_LEGACY
    face = hb.subset(hb.Face(hb.Blob(data)), subset_input)
    if face is None:
        raise SubsetError("HarfBuzz could not subset the font")
    subset: bytes = face.blob.data
    return subset


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")
