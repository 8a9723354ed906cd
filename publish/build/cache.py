"""A content-addressed build cache under the project's git-ignored `.cache/` folder.

An entry's key is a hash of every input that can change it, so an entry is never stale: it is
simply not found again once an input changes, and `make clean` (or deleting `.cache/`) is the
only eviction. Three kinds of entries:

- a manuscript's parsed and normalized play with its diagnostics (pickled), keyed by the file's
  bytes, its path, its cast and title from book.yaml, pandoc and our own code;
- a finished output file (PDF, EPUB, proof), keyed by everything that goes into it;
- parts of an output that depend on one play only (an EPUB chapter, a play's laid-out proof),
  so editing one play of a book renders only that play's parts again.

Entries are written to a temporary file and renamed into place, so parallel builds (and other
developers' processes) never read half an entry. The cache holds pickles: it is trusted like
the project's own files, and lives inside the project.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from publish.support.digests import code_identity, digest, file_digest
from publish.support.versions import installed_version

CACHE_DIR = ".cache"
# Libraries whose version changes what we write.
RENDER_LIBRARIES = ("weasyprint", "pydyf", "ebooklib", "pikepdf", "pypandoc-binary", "fonttools")


@lru_cache(maxsize=1)
def pandoc_identity() -> str:
    """Which pandoc parses: the binary's path, size and modification time. Cheaper than
    running `pandoc --version` on every build, and changes whenever the binary does."""
    from publish.reading.pandoc import pandoc_path
    path = Path(pandoc_path())
    stat = path.stat()
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


# The stylesheets each output reads (besides the fonts, which all embed).
# The PDFs written to PDF/X embed the output intent's profile and DefaultRGB's (render/pdfx.py).
PROFILES = ("icc/gracol-tr006.icc", "icc/srgb.icc")
STYLESHEETS = {"pdf": ("print.css", "manuscript.css", *PROFILES),
               "proof": ("print.css", "proof.css"), "epub": ("epub.css",), "cover": PROFILES}


@cache
def render_identity(styles_dir: Path, kind: str) -> str:
    """What an output of `kind` depends on besides the book: our code, the versions of the
    rendering libraries, its stylesheets and the fonts."""
    versions = [f"{name}={installed_version(name) or 'none'}" for name in RENDER_LIBRARIES]
    fonts = sorted(p for p in (styles_dir / "fonts").rglob("*") if p.is_file())
    assets = [styles_dir / name for name in STYLESHEETS[kind]] + fonts
    return digest(code_identity(), kind, *versions,
                  *(f"{p.relative_to(styles_dir)}:{_asset_digest(p)}" for p in assets))


def _asset_digest(path: Path) -> str:
    """A stylesheet's or font's digest, read again only once the file changed: every kind of
    output embeds the same fonts."""
    stat = path.stat()
    return _digest_of_version(path, stat.st_size, stat.st_mtime_ns)


@cache
def _digest_of_version(path: Path, size: int, mtime_ns: int) -> str:
    return file_digest(path)


@dataclass
class Cache:
    """The store: `folder/<kind>/<key[:2]>/<key>`. A disabled cache finds nothing and keeps
    nothing (`--no-cache`), so callers need no second code path."""

    folder: Path | None
    events: list[tuple[str, str, bool]] = field(default_factory=list)  # (kind, name, hit)

    @classmethod
    def for_project(cls, root: Path, enabled: bool = True) -> Cache:
        return cls(root / CACHE_DIR if enabled else None)

    def _path(self, kind: str, key: str) -> Path:
        assert self.folder is not None
        return self.folder / kind / key[:2] / key

    def note(self, kind: str, name: str, hit: bool) -> None:
        """Record what was reused and what was made, for the build report."""
        self.events.append((kind, name, hit))

    # ------------------------------------------------------------ objects

    def load(self, kind: str, key: str) -> Any:
        """The object stored under `key`, or None. A damaged entry is treated as missing.
        Unpickled, so of no type known here: the caller knows what it keeps under `kind`."""
        if self.folder is None:
            return None
        try:
            return pickle.loads(self._path(kind, key).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None

    def has(self, kind: str, key: str) -> bool:
        return self.folder is not None and self._path(kind, key).is_file()

    def store(self, kind: str, key: str, value: object) -> None:
        if self.folder is not None:
            self._write(self._path(kind, key), pickle.dumps(value, pickle.HIGHEST_PROTOCOL))

    # ------------------------------------------------------------ files

    def file(self, kind: str, key: str) -> tuple[Path, dict[str, Any]] | None:
        """A stored output file and its metadata (page count), or None."""
        if self.folder is None:
            return None
        path = self._path(kind, key)
        try:
            info = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return (path, info) if path.is_file() else None

    def keep_file(self, kind: str, key: str, source: Path, info: dict[str, Any]) -> None:
        """Copy a finished output into the store; its metadata is written last, so an entry
        is only found once its file is complete."""
        if self.folder is not None:
            self.keep_bytes(kind, key, source.read_bytes(), info)

    def keep_bytes(self, kind: str, key: str, data: bytes, info: dict[str, Any]) -> None:
        """Keep `data` as a file entry (a part of an output), found again by `file`; its
        metadata is written last."""
        if self.folder is None:
            return
        path = self._path(kind, key)
        self._write(path, data)
        self._write(path.with_suffix(".json"), json.dumps(info).encode("utf-8"))

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(name, path)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise


def copy_out(source: Path, target: Path) -> None:
    """Copy a cached file to `target` atomically (a copy, not a link: editing or deleting
    the output must never change the cache)."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        shutil.copyfile(source, name)
        os.chmod(name, 0o644)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
