"""Every `book.yaml` setting, declared once: the typed config the rest of `publish` reads.

Each key is a dataclass field whose metadata (`setting(...)`) gives what book.yaml says of
it: its kind, its documentation, its choices, whether `defaults:` may set it. The reader
(config/reader.py), the key lists below, the JSON Schema of book.yaml and the reference in
docs/book-yaml.md (config/schema.py) are all derived from these declarations, so a new key
is one field here plus, where its kind is new, its reading.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publish.model import CastMember
from publish.model.errors import ConfigError, Location

CONFIG_NAME = "book.yaml"
# Trim sizes a printer accepts, as (width, height) in inches; the names are what book.yaml says.
TRIMS = {"5.5x8.5in": (5.5, 8.5), "6x9in": (6.0, 9.0), "A5": (5.827, 8.268), "letter": (8.5, 11.0)}
PROFILES = ("pod", "press", "screen")
STYLES = ("book", "manuscript")
# The standards a print PDF can be written to (WeasyPrint's `pdf_variant`): an archival
# PDF/A-3b, a tagged, accessible PDF/UA-1, or the printers' PDF/X (render/pdfx.py). "none"
# is a plain PDF.
PDF_VARIANTS = ("none", "pdf/a-3b", "pdf/ua-1", "pdf/x-1a", "pdf/x-3", "pdf/x-4", "pdf/x-5g")
# The print-on-demand services whose rules config/printers.py holds; custom: the book's own.
PRINTERS = ("none", "kdp", "ingramspark", "lulu", "custom")
PAPER_COLOURS = ("white", "cream")
# A house style's natural trim, used when `trim:` is not given: a reading edition is a trade
# paperback, an acting manuscript is typed on US Letter.
STYLE_TRIMS = {"book": "5.5x8.5in", "manuscript": "letter"}
PAPERS = ("a4", "letter")  # proof paper sizes
COVER_TYPES = (".png", ".jpg", ".jpeg")
FONT_TYPES = (".otf", ".ttf")
# What a font file starts with: TrueType outlines, CFF outlines (OpenType), Apple TrueType.
FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true")
# A font travels with its licence: a file in its folder named like one (OFL.txt, LICENSE...).
LICENCE_NAMES = ("ofl", "license", "licence", "copying")
# A language tag as BCP 47 writes it: `en`, `en-GB`, `zh-Hans`, `sr-Latn-RS`.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
# A fixed namespace so a book's UUID is derived from its id and never changes between builds.
BOOK_NAMESPACE = uuid.UUID("6f1c2a9e-6d0b-4b7e-9a43-7a1f0f5c2b11")

# The kinds of value a key holds (how reader.py reads it and schema.py describes it).
TEXT, TEXTS, PATHS, PATH, FLAG, ISBN, CHOICE, SECTION, FONTS, LENGTH, COUNT = (
    "text", "texts", "paths", "path", "flag", "isbn", "choice", "section", "fonts", "length", "count")


def setting(doc: str, kind: str = TEXT, default: Any = dataclasses.MISSING, *,
            in_defaults: bool = False, choices: tuple[str, ...] = (),
            required: bool = False) -> Any:
    """A dataclass field that is a book.yaml key. `in_defaults`: `defaults:` may set it too
    (a book's own value wins); `choices`: the values it accepts."""
    metadata = {"doc": doc, "kind": kind, "in_defaults": in_defaults, "choices": choices,
                "required": required}
    if isinstance(default, SettingsSection):
        return field(default_factory=type(default), metadata=metadata)
    return field(default=default, metadata=metadata)


class SettingsSection:
    """A nested mapping of settings (`print:`, `proof:`)."""


@dataclass(frozen=True)
class PlayConfig:
    path: str  # relative to the project root, as written in book.yaml
    title: str | None
    cast: tuple[CastMember, ...]
    language: str = ""  # the play's own language (BCP 47), "" for the book's


@dataclass(frozen=True)
class ProofConfig(SettingsSection):
    """How the proof is laid out."""

    paper: str = setting("the proof's paper size", CHOICE, "a4", choices=PAPERS)


@dataclass(frozen=True)
class PrintConfig(SettingsSection):
    """How the print PDF is laid out."""

    trim: str = setting("trim size (default 5.5x8.5in, letter for style manuscript)", CHOICE,
                        "5.5x8.5in", choices=tuple(TRIMS))
    profile: str = setting("pod: trim plus 0.125in bleed, TrimBox and BleedBox set; press: "
                           "bleed plus crop marks; screen: the trim only. `--profile` wins",
                           CHOICE, "pod", choices=PROFILES)
    style: str = setting("the house style: book (the reading edition) or manuscript (the "
                         "acting manuscript)", CHOICE, "book", choices=STYLES)
    pdf_variant: str | None = setting(
        "a standard the PDF is written to: pdf/a-3b (archival), pdf/ua-1 (tagged, accessible), "
        "pdf/x-1a, pdf/x-3, pdf/x-4, pdf/x-5g (for printers); default: the printer's, else "
        "pdf/x-4 for profile press, else none", CHOICE, None, choices=PDF_VARIANTS)

    def with_profile(self, profile: str | None) -> PrintConfig:
        """The same settings with the profile the command line chose, if it chose one."""
        return dataclasses.replace(self, profile=profile) if profile else self

    def standard(self, printer_variant: str | None = None) -> str | None:
        """The standard the PDF is written to: the one `pdf_variant` names (`none`: none),
        else the printer's, else PDF/X-4 for a press (output intent, trim and bleed boxes)."""
        if self.pdf_variant is not None:
            return None if self.pdf_variant == "none" else self.pdf_variant
        if printer_variant:
            return printer_variant
        return "pdf/x-4" if self.profile == "press" else None


@dataclass(frozen=True)
class PrinterConfig(SettingsSection):
    """The print-on-demand service the book is made for (its rules: config/printers.py)."""

    service: str = setting("kdp, ingramspark or lulu: their trims, bleed, gutters, paper, PDF "
                           "standard and cover rules; custom: the keys below", CHOICE, "none",
                           choices=PRINTERS)
    paper: str = setting("the interior's paper, which sets the spine's width", CHOICE, "white",
                         choices=PAPER_COLOURS)
    bleed: float | None = setting("custom: bleed on each outer edge (default 0.125in)", LENGTH, None)
    paper_thickness: float | None = setting("custom: thickness of one page, for the spine "
                                            "(default 0.002252in white, 0.0025in cream)", LENGTH, None)
    gutter: float | None = setting("custom: the least inside margin, whatever the page count "
                                   "(default: 0.375in growing to 0.75in with the pages)", LENGTH, None)
    min_pages: int | None = setting("custom: the fewest pages printed (default 24)", COUNT, None)
    max_pages: int | None = setting("custom: the most pages printed (default 828)", COUNT, None)
    spine_text_pages: int | None = setting("custom: the fewest pages whose spine may carry text "
                                           "(default 80)", COUNT, None)


@dataclass(frozen=True)
class BookConfig:
    """One book of `books:`: its metadata, manuscripts and settings."""

    id: str  # the key under `books:`
    title: str = setting("the book's title", required=True, in_defaults=True)
    subtitle: str = setting("the book's subtitle", in_defaults=True, default="")
    author: str = setting("the author, as printed", in_defaults=True, default="")
    author_file_as: str = setting('the author as sorted ("Doe, Jane"); default: derived from '
                                  "author", in_defaults=True, default="")
    language: str = setting("BCP 47 language tag (default en)", in_defaults=True, default="en")
    date: str = setting("publication date, YYYY-MM-DD", in_defaults=True, default="")
    rights: str = setting("the copyright line", in_defaults=True, default="")
    identifier: str = setting("a unique identifier (URN); default: a UUID derived from the "
                              "book's id", in_defaults=True, default="")
    publisher: str = setting("the imprint on the title page", in_defaults=True, default="")
    description: str = setting("a blurb: the EPUB's description, the PDF's subject",
                               in_defaults=True, default="")
    manuscripts: tuple[str, ...] = setting("the plays' manuscripts, in reading order, "
                                           "relative to book.yaml", PATHS, (), required=True)
    location: Location | None = None  # where the book's key stands in book.yaml
    edition: str = setting("e.g. First edition, printed on the copyright page",
                           in_defaults=True, default="")
    isbn: str = setting("ISBN-10 or ISBN-13, hyphens as the agency gave them; the check digit "
                        "is verified", ISBN, "")
    draft: bool = setting("a book of working drafts: missing or remote images warn instead "
                          "of failing the PDF and EPUB", FLAG, False)
    build_id: bool | None = setting(
        "whether the print PDF's copyright page ends with the build identifier (commit and "
        "build date); default: yes in a book of drafts, no in a release. The proof always "
        "shows it", FLAG, None, in_defaults=True)
    print: PrintConfig = setting("the print PDF's settings (merged key by key with "
                                 "defaults.print)", SECTION, PrintConfig(), in_defaults=True)
    proof: ProofConfig = setting("the proof's settings (inherited from defaults.proof)",
                                 SECTION, ProofConfig(), in_defaults=True)
    subjects: tuple[str, ...] = setting("keywords (EPUB subjects, PDF keywords)", TEXTS, (),
                                        in_defaults=True)
    cover: str = setting("a PNG or JPEG inside the project; default: generated from the title "
                         "and author", PATH, "")
    fonts: tuple[str, ...] = setting(
        "fallback fonts after the book face and STIX, in order: OTF/TTF files inside the "
        "project, each with its licence (OFL.txt, LICENSE...) in its folder (docs/fonts.md)",
        FONTS, (), in_defaults=True)
    printer: PrinterConfig = setting("the print-on-demand service (`printer: kdp`, or a mapping "
                                     "with its paper): `publish cover` and `preflight` follow "
                                     "its rules", SECTION, PrinterConfig(), in_defaults=True)


    def shows_build_id(self) -> bool:
        """Whether the print edition's copyright page names its build: as book.yaml says,
        else in a book of drafts and never in a release."""
        return self.draft if self.build_id is None else self.build_id


@dataclass(frozen=True)
class Config:
    root: Path
    books: tuple[BookConfig, ...]
    plays: dict[str, PlayConfig]
    print_defaults: PrintConfig = PrintConfig()  # for one-play books built from FILES

    def play(self, path: str) -> PlayConfig:
        return self.plays.get(path) or PlayConfig(path, None, ())

    def book(self, book_id: str) -> BookConfig:
        for book in self.books:
            if book.id == book_id:
                return book
        names = ", ".join(b.id for b in self.books)
        raise ConfigError(f"no book named {book_id!r} in {CONFIG_NAME} (books: {names})")


def settings_of(cls: type) -> dict[str, dataclasses.Field[Any]]:
    """The book.yaml keys a settings class declares, by name, in declaration order."""
    return {f.name: f for f in dataclasses.fields(cls) if "kind" in f.metadata}


def section_class(declared: dataclasses.Field[Any]) -> type:
    """The settings class a SECTION key holds (PrintConfig, ProofConfig): the class its
    default is made by."""
    factory = declared.default_factory
    if not callable(factory):
        raise TypeError(f"{declared.name} is not a section of settings")
    return type(factory())


BOOK_SETTINGS = settings_of(BookConfig)
BOOK_KEYS = tuple(BOOK_SETTINGS)
# The keys `defaults:` may set, which every book inherits unless it sets its own.
DEFAULT_KEYS = tuple(name for name, f in BOOK_SETTINGS.items() if f.metadata["in_defaults"])
PRINT_KEYS = tuple(settings_of(PrintConfig))
PROOF_KEYS = tuple(settings_of(ProofConfig))
PRINTER_KEYS = tuple(settings_of(PrinterConfig))
PLAY_KEYS = ("title", "cast", "language")
CAST_KEYS = ("id", "name", "aliases", "description")
TOP_KEYS = ("defaults", "plays", "books")
