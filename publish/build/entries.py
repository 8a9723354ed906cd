"""The build cache's entries on disk, each verified before it is used.

An entry is found under `.cache/<kind>/<key[:2]>/<key>`, entered without following a link
(support/safe_io.py: a link planted in `.cache/` is never read or written through). What is
stored records which key it was stored under and the digest of its content, and both are
checked when it is read back, so a truncated, altered or swapped entry (one book's PDF put
under another's key) is never taken for the real one:

- an object (a parsed play, a page map, an EPUB chapter) is one file: a header line
  `publish-cache 1 <key> <sha256 of the pickle>` and the pickle. The pickle is read by an
  unpickler that builds only the model's own types (and paths and page maps): a crafted
  pickle cannot run code. The value must then have the shape its kind calls for.
- a file (a PDF, an EPUB, a proof part) is the file and a `.json` beside it, written last,
  holding its key, size and sha256 with its metadata (page count...). A PDF or EPUB must
  also be sound (build/verify.py).

A bad entry raises `BadEntry` with the reason; the cache removes it and reports it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from publish.build.verify import epub_problem, pdf_problem
from publish.support.safe_io import open_folder, read_in, remove_in, write_in

HEADER = b"publish-cache 1"
# Far above any real entry (a 1,000-page PDF is a few megabytes): a bound on what is read.
MAX_ENTRY_BYTES = 1 << 30
MAX_INFO_BYTES = 16 << 20
STRUCTURE = {"pdf": pdf_problem, "proof": pdf_problem, "proof-part": pdf_problem,
             "epub": epub_problem}


class BadEntry(Exception):
    """A cache entry that is there but cannot be used: the message says why."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _folder(root: Path, kind: str, key: str, create: bool) -> int:
    """The key's folder, `.cache` itself included entered without following a link."""
    return open_folder(root.parent, [root.name, kind, key[:2]], create=create)


# ---------------------------------------------------------------- objects


def write_object(root: Path, kind: str, key: str, value: object) -> None:
    payload = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    header = b" ".join([HEADER, key.encode("ascii"), _sha256(payload).encode("ascii")]) + b"\n"
    folder = _folder(root, kind, key, create=True)
    try:
        write_in(folder, key, header + payload)
    finally:
        os.close(folder)


def read_object(root: Path, kind: str, key: str, shape: Callable[[object], bool] | None) -> Any:
    """The value stored under `key`; FileNotFoundError when there is none, BadEntry when the
    entry is damaged, not this key's, or not of the shape its kind calls for."""
    data = _read(root, kind, key, key)
    header, newline, payload = data.partition(b"\n")
    parts = header.split(b" ")
    if not newline or len(parts) != 4 or b" ".join(parts[:2]) != HEADER:
        raise BadEntry("not a cache entry of this version")
    if parts[2].decode("ascii", "replace") != key:
        raise BadEntry("stored under another key")
    if parts[3].decode("ascii", "replace") != _sha256(payload):
        raise BadEntry("its content does not match its digest")
    try:
        value = _ModelUnpickler(io.BytesIO(payload)).load()
    except Exception as exc:  # any failure to unpickle: the entry is unusable, never fatal
        raise BadEntry(f"it does not load ({type(exc).__name__})") from exc
    if shape is not None and not shape(value):
        raise BadEntry("it holds a value of the wrong type")
    return value


def has_object(root: Path, kind: str, key: str) -> bool:
    try:
        folder = _folder(root, kind, key, create=False)
    except OSError:
        return False
    try:
        return os.stat(key, dir_fd=folder, follow_symlinks=False).st_size > 0
    except OSError:
        return False
    finally:
        os.close(folder)


