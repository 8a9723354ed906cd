"""Reading manuscripts from disk: bytes to text, with errors that name file, line and column."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from publish.model.errors import InputError, Location
from publish.reading.limits import check_text_limits
from publish.support.safe_io import NotRegularFile, TooLarge, read_regular

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
    return manuscript_text(read_manuscript_bytes(path, shown), shown)


def read_manuscript_bytes(path: Path, shown: str) -> bytes:
    """A manuscript's bytes, read with a bound: only a regular file (a FIFO is never opened,
    a device never read), at most MAX_MANUSCRIPT_BYTES, checked before and during the read."""
    try:
        return read_regular(path, MAX_MANUSCRIPT_BYTES)
    except FileNotFoundError as exc:
        raise InputError("manuscript not found", Location(shown)) from exc
    except NotRegularFile as exc:
        raise InputError(f"is {exc.kind}, not a manuscript file", Location(shown)) from exc
    except TooLarge as exc:
        raise too_large(exc.size, shown) from exc
    except OSError as exc:
        raise InputError(f"cannot read manuscript: {exc.strerror or exc}", Location(shown)) from exc


def too_large(size: int, shown: str) -> InputError:
    return InputError(f"manuscript is {size // (1024 * 1024)} MB; the limit is "
                      f"{MAX_MANUSCRIPT_BYTES // (1024 * 1024)} MB", Location(shown))


def manuscript_text(data: bytes, shown: str) -> str:
    """A manuscript's bytes to its text, with every check a manuscript passes before pandoc
    sees it: size, encoding, nesting depth and the limits of reading/limits.py. The current
    text and an old revision's (`--since`) pass the same ones."""
    if len(data) > MAX_MANUSCRIPT_BYTES:
        raise too_large(len(data), shown)
    text = decode(data, shown)
    check_nesting(text, shown)
    check_text_limits(text, shown)
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
        text = _decode_utf16(data, shown)
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


def _decode_utf16(data: bytes, shown: str) -> str:
    """UTF-16 with its BOM; a lone surrogate or an odd trailing byte named at its place."""
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode("utf-16", "replace")
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        what = "an odd trailing byte" if exc.reason == "truncated data" else exc.reason
        raise InputError(f"not valid UTF-16 ({what}); save the file as UTF-8",
                         Location(shown, line, max(col, 1))) from exc


def _position_of(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    before = data[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    col = len(before[line_start:].decode("utf-8", "replace")) + 1
    return line, col
