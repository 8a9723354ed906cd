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
developers' processes) never read half an entry. Every entry is verified before it is used
(build/entries.py): its key and content digest, a PDF's or EPUB's structure, an object's type;
its pickles are read by an unpickler that builds only the model's types. A damaged entry is
discarded and made again, never copied to dist/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from publish.build import entries
from publish.model.errors import OutputError
from publish.support.atomic import atomic_output
from publish.support.digests import code_identity, digest, file_digest
from publish.support.safe_io import LinkInTheWay, check_not_link
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
    """The store: `folder/<kind>/<key[:2]>/<key>` (build/entries.py: every entry verified
    before use). A disabled cache finds nothing and keeps nothing (`--no-cache`), so callers
    need no second code path. The cache only ever speeds a build up: an entry that is
    damaged is discarded (and listed in `discarded`, which `--verbose` prints) and made
    again; one that cannot be written (a full or read-only disk) is simply not kept."""

    folder: Path | None
    events: list[tuple[str, str, bool]] = field(default_factory=list)  # (kind, name, hit)
    discarded: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, name, why)
    not_kept: list[tuple[str, str]] = field(default_factory=list)  # (kind, why)

    @classmethod
    def for_project(cls, root: Path, enabled: bool = True) -> Cache:
        """The project's cache; an OutputError when `.cache` is a link or a file: the
        cache is written in, and never through a link out of the project."""
        if not enabled:
            return cls(None)
        try:
            check_not_link(root / CACHE_DIR)
        except LinkInTheWay as exc:
            raise OutputError(f"{CACHE_DIR} is {exc.kind} where the build cache's folder belongs; "
                              "remove it (or build with --no-cache)") from exc
        return cls(root / CACHE_DIR)

    def note(self, kind: str, name: str, hit: bool) -> None:
        """Record what was reused and what was made, for the build report."""
        self.events.append((kind, name, hit))

    # ------------------------------------------------------------ objects

    def load(self, kind: str, key: str, name: str = "",
             shape: Callable[[object], bool] | None = None) -> Any:
        """The object stored under `key`, or None. A damaged entry is discarded; `shape(value)`
        says whether the value is of the type this kind holds (default: SHAPES[kind]). Unpickled,
        so of no type known here: the caller knows what it keeps under `kind`."""
        if self.folder is None or not key:
            return None
        try:
            return entries.read_object(self.folder, kind, key, shape or SHAPES.get(kind))
        except FileNotFoundError:
            return None
        except (entries.BadEntry, OSError) as exc:
            self._discard(kind, key, name, exc)
            return None

    def has(self, kind: str, key: str) -> bool:
        return self.folder is not None and bool(key) and entries.has_object(self.folder, kind, key)

    def store(self, kind: str, key: str, value: object) -> None:
        folder = self.folder
        if folder is not None and key:
            self._keep(kind, lambda: entries.write_object(folder, kind, key, value))

    # ------------------------------------------------------------ files

    def file(self, kind: str, key: str, name: str = "") -> tuple[bytes, dict[str, Any]] | None:
        """A stored output file's verified bytes and its metadata (page count), or None."""
        if self.folder is None or not key:
            return None
        try:
            return entries.read_file(self.folder, kind, key)
        except FileNotFoundError:
            return None
        except (entries.BadEntry, OSError) as exc:
            self._discard(kind, key, name, exc)
            return None

    def keep_file(self, kind: str, key: str, source: Path, info: dict[str, Any]) -> None:
        """Copy a finished output into the store; its metadata is written last, so an entry
        is only found once its file is complete."""
        if self.folder is not None:
            self.keep_bytes(kind, key, source.read_bytes(), info)

    def keep_bytes(self, kind: str, key: str, data: bytes, info: dict[str, Any]) -> None:
        """Keep `data` as a file entry (a part of an output), found again by `file`; its
        metadata is written last."""
        folder = self.folder
        if folder is not None and key:
            self._keep(kind, lambda: entries.write_file(folder, kind, key, data, info))

    # ------------------------------------------------------------ damage

    def _discard(self, kind: str, key: str, name: str, exc: Exception) -> None:
        assert self.folder is not None
        entries.discard(self.folder, kind, key)
        self.discarded.append((kind, name or key[:12], str(exc)))

    def _keep(self, kind: str, write: Callable[[], None]) -> None:
        """Write an entry; a link or file inside `.cache/` where a folder belongs (damage) is
        removed and the write tried again; a write the disk refuses keeps nothing."""
        for _ in range(3):
            try:
                write()
                return
            except LinkInTheWay as exc:
                if not self._remove_inside(Path(exc.filename)):
                    self.not_kept.append((kind, str(exc)))
                    return
            except OSError as exc:
                self.not_kept.append((kind, exc.strerror or str(exc)))
                return

    def _remove_inside(self, path: Path) -> bool:
        """Remove a link or file at `path` when it is strictly inside the cache folder."""
        assert self.folder is not None
        if path == self.folder or not path.is_relative_to(self.folder):
            return False
        try:
            path.unlink()  # a link itself, or a file; never a folder
        except OSError:
            return False
        return True


def _is_model_entry(value: object) -> bool:
    from publish import model as m
    return (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], m.Play)
            and isinstance(value[1], list))


def _is_page_map(value: object) -> bool:
    from publish.render.pagemap import PageMap
    return isinstance(value, PageMap)


def _is_chapter(value: object) -> bool:
    return (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str)
            and isinstance(value[1], dict))


# The type each kind of object entry holds: anything else is a damaged entry.
SHAPES: dict[str, Callable[[object], bool]] = {
    "model": _is_model_entry, "pagemap": _is_page_map, "chapter": _is_chapter}


def copy_out(data: bytes, target: Path) -> None:
    """Write a cached file's verified bytes to `target` atomically, like any output (a copy,
    not a link: editing or deleting the output must never change the cache)."""
    with atomic_output(target) as temporary:
        temporary.write_bytes(data)