class _ModelUnpickler(pickle.Unpickler):
    """Builds only what the cache stores: the model's types, diagnostics, locations, page
    maps and paths. Anything else (os.system, builtins.eval...) is refused."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED or (module == "publish.model" and name in _model_types()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")


_ALLOWED = {("publish.model.diagnostics", "Diagnostic"), ("publish.model.diagnostics", "Severity"),
            ("publish.model.errors", "Location"), ("publish.render.pagemap", "PageMap"),
            ("pathlib", "PosixPath"), ("pathlib", "WindowsPath"), ("pathlib", "PurePosixPath"),
            ("pathlib", "Path")}


def _model_types() -> set[str]:
    """The classes the model module defines (its node types, Span, CastMember...)."""
    from publish import model
    return {name for name, value in vars(model).items()
            if isinstance(value, type) and value.__module__ == model.__name__}


# ---------------------------------------------------------------- files


def write_file(root: Path, kind: str, key: str, data: bytes, info: dict[str, Any]) -> None:
    """The file, then its metadata with the key and the content's digest (last: an entry is
    found only once its file is complete)."""
    record = {**info, "key": key, "size": len(data), "sha256": _sha256(data)}
    folder = _folder(root, kind, key, create=True)
    try:
        write_in(folder, key, data)
        write_in(folder, f"{key}.json", json.dumps(record).encode("utf-8"))
    finally:
        os.close(folder)


def read_file(root: Path, kind: str, key: str) -> tuple[bytes, dict[str, Any]]:
    """(the file's bytes, its metadata); FileNotFoundError when there is none, BadEntry when
    it is damaged, not this key's, or not a sound PDF or EPUB."""
    try:
        info = json.loads(_read(root, kind, f"{key}.json", key, MAX_INFO_BYTES))
    except ValueError as exc:
        raise BadEntry("its metadata is not JSON") from exc
    if not isinstance(info, dict) or info.get("key") != key:
        raise BadEntry("stored under another key")
    size = info.get("size")
    if not isinstance(size, int) or not 0 <= size <= MAX_ENTRY_BYTES:
        raise BadEntry("its metadata has no size")
    try:
        data = _read(root, kind, key, key, size)
    except FileNotFoundError as exc:
        raise BadEntry("its file is missing") from exc
    if len(data) != size or _sha256(data) != info.get("sha256"):
        raise BadEntry("its content does not match its digest")
    if not _info_fits(kind, info):
        raise BadEntry("its metadata is not what this kind of entry records")
    problem = STRUCTURE.get(kind, lambda _: None)(data)
    if problem:
        raise BadEntry(f"not a sound {kind.split('-')[0].upper()}: {problem}")
    return data, info


def _info_fits(kind: str, info: dict[str, Any]) -> bool:
    """Whether the metadata has the fields, of the types, its kind records: the page count
    of an output; a proof part's anchors, bookmarks and change counts too."""
    pages = info.get("pages")
    if kind != "proof-part":
        loosest = info.get("loosest_space")
        return (pages is None or _is_count(pages)) and (
            loosest is None or (isinstance(loosest, float) and 0 <= loosest < 100))
    anchors, changes = info.get("anchors"), info.get("changes")
    return (_is_count(pages) and isinstance(anchors, dict)
            and all(isinstance(name, str) and _is_place(place) for name, place in anchors.items())
            and isinstance(changes, list) and len(changes) == 3 and all(map(_is_count, changes))
            and _are_bookmarks(info.get("bookmarks")))


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_place(value: object) -> bool:
    """(page index, x, y)."""
    return (isinstance(value, list) and len(value) == 3 and _is_count(value[0])
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value[1:]))


def _are_bookmarks(value: object, depth: int = 0) -> bool:
    """WeasyPrint's bookmark tree, as JSON: [label, [page, x, y], children, state]."""
    return isinstance(value, list) and depth < 32 and all(
        isinstance(item, list) and len(item) == 4 and isinstance(item[0], str)
        and _is_place(item[1]) and _are_bookmarks(item[2], depth + 1)
        and item[3] in ("open", "closed") for item in value)


def discard(root: Path, kind: str, key: str) -> None:
    """Remove an entry's files (links and files only; a folder in their place stays)."""
    try:
        folder = _folder(root, kind, key, create=False)
    except OSError:
        return
    try:
        for name in (key, f"{key}.json"):
            remove_in(folder, name)
    finally:
        os.close(folder)


def _read(root: Path, kind: str, name: str, key: str, limit: int = MAX_ENTRY_BYTES) -> bytes:
    """The bytes of `name` in the key's folder; FileNotFoundError when absent, BadEntry when
    a link, folder or other non-file is in the way, or it is over `limit`."""
    try:
        folder = _folder(root, kind, key, create=False)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise BadEntry(f"its folder cannot be read ({exc.strerror or exc})") from exc
    try:
        return read_in(folder, name, limit)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise BadEntry(f"it cannot be read ({exc.strerror or exc})") from exc
    finally:
        os.close(folder)
