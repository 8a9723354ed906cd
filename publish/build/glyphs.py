"""Every character a book draws has a glyph in its fonts: checked as the book is assembled,
before anything renders (render/coverage.py has the rule and the placeholders).
"""

from __future__ import annotations

from publish.build.jobs import BookJob
from publish.config import CONFIG_NAME
from publish.model.diagnostics import Diagnostic
from publish.render.coverage import Coverage, Sources, check_metadata, check_play
from publish.render.fonts import font_stack


def check_glyphs(job: BookJob, release: bool) -> list[Diagnostic]:
    """M501 for every character of the book's plays and metadata that no font of its stack
    has: errors in a release book (warnings for text only its proof shows), warnings in a
    draft. The manuscript style sets speakers, names and titles in capitals: their capitals
    are checked too."""
    coverage = Coverage.of(font_stack(job.root, job.fonts))
    uppercased = job.settings.style == "manuscript"
    config = job.root / CONFIG_NAME
    config_file = config if config.is_file() else None
    book = job.config.location if job.config else None
    diagnostics = []
    for play in job.book.plays:
        sources = Sources(job.manuscripts.get(play.meta.source), config_file, CONFIG_NAME, book)
        diagnostics += check_play(play, coverage, release, sources, uppercased)
    diagnostics += check_metadata(job.book.meta, coverage, release,
                                  Sources(None, config_file, CONFIG_NAME, book))
    return diagnostics
