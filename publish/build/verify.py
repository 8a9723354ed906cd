"""Is a cached output whole? Structural checks of a PDF and an EPUB, in pure Python.

A cache entry's digest (build/cache.py) says its bytes are those the build stored; these
checks say the bytes are a document a reader opens, which catches an entry written whole
but wrong (by a crash inside a renderer, or by hand) and costs a few milliseconds, without
importing pikepdf (most of a second) on a rebuild that renders nothing.

- PDF: the `%PDF-` header; `startxref` and `%%EOF` at the end; the cross-reference section
  it points to (a classic `xref` table, or an `/XRef` stream, deflated, with PNG
  predictors, as WeasyPrint and qpdf write them), every `/Prev` section too; every object in
  use found at its offset as `N G obj` (or, in an object stream, that stream found); and a
  trailer naming a `/Root`.
- EPUB: a zip archive whose first entry is `mimetype`, stored, reading
  `application/epub+zip`; every entry's CRC right; a `META-INF/container.xml`.

Each returns None for a sound file, else what is wrong.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Any

EPUB_MIMETYPE = b"application/epub+zip"
_OBJECT_HEAD = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")
_INT = rb"\s*(\d+)"


class _Damaged(Exception):
    pass


def pdf_problem(data: bytes) -> str | None:
    """None when `data` is a PDF whose cross-reference sections all read; else why not."""
    try:
        _check_pdf(data)
    except _Damaged as exc:
        return str(exc)
    except (ValueError, IndexError, zlib.error) as exc:
        return f"unreadable cross-reference data ({exc})"
    return None


def _check_pdf(data: bytes) -> None:
    if not re.match(rb"%PDF-\d\.\d", data):
        raise _Damaged("no %PDF- header")
    tail = data[-2048:]
    if b"%%EOF" not in tail:
        raise _Damaged("no %%EOF at the end")
    found = re.findall(rb"startxref\s+(\d+)", tail)
    if not found:
        raise _Damaged("no startxref at the end")
    offset: int | None = int(found[-1])
    seen: set[int] = set()
    has_root = False
    while offset is not None:
        if offset in seen or len(seen) > 64:
            raise _Damaged("cross-reference sections loop")
        seen.add(offset)
        offset, root = _section(data, offset)
        has_root = has_root or root
    if not has_root:
        raise _Damaged("the trailer names no /Root")


def _section(data: bytes, offset: int) -> tuple[int | None, bool]:
    """Check the cross-reference section at `offset`: (the /Prev offset or None, has /Root)."""
    if offset >= len(data):
        raise _Damaged("startxref points past the end")
    if data.startswith(b"xref", offset):
        return _table(data, offset + 4)
    return _stream(data, offset)


def _table(data: bytes, position: int) -> tuple[int | None, bool]:
    end = data.find(b"trailer", position)
    if end < 0:
        raise _Damaged("a cross-reference table without a trailer")
    lines = iter(data[position:end].split())
    for first in lines:
        count = int(next(lines))
        for number in range(int(first), int(first) + count):
            place, _generation, used = int(next(lines)), next(lines), next(lines)
            if used == b"n":
                _object_at(data, place, number)
    trailer = data[end:end + 4096].split(b"startxref")[0]
    return _prev(trailer), b"/Root" in trailer


def _stream(data: bytes, offset: int) -> tuple[int | None, bool]:
    head = _OBJECT_HEAD.match(data, offset)
    start = data.find(b"stream", offset)
    if head is None or start < 0:
        raise _Damaged("startxref points at neither xref nor an object")
    dictionary = data[head.end():start]
    if not re.search(rb"/Type\s*/XRef", dictionary):
        raise _Damaged("startxref points at an object that is not a cross-reference stream")
    widths = [int(w) for w in _field(dictionary, rb"/W\s*\[" + _INT * 3 + rb"\s*\]")]
    size = int(_field(dictionary, rb"/Size" + _INT)[0])
    index = re.search(rb"/Index\s*\[([\d\s]*)\]", dictionary)
    ranges = [int(n) for n in index.group(1).split()] if index else [0, size]
    length = int(_field(dictionary, rb"/Length" + _INT)[0])
    body = data[start + 6:].lstrip(b"\r\n")[:length]
    if len(body) < length:
        raise _Damaged("the cross-reference stream is cut short")
    if re.search(rb"/Filter\s*\[?\s*/FlateDecode", dictionary):
        body = zlib.decompress(body)
    predictor = re.search(rb"/Predictor" + _INT, dictionary)
    if predictor and int(predictor.group(1)) >= 10:
        columns = re.search(rb"/Columns" + _INT, dictionary)
        body = _unpredict(body, int(columns.group(1)) if columns else 1)
    _entries(data, body, widths, ranges)
    return _prev(dictionary), b"/Root" in dictionary


def _field(dictionary: bytes, pattern: bytes) -> tuple[bytes | Any, ...]:
    found = re.search(pattern, dictionary)
    if found is None:
        raise _Damaged("a cross-reference stream without its /W, /Size or /Length")
    return found.groups()


def _prev(dictionary: bytes) -> int | None:
    found = re.search(rb"/Prev" + _INT, dictionary)
    return int(found.group(1)) if found else None


def _unpredict(body: bytes, columns: int) -> bytes:
    """Undo PNG predictors (one filter byte before each row of `columns` bytes)."""
    rows, previous = [], bytearray(columns)
    for start in range(0, len(body), columns + 1):
        kind, row = body[start], bytearray(body[start + 1:start + 1 + columns])
        for i in range(len(row)):
            left = row[i - 1] if i else 0
            up = previous[i]
            corner = previous[i - 1] if i else 0
            row[i] = (row[i] + (0, left, up, (left + up) // 2, _paeth(left, up, corner))[kind]) & 0xFF
        rows.append(bytes(row))
        previous = row
    return b"".join(rows)


def _paeth(left: int, up: int, corner: int) -> int:
    guess = left + up - corner
    distances = (abs(guess - left), abs(guess - up), abs(guess - corner))
    return (left, up, corner)[distances.index(min(distances))]


def _entries(data: bytes, body: bytes, widths: list[int], ranges: list[int]) -> None:
    """Check each entry of a decoded cross-reference stream: objects in use at their offsets,
    compressed ones in an object stream that is itself in use."""
    step = sum(widths)
    numbers = [n for first, count in zip(ranges[::2], ranges[1::2], strict=False)
               for n in range(first, first + count)]
    if step == 0 or len(body) < step * len(numbers):
        raise _Damaged("the cross-reference stream is shorter than its /Index says")
    in_use: dict[int, int] = {}
    containers: set[int | None] = set()
    for position, number in enumerate(numbers):
        entry = body[position * step:(position + 1) * step]
        fields: list[int | None] = []
        at = 0
        for width in widths:
            fields.append(int.from_bytes(entry[at:at + width], "big") if width else None)
            at += width
        kind = 1 if fields[0] is None else fields[0]
        if kind == 1:
            if fields[1] is None:
                raise _Damaged("an object in use has no offset in the cross-reference stream")
            in_use[number] = fields[1]
        elif kind == 2:
            containers.add(fields[1])
    for number, place in in_use.items():
        _object_at(data, place, number)
    if not containers <= set(in_use):
        raise _Damaged("an object stream the cross-reference names is missing")


def _object_at(data: bytes, place: int, number: int) -> None:
    found = _OBJECT_HEAD.match(data, place)
    if found is None or int(found.group(1)) != number:
        raise _Damaged(f"object {number} is not where the cross-reference says")


def epub_problem(data: bytes) -> str | None:
    """None when `data` is an EPUB container whose entries all read; else why not."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if not infos or infos[0].filename != "mimetype":
                return "the first entry is not `mimetype`"
            if infos[0].compress_type != zipfile.ZIP_STORED or archive.read("mimetype") != EPUB_MIMETYPE:
                return "the `mimetype` entry is not a stored application/epub+zip"
            if "META-INF/container.xml" not in archive.namelist():
                return "no META-INF/container.xml"
            damaged = archive.testzip()
            if damaged is not None:
                return f"the entry {damaged} is damaged"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, zlib.error) as exc:
        return f"not a readable zip archive ({exc})"
    return None
