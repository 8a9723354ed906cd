"""Reading manuscripts from disk: bytes to text, with errors that name file, line and column."""

from __future__ import annotations

import codecs
from pathlib import Path

from publish.errors import InputError, Location

# Far beyond any play (the longest corpus file is under 100 kB); past it pandoc and WeasyPrint
# would take minutes and gigabytes, so the build stops with a clear message instead.
MAX_MANUSCRIPT_BYTES = 5 * 1024 * 1024


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
    return decode(data, shown)


def decode(data: bytes, shown: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
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
