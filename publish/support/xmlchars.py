"""The characters no output may hold (an EPUB is XML): what XML 1.0 forbids and what it
discourages. reading/characters.py finds them in manuscripts, config/ in book.yaml.

- the C0 controls but tab, line feed and carriage return; DEL and the C1 controls (U+007F
  to U+009F: what a file decoded in the wrong encoding is full of);
- surrogates (U+D800 to U+DFFF), halves of a UTF-16 pair, never characters by themselves;
- the non-characters: U+FDD0 to U+FDEF and the last two code points of every plane (U+FFFE,
  U+FFFF, U+1FFFE ... U+10FFFF).
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"  # shown in their place in a draft
_PLANE_ENDS = "".join(chr(plane << 16 | 0xFFFE) + "-" + chr(plane << 16 | 0xFFFF)
                      for plane in range(1, 17))
INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                     + _PLANE_ENDS + "]")


def invalid_character(text: str) -> tuple[int, str] | None:
    """(index, character) of the first character of `text` no output may hold, or None."""
    found = INVALID.search(text)
    return (found.start(), found.group()) if found else None


def describe(char: str) -> str:
    """`U+0001`."""
    return f"U+{ord(char):04X}"
