"""Whether an image file can go into a book: the same checks for a manuscript's images and a
book's cover (book.yaml's `cover:`).

- A regular file (not a folder, FIFO or device), not empty, at most MAX_IMAGE_BYTES: the
  size is checked on the file's status before a byte is read, and the read is bounded.
- Its type from its content, which must be what its name says (a text file named
  `cover.png` is refused, as is a JPEG named `.png`).
- A raster's dimensions from its header (a 100,000 x 100,000 PNG of a few kilobytes would
  decompress to tens of gigabytes).
- An SVG must be well-formed XML with no DOCTYPE (so no entity declarations: no file read
  through an external entity, no billion laughs), no processing instruction such as
  `xml-stylesheet`, no script or event handler, and no reference to another file or URL
  (href, src, url(), @import): an image is shipped in the EPUB as it is.

`image_problem` says why a file cannot be used, or None.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from publish.support.safe_io import NotRegularFile, TooLarge, read_regular

MB = 1024 * 1024
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_SIDE = 12_000
MAX_IMAGE_PIXELS = 60_000_000
PIL_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
_EXTERNAL = re.compile(r"""url\(\s*["']?(?!#|data:)|@import""", re.IGNORECASE)


def image_problem(path: Path, suffix: str | None = None) -> str | None:
    """Why the image at `path` cannot be used, or None when it can (its type judged against
    `suffix`, by default the file's own)."""
    data = image_bytes(path)
    if isinstance(data, str):
        return data
    return bytes_problem(data, (suffix or path.suffix).lower())


def image_bytes(path: Path) -> bytes | str:
    """The image's bytes, read with a bound; or, as a str, why they cannot be read."""
    try:
        data = read_regular(path, MAX_IMAGE_BYTES)
    except NotRegularFile as exc:
        return f"it is {exc.kind}, not an image file"
    except TooLarge as exc:
        return f"the file is {exc.size // MB} MB; the limit is {MAX_IMAGE_BYTES // MB} MB"
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    return data


def bytes_problem(data: bytes, suffix: str) -> str | None:
    """Why an image of these bytes, named with `suffix`, cannot be used, or None."""
    if not data:
        return "the file is empty"
    if len(data) > MAX_IMAGE_BYTES:
        return f"the file is {len(data) // MB} MB; the limit is {MAX_IMAGE_BYTES // MB} MB"
    if suffix == ".svg":
        return svg_problem(data)
    return _raster_problem(data, suffix)


def _raster_problem(data: bytes, suffix: str) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            width, height, kind = image.width, image.height, image.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return "not a readable image"
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # every chunk there and its checksum right, without decoding pixels
    except (OSError, ValueError, SyntaxError) as exc:  # PIL reports a bad chunk as SyntaxError
        return f"the image is damaged ({exc})"
    if kind != PIL_FORMATS.get(suffix):
        return f"the file is {kind or 'not an image'}, not what its name says"
    if max(width, height) > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
        return f"{width} x {height} pixels is too large (at most {MAX_IMAGE_SIDE} a side)"
    return None


def svg_problem(data: bytes) -> str | None:
    """Why an SVG cannot go into a book as it is, or None (see the module's docstring)."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    problems: list[str] = []

    def refuse(message: str) -> Callable[..., NoReturn]:
        def handler(*_args: object) -> NoReturn:
            problems.append(message)
            raise _Refused()
        return handler

    parser.StartDoctypeDeclHandler = refuse("the SVG has a DOCTYPE (entities); remove it")
    parser.EntityDeclHandler = refuse("the SVG declares entities; remove them")
    parser.ProcessingInstructionHandler = refuse("the SVG has a processing instruction; remove it")
    parser.ExternalEntityRefHandler = refuse("the SVG references an external entity")

    def element(name: str, attributes: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1].lower()
        if local in ("script", "foreignobject"):
            problems.append(f"the SVG has a <{local}> element; remove it")
        for attribute, value in attributes.items():
            attribute = attribute.rsplit(" ", 1)[-1].lower()
            if attribute.startswith("on"):
                problems.append(f"the SVG has an event handler ({attribute}); remove it")
            elif (attribute in ("href", "src") and not value.strip().startswith(("#", "data:"))
                  or _EXTERNAL.search(value)):
                problems.append("the SVG references other files or URLs; embed everything in it")
        if problems:
            raise _Refused()

    seen = [""]  # the end of the text so far: a reference may be cut between two calls

    def text(content: str) -> None:
        if _EXTERNAL.search(seen[0] + content):
            problems.append("the SVG references other files or URLs; embed everything in it")
            raise _Refused()
        seen[0] = (seen[0] + content)[-16:]

    parser.StartElementHandler = element
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except _Refused:
        return problems[0]
    except (expat.ExpatError, ValueError) as exc:
        return f"not a well-formed SVG ({exc})"
    return problems[0] if problems else None


class _Refused(Exception):
    pass
