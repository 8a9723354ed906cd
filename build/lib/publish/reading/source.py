"""Reading manuscripts from disk: bytes to text, with errors that name file, line and column."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from publish.model.errors import InputError, Location

# Far beyond any play (the longest corpus file is under 100 kB); past it pandoc and WeasyPrint
# would take minutes and gigabytes, so the build stops with a clear message instead.
MAX_MANUSCRIPT_BYTES = 5 * 1024 * 1024
# Block quotes and lists nested deeper than this are refused before pandoc sees them: pandoc's
# JSON for 10,000 nested quotes is deeper than Python's JSON decoder (and our tree walks) go,
# and no manuscript needs more than a handful of levels.
MAX_NESTING = 64
_QUOTE_OR_LIST = re.compile(r"[ \t]*(?:>|[-+*][ \t]|\d{1,9}[.)][ \t])")


def read_manuscript(path: Path, display: str | None = None) -> str:
    """The text of a manuscript: UTF-8 (a BOM is allowed), newlines normalized to LF."""
    shown = display or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("manuscript not found", Location(shown)) from exc
    except IsADirectoryError as exc:
        raise InputError("is a directory, not a manuscript", Location(shown)) from exc
    except OSError as exc:
        raise InputError(f"cannot read manuscript: {exc.strerror}", Location(shown)) from exc
    if len(data) > MAX_MANUSCRIPT_BYTES:
        raise InputError(
            f"manuscript is {len(data) // (1024 * 1024)} MB; the limit is "
            f"{MAX_MANUSCRIPT_BYTES // (1024 * 1024)} MB", Location(shown))
    text = decode(data, shown)
    check_nesting(text, shown)
    return text


def check_nesting(text: str, shown: str) -> None:
    """Refuse block quotes or lists nested deeper than MAX_NESTING, naming the line."""
    for number, line in enumerate(text.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" "))
        # Each level of list nesting indents at least two more columns.
        depth, position = indent // 2 if _QUOTE_OR_LIST.match(line) else 0, 0
        while True:
            match = _QUOTE_OR_LIST.match(line, position)
            if not match:
                break
            depth += 1
            position = match.end()
        if depth > MAX_NESTING:
            raise InputError(f"block quotes or lists nested {depth} deep; the limit is {MAX_NESTING}",
                             Location(shown, number, 1))


def decode(data: bytes, shown: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    elif b"\x00" in data[:8192]:
        # Text never holds NUL bytes; an image or a word-processor file does. Say so, rather
        # than report its first non-UTF-8 byte.
        line, col = _position_of(data, data.index(b"\x00"))
        raise InputError("contains NUL bytes: this looks like a binary file, not a manuscript",
                         Location(shown, line, col))
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line, col = _position_of(data, exc.start)
            raise InputError(
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                Location(shown, line, col)) from exc
    if "\x00" in text:
        line, col = _position_of(text.encode("utf-8"), text.encode("utf-8").index(b"\x00"))
        raise InputError("contains NUL bytes: this looks like a binary file, not a manuscript",
                         Location(shown, line, col))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _position_of(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    before = data[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    col = len(before[line_start:].decode("utf-8", "replace")) + 1
    return line, col
