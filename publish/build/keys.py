"""Cache keys: a digest of everything that goes into a parsed play, an output, a proof part
or a print layout, so that an entry is never stale, only no longer found.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from publish import model as m
from publish.build.cache import pandoc_identity, render_identity
from publish.build.jobs import BookJob
from publish.config import BookConfig, PlayConfig, PrintConfig
from publish.reading.files import ProjectFiles
from publish.reading.source import read_manuscript_bytes
from publish.render.fonts import font_stack
from publish.render.html import Stamp
from publish.support.digests import code_identity, digest, file_digest
from publish.support.images import MAX_IMAGE_BYTES
from publish.support.paths import STYLES_DIR
from publish.support.safe_io import read_regular


def play_key(path: Path, shown: str, play_config: PlayConfig) -> str:
    """The key of a manuscript's parsed play. Its bytes are read as the manuscript is (a
    regular file, within the size limit: a FIFO or device here is an InputError, never a
    read that blocks or does not end)."""
    data = read_manuscript_bytes(path, shown)
    return digest("model", code_identity(), pandoc_identity(), shown, repr(play_config), data)


def output_key(job: BookJob, kind: str, stamp: Stamp, modified: dt.datetime,
               settings: PrintConfig, since_commit: str, images: list[str] | None = None) -> str:
    """Everything an output depends on: code, libraries, styles and fonts; the book's
    config and metadata; each play (by its manuscript's key); its images' bytes; the build
    stamp; and per kind, the print settings or the proof's diagnostics and --since commit.
    `images`: `image_identities(job)`, when the caller has it already."""
    parts = [render_identity(STYLES_DIR, kind), kind, job.id, repr(_config_for_key(job.config)),
             repr(job.book.meta), stamp.text(), modified.isoformat(), *font_identities(job),
             repr(sorted(job.languages.items()))]
    if kind == "pdf":
        parts.append(repr(settings))
    if kind == "epub":
        parts.append(_cover_identity(job))
    if kind == "proof":
        parts += [since_commit, repr(job.diagnostics)]
    parts += [job.keys.get(play.meta.source, "") for play in job.book.plays]
    parts += image_identities(job) if images is None else images
    return digest(*parts)


def part_key(job: BookJob, index: int, stamp: Stamp, modified: dt.datetime,
             since_commit: str) -> str:
    """Everything the proof of play `index` depends on: the proof's inputs, less the other
    plays (and their images and diagnostics), plus the play's place in the book (its
    folios are numbered by it)."""
    play = job.book.plays[index]
    mine = [d for d in job.diagnostics if d.location.path == play.meta.source]
    return digest(render_identity(STYLES_DIR, "proof"), "proof-part", str(index), job.id,
                  repr(_config_for_key(job.config)), repr(job.book.meta), stamp.text(),
                  modified.isoformat(), since_commit, repr(mine), *font_identities(job),
                  job.keys.get(play.meta.source, ""), *image_identities(job, (play,)))


def layout_key(job: BookJob, stamp: Stamp, modified: dt.datetime, settings: PrintConfig,
               images: list[str] | None = None) -> str:
    """The print layout's identity, the same for the PDF and the EPUB task of a book: the
    PDF's inputs less the profile (bleed and marks sit outside the trim, so no page break
    moves with them)."""
    return digest("layout", output_key(job, "pdf", stamp, modified,
                                       dataclasses.replace(settings, profile="screen"), "", images))


def _cover_identity(job: BookJob) -> str:
    """The cover's bytes, which the EPUB holds: a cover replaced under the same name is a
    new EPUB."""
    if not job.config or not job.config.cover:
        return "generated cover"
    try:
        return "cover=" + digest(read_regular(job.root / job.config.cover, MAX_IMAGE_BYTES))
    except OSError:
        return "cover unreadable"  # the render reports it


def _config_for_key(config: BookConfig | None) -> BookConfig | None:
    """The book's config without its place in book.yaml: moving a book in the file, or
    adding a comment above it, changes no output."""
    return dataclasses.replace(config, location=None) if config else None


def font_identities(job: BookJob) -> list[str]:
    """The book's own fonts (`fonts:`) by their bytes; the shipped ones are in
    render_identity. A file built from FILES takes a book's fonts without its config."""
    return [f"fonts={','.join(job.fonts)}", *font_stack(job.root, job.fonts).identity()]


def image_identities(job: BookJob, plays: tuple[m.Play, ...] | None = None) -> list[str]:
    """Each image the plays show, with the digest of the file it resolves to (or 'none')."""
    files = ProjectFiles(job.root)
    found = []
    for play in job.book.plays if plays is None else plays:
        manuscript = job.manuscripts.get(play.meta.source, job.root)
        for node in m.walk(play):
            if isinstance(node, m.Image):
                local = files.image(node.url, manuscript)
                found.append(f"{node.url}={file_digest(local) if local else 'none'}")
    return found


def text_size(play: m.Play) -> int:
    return sum(1 for _ in m.walk(play))
