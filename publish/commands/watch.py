"""`publish watch`: rebuild the proof of the play being edited whenever a manuscript,
book.yaml or a style changes.

The play being edited is the manuscript saved last (or the one named on the command line).
Saving a manuscript rebuilds that play's proof; saving book.yaml or a stylesheet rebuilds the
proof of the play being edited. Only that play is read and laid out (`assemble_part`, the
machinery of `publish proof --book NAME FILES`), so a rebuild takes seconds, not the whole book.

`rebuilds()` takes any iterable of change sets, as `watchfiles.watch` yields them, so tests can
feed it changes without waiting on the file system. It yields what happened and never prints.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from publish.build.assemble import assemble_file, assemble_part
from publish.build.jobs import Artifact, BookJob
from publish.build.plan import build
from publish.config import CONFIG_NAME, Config, load
from publish.model.diagnostics import Diagnostic
from publish.model.errors import PublishError
from publish.support.paths import STYLES_DIR

MANUSCRIPT_SUFFIXES = (".md", ".markdown", ".txt")
IGNORED_DIRS = ("dist", ".cache", ".git", ".venv", "node_modules")

Changes = Iterable[tuple[object, str]]  # (watchfiles.Change, path) pairs


@dataclass(frozen=True)
class Rebuilt:
    manuscript: str
    artifacts: list[Artifact]
    diagnostics: list[Diagnostic]
    seconds: float  # how long the rebuild took, reading and layout included


@dataclass(frozen=True)
class Failed:
    manuscript: str
    error: PublishError


@dataclass
class Session:
    root: Path
    outdir: Path
    book: str | None = None  # --book: build plays as part of this book
    current: list[str] = field(default_factory=list)  # the plays being edited, root-relative
    jobs: int | None = 1


def classify(session: Session, path: str) -> tuple[str, str] | None:
    """What a changed path is: ("manuscript", its root-relative path), ("config", ...),
    ("style", ...), or None for anything a proof does not read (outputs, temporary files)."""
    changed = Path(path).resolve()
    if changed.name.startswith(".") or changed.name.endswith(("~", ".tmp", ".swp")):
        return None  # editors' and builds' temporary files
    if changed.is_relative_to(STYLES_DIR.resolve()):
        return ("style", changed.name) if changed.suffix == ".css" else None
    root = session.root.resolve()
    if not changed.is_relative_to(root):
        return None
    rel = changed.relative_to(root)
    if rel.parts and rel.parts[0] in IGNORED_DIRS:
        return None
    if rel.as_posix() == CONFIG_NAME:
        return ("config", CONFIG_NAME)
    if changed.suffix in MANUSCRIPT_SUFFIXES:
        return ("manuscript", rel.as_posix())
    return None


def targets(session: Session, changes: Changes) -> list[str]:
    """The plays to rebuild for one change set; saving a manuscript makes it the one being
    edited. A change to config or style rebuilds the play being edited, if there is one."""
    edited, shared = [], False
    for _, path in changes:
        kind = classify(session, path)
        if kind is None:
            continue
        if kind[0] == "manuscript":
            edited.append(kind[1])
        else:
            shared = True
    if edited:
        session.current = sorted(set(edited))
        return session.current
    return list(session.current) if shared else []


def rebuild(session: Session, manuscript: str) -> Rebuilt | Failed:
    """The proof of one play; book.yaml is read again each time, since it may have changed."""
    started = time.monotonic()
    try:
        job = _job(session, manuscript)
        artifacts = build(job, ("proof",), session.outdir, workers=session.jobs or 1)
        return Rebuilt(manuscript, artifacts, job.diagnostics, time.monotonic() - started)
    except PublishError as error:
        return Failed(manuscript, error)


def _job(session: Session, manuscript: str) -> BookJob:
    path = session.root / manuscript
    config = load(session.root) if (session.root / CONFIG_NAME).is_file() else None
    book = _book_of(config, manuscript, session.book)
    if config is not None and book is not None:
        return assemble_part(config, config.book(book), (str(path),))
    return assemble_file(path, config)


def _book_of(config: Config | None, manuscript: str, wanted: str | None) -> str | None:
    """--book if given, else the first book listing the manuscript, else None (a one-play
    book, as `publish proof FILE` makes)."""
    if config is None:
        return None
    if wanted:
        return wanted
    return next((b.id for b in config.books if manuscript in b.manuscripts), None)


def rebuilds(session: Session, change_sets: Iterable[Changes]) -> Iterator[Rebuilt | Failed]:
    """Rebuild the current plays once, then again after every change set that concerns them."""
    for manuscript in list(session.current):
        yield rebuild(session, manuscript)
    for changes in change_sets:
        for manuscript in targets(session, changes):
            yield rebuild(session, manuscript)


def watched_paths(session: Session) -> list[Path]:
    """The folders to watch: the project and, when it is elsewhere, the styles."""
    paths = [session.root]
    if not STYLES_DIR.resolve().is_relative_to(session.root.resolve()):
        paths.append(STYLES_DIR)
    return paths
