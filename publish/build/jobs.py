"""What a build works on and what it makes: plain types, shared by every stage of the build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from publish import model as m
from publish.config import BookConfig, PrintConfig
from publish.model.diagnostics import Diagnostic

if TYPE_CHECKING:
    from publish.render.pagemap import PageMap
    from publish.render.proof_parts import ProofPart

OUTPUTS = ("pdf", "epub", "proof")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Artifact:
    kind: str
    path: Path
    pages: int | None
    size: int
    reused: bool = False  # copied from the build cache, not rendered
    rebuilt_parts: tuple[str, ...] = ()  # the play sources whose parts were rendered anew
    # The print PDF: the widest space between words of its loosest justified line, in ems
    # (render/spacing.py); None for the other outputs.
    loosest_space: float | None = None
    # The print PDF's layout: where each print page begins, handed on to the EPUB's page-list.
    page_map: PageMap | None = field(default=None, repr=False, compare=False)
    # A play's proof, laid out, handed on to the proof's front.
    part: ProofPart | None = field(default=None, repr=False, compare=False)
    # Cache entries the render found damaged and discarded: (kind, name, why), for --verbose.
    discarded: tuple[tuple[str, str, str], ...] = field(default=(), repr=False, compare=False)


@dataclass
class BookJob:
    """A book ready to render: its model, where its manuscripts are, what was found."""

    id: str
    config: BookConfig | None
    book: m.Book
    root: Path
    manuscripts: dict[str, Path]  # play.meta.source -> file
    diagnostics: list[Diagnostic] = field(default_factory=list)
    settings: PrintConfig = PrintConfig()  # the print PDF's trim, profile and house style
    keys: dict[str, str] = field(default_factory=dict)  # play source -> its cache key
    fonts: tuple[str, ...] = ()  # the book's `fonts:` (paths from the root), after the book face
    languages: dict[str, str] = field(default_factory=dict)  # play source -> its own language
