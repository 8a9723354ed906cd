"""`book.yaml` -> a frozen, typed configuration, validated once, with errors at file:line:col.

May import: publish.support, publish.model.

Reference (also in the README):

    defaults:            # metadata every book inherits unless it sets its own
      author: Jane Doe
      language: en
      print: {profile: pod}                           (print settings, merged key by key)
    plays:               # per manuscript: what the file itself cannot say
      manuscript/play.md:
        title: Override the heading's title          (optional)
        cast:                                          (optional; inferred when absent)
          - id: simplicia                              (stable id used by the model)
            name: Simplicia Optimistovna               (display name)
            aliases: [Simplicia]                       (other labels in the text)
            description: an optimist                   (dramatis personae)
    books:
      collected:         # the book's id: dist/collected.pdf, .epub, -proof.pdf
        title: ...
        subtitle, author, author_file_as, language, date, rights, identifier,
        publisher, description, edition                 (all optional but title)
        isbn: 978-0-306-40615-7                         (optional; check digit verified)
        draft: true                                     (optional: missing or remote images
                                                         warn instead of failing PDF and EPUB)
        subjects: [Drama, Artificial intelligence]      (optional list; also in defaults)
        cover: images/cover.jpg                         (optional; PNG or JPEG inside the
                                                         project; default: generated)
        manuscripts: [manuscript/play.md, ...]          (in reading order)
        proof:                                          (optional; also under defaults:)
          paper: a4                                     (a4 or letter; default a4)
        print:                                          (optional; each key optional)
          trim: 5.5x8.5in                               (5.5x8.5in, 6x9in, A5, letter; default
                                                         5.5x8.5in, letter for style manuscript)
          profile: pod                                  (pod, press, screen; default pod)
          style: book                                   (book, manuscript; default book)
          pdf_variant: pdf/a-3b                         (none, pdf/a-3b, pdf/ua-1; default none)

The YAML is read with the safe loader's composer so every value keeps its position; tags
such as `!!python/object` are refused.
"""

from __future__ import annotations

import dataclasses
import difflib
import uuid
from dataclasses import dataclass
from pathlib import Path

import yaml

from publish.model.errors import ConfigError, Location
from publish.model import CastMember
from publish.model.limits import MAX_NAME_CHARS, MAX_TITLE_CHARS
from publish.support.images import image_problem
from publish.support.safe_io import NotRegularFile, TooLarge, kind_of, read_regular
from publish.support.xmlchars import describe, invalid_character

CONFIG_NAME = "book.yaml"
# book.yaml is a page or two; a bound on what is read (it is read before anything else).
MAX_CONFIG_BYTES = 1024 * 1024
# Any text of book.yaml (a description, the rights); titles and names have their own limits
# (model/limits.py), set on title pages, running heads and in every speech.
MAX_TEXT_CHARS = 5_000
TEXT_LIMITS = {"title": MAX_TITLE_CHARS, "subtitle": MAX_TITLE_CHARS, "author": MAX_NAME_CHARS * 3}
SAFE_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp",
}
META_KEYS = ("title", "subtitle", "author", "author_file_as", "language", "date", "rights",
             "identifier", "publisher", "description", "edition", "isbn")
LIST_KEYS = ("subjects",)
COVER_TYPES = (".png", ".jpg", ".jpeg")
BOOK_KEYS = META_KEYS + LIST_KEYS + ("manuscripts", "draft", "print", "proof", "cover")
PRINT_KEYS = ("trim", "profile", "style", "pdf_variant")
# Trim sizes a printer accepts, as (width, height) in inches; the names are what book.yaml says.
TRIMS = {"5.5x8.5in": (5.5, 8.5), "6x9in": (6.0, 9.0), "A5": (5.827, 8.268), "letter": (8.5, 11.0)}
PROFILES = ("pod", "press", "screen")
STYLES = ("book", "manuscript")
# The standards a print PDF can be written to (WeasyPrint's `pdf_variant`): an archival
# PDF/A-3b, or a tagged, accessible PDF/UA-1. "none" is a plain PDF.
PDF_VARIANTS = ("none", "pdf/a-3b", "pdf/ua-1")
# A house style's natural trim, used when `trim:` is not given: a reading edition is a trade
# paperback, an acting manuscript is typed on US Letter.
STYLE_TRIMS = {"book": "5.5x8.5in", "manuscript": "letter"}
PAPERS = ("a4", "letter")  # proof paper sizes
# A fixed namespace so a book's UUID is derived from its id and never changes between builds.
BOOK_NAMESPACE = uuid.UUID("6f1c2a9e-6d0b-4b7e-9a43-7a1f0f5c2b11")


@dataclass(frozen=True)
class PlayConfig:
    path: str  # relative to the project root, as written in book.yaml
    title: str | None
    cast: tuple[CastMember, ...]


@dataclass(frozen=True)
class ProofConfig:
    """How the proof is laid out."""

    paper: str = "a4"  # one of PAPERS


@dataclass(frozen=True)
class PrintConfig:
    """How the print PDF is laid out: `trim` (a key of TRIMS), `profile` (pod: trim size plus
    0.125in bleed, TrimBox and BleedBox set, no marks; press: bleed plus crop marks; screen: the
    trim size only), `style` (the house style: book or manuscript) and `pdf_variant` (a
    standard the PDF is written to: one of PDF_VARIANTS but "none", or None)."""

    trim: str = "5.5x8.5in"
    profile: str = "pod"
    style: str = "book"
    pdf_variant: str | None = None

    def with_profile(self, profile: str | None) -> "PrintConfig":
        """The same settings with the profile the command line chose, if it chose one."""
        return dataclasses.replace(self, profile=profile) if profile else self


@dataclass(frozen=True)
class BookConfig:
    id: str
    title: str
    subtitle: str
    author: str
    author_file_as: str
    language: str
    date: str
    rights: str
    identifier: str
    publisher: str
    description: str
    manuscripts: tuple[str, ...]
    location: Location
    edition: str = ""
    isbn: str = ""  # as written (with the agency's hyphens); its check digit is verified
    draft: bool = False  # drafts: missing or remote images warn instead of failing the PDF/EPUB
    print: PrintConfig = PrintConfig()
    proof: ProofConfig = ProofConfig()
    subjects: tuple[str, ...] = ()
    cover: str = ""  # relative to the project root; "" = generate one


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


# ---------------------------------------------------------------- loading


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding a book.yaml."""
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def load(root: Path) -> Config:
    path = root / CONFIG_NAME
    shown = CONFIG_NAME
    try:
        text = read_regular(path, MAX_CONFIG_BYTES).decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise ConfigError(f"{CONFIG_NAME} not found in {root}", Location(shown)) from exc
    except NotRegularFile as exc:
        raise ConfigError(f"{CONFIG_NAME} is {exc.kind}, not a file", Location(shown)) from exc
    except TooLarge as exc:
        raise ConfigError(f"{CONFIG_NAME} is {exc.size} bytes; the limit is {MAX_CONFIG_BYTES}",
                          Location(shown)) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read {CONFIG_NAME}: {exc.strerror or exc}", Location(shown)) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError("not valid UTF-8", Location(shown)) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        location = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)
        raise ConfigError(f"YAML syntax error: {problem}", location) from exc
    if node is None:
        raise ConfigError("book.yaml is empty; it must declare `books:`", Location(shown, 1, 1))
    return _Reader(shown, root).config(node)


class _Reader:
    """Walks YAML nodes, checking types and keys, so every error has a position."""

    def __init__(self, shown: str, root: Path):
        self.shown = shown
        self.root = root

    def where(self, node: yaml.Node) -> Location:
        return Location(self.shown, node.start_mark.line + 1, node.start_mark.column + 1)

    def fail(self, node: yaml.Node, message: str) -> ConfigError:
        return ConfigError(message, self.where(node))

    def mapping(self, node: yaml.Node, what: str, allowed: tuple[str, ...] | None) -> dict:
        self.check_tag(node)
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping (key: value)")
        result: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            self.check_tag(key_node)
            key = key_node.value
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, f"keys in {what} must be plain names")
            if allowed is not None and key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
                raise self.fail(key_node, f"unknown key {key!r} in {what}{suggestion}")
            if key in result:
                raise self.fail(key_node, f"duplicate key {key!r} in {what}")
            result[key] = (key_node, value_node)
        return result

    def check_tag(self, node: yaml.Node) -> None:
        if node.tag not in SAFE_TAGS:
            raise self.fail(node, f"YAML tag {node.tag!r} is not allowed")

    def text(self, node: yaml.Node, what: str, limit: int = MAX_TEXT_CHARS) -> str:
        """A scalar as text, holding no character an output cannot (YAML's escapes such as
        "\x01" or "\uFFFF" write them) and at most `limit` characters."""
        self.check_tag(node)
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{what} must be text")
        if node.tag == "tag:yaml.org,2002:null":
            return ""
        value = str(node.value)
        bad = invalid_character(value)
        if bad is not None:
            raise self.fail(node, f"{what} holds the character {describe(bad[1])}, which no book "
                                  "can hold (XML forbids it); remove it")
        if len(value) > limit:
            raise self.fail(node, f"{what} is {len(value)} characters long; the limit is {limit}")
        return value

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        self.check_tag(node)
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} must be a list")
        return list(node.value)

    # -- the schema

    def config(self, node: yaml.Node) -> Config:
        top = self.mapping(node, "book.yaml", ("defaults", "plays", "books"))
        defaults: dict = {}
        print_defaults: dict[str, tuple[str, yaml.Node]] = {}
        proof = ProofConfig()
        if "defaults" in top:
            entries = self.mapping(top["defaults"][1], "defaults",
                                   META_KEYS + LIST_KEYS + ("print", "proof"))
            if "print" in entries:
                print_defaults = self.print_entries(entries.pop("print")[1], "defaults.print")
            if "proof" in entries:
                proof = self.proof(entries.pop("proof")[1], "defaults.proof", proof)
            defaults = {key: self.texts(value, key) if key in LIST_KEYS
                        else self.text(value, key, TEXT_LIMITS.get(key, MAX_TEXT_CHARS))
                        for key, (_, value) in entries.items()}
            if "isbn" in entries:
                raise self.fail(entries["isbn"][0], "an ISBN belongs to one book, not to `defaults:`")
        plays = {}
        if "plays" in top:
            for key, (key_node, value) in self.mapping(top["plays"][1], "plays", None).items():
                plays[key] = self.play(key, key_node, value)
        if "books" not in top:
            raise self.fail(node, "book.yaml must declare `books:`")
        books = []
        for key, (key_node, value) in self.mapping(top["books"][1], "books", None).items():
            books.append(self.book(key, key_node, value, defaults, print_defaults, proof))
        if not books:
            raise self.fail(top["books"][1], "`books:` declares no book")
        return Config(self.root, tuple(books), plays, self.print_config(print_defaults))

    def play(self, path: str, key_node: yaml.Node, node: yaml.Node) -> PlayConfig:
        entries = self.mapping(node, f"plays.{path}", ("title", "cast"))
        self.manuscript_exists(path, key_node)
        title = self.text(entries["title"][1], "title", MAX_TITLE_CHARS) if "title" in entries else None
        cast: list[CastMember] = []
        if "cast" in entries:
            seen: dict[str, yaml.Node] = {}
            for item in self.sequence(entries["cast"][1], "cast"):
                member = self.cast_member(item)
                if member.id in seen:
                    raise self.fail(item, f"duplicate cast id {member.id!r} "
                                          f"(first at line {seen[member.id].start_mark.line + 1})")
                seen[member.id] = item
                cast.append(member)
        return PlayConfig(path, title, tuple(cast))

    def cast_member(self, node: yaml.Node) -> CastMember:
        entries = self.mapping(node, "a cast member", ("id", "name", "aliases", "description"))
        for required in ("id", "name"):
            if required not in entries:
                raise self.fail(node, f"a cast member needs `{required}:`")
        aliases = ()
        if "aliases" in entries:
            aliases = tuple(self.text(a, "alias", MAX_NAME_CHARS)
                            for a in self.sequence(entries["aliases"][1], "aliases"))
        description = self.text(entries["description"][1], "description") if "description" in entries else ""
        return CastMember(self.text(entries["id"][1], "id", MAX_NAME_CHARS),
                          self.text(entries["name"][1], "name", MAX_NAME_CHARS), aliases, description)

    def book(self, book_id: str, key_node: yaml.Node, node: yaml.Node, defaults: dict,
             print_defaults: dict, proof: ProofConfig) -> BookConfig:
        entries = self.mapping(node, f"books.{book_id}", BOOK_KEYS)
        if not book_id.replace("-", "").replace("_", "").isalnum():
            raise self.fail(key_node, f"book id {book_id!r} must be letters, digits, '-' or '_'")
        meta = dict(defaults)
        for key in META_KEYS:
            if key in entries:
                meta[key] = self.text(entries[key][1], key, TEXT_LIMITS.get(key, MAX_TEXT_CHARS))
        if not meta.get("title"):
            raise self.fail(node, f"book {book_id!r} needs a `title:`")
        if "manuscripts" not in entries:
            raise self.fail(node, f"book {book_id!r} needs `manuscripts:`")
        manuscripts = []
        for item in self.sequence(entries["manuscripts"][1], "manuscripts"):
            path = self.text(item, "a manuscript path")
            self.manuscript_exists(path, item)
            manuscripts.append(path)
        subjects = self.texts(entries["subjects"][1], "subjects") if "subjects" in entries \
            else defaults.get("subjects", ())
        cover = ""
        if "cover" in entries:
            cover = self.text(entries["cover"][1], "cover")
            self.cover_exists(cover, entries["cover"][1])
        identifier = meta.get("identifier") or f"urn:uuid:{uuid.uuid5(BOOK_NAMESPACE, book_id)}"
        author = meta.get("author", "")
        return BookConfig(
            id=book_id, title=meta["title"], subtitle=meta.get("subtitle", ""), author=author,
            author_file_as=meta.get("author_file_as") or _file_as(author),
            language=meta.get("language") or "en", date=meta.get("date", ""),
            rights=meta.get("rights", ""), identifier=identifier,
            publisher=meta.get("publisher", ""), description=meta.get("description", ""),
            manuscripts=tuple(manuscripts), location=self.where(key_node),
            edition=meta.get("edition", ""),
            isbn=self.isbn(entries["isbn"][1]) if "isbn" in entries else "",
            draft=self.flag(entries["draft"][1], "draft") if "draft" in entries else False,
            print=self.print_config({**print_defaults, **(
                self.print_entries(entries["print"][1], f"books.{book_id}.print")
                if "print" in entries else {})}),
            proof=self.proof(entries["proof"][1], f"books.{book_id}.proof", proof)
            if "proof" in entries else proof,
            subjects=subjects, cover=cover)

    # -- print settings: defaults.print and books.<id>.print merge key by key

    def print_entries(self, node: yaml.Node, what: str) -> dict[str, tuple[str, yaml.Node]]:
        """Each print key's value, checked against its choices (with a did-you-mean)."""
        choices = {"trim": tuple(TRIMS), "profile": PROFILES, "style": STYLES,
                   "pdf_variant": PDF_VARIANTS}
        result = {}
        for key, (_, value_node) in self.mapping(node, what, PRINT_KEYS).items():
            result[key] = (self.choice(value_node, f"{what}.{key}", choices[key]), value_node)
        return result

    def print_config(self, entries: dict[str, tuple[str, yaml.Node]]) -> PrintConfig:
        values = {key: value for key, (value, _) in entries.items()}
        style = values.get("style", "book")
        variant = values.get("pdf_variant", "none")
        return PrintConfig(values.get("trim", STYLE_TRIMS[style]), values.get("profile", "pod"), style,
                           None if variant == "none" else variant)

    def choice(self, node: yaml.Node, what: str, allowed: tuple[str, ...]) -> str:
        value = self.text(node, what)
        # Trim names are matched without regard to case: "a5" and "Letter" mean what they say.
        folded = {option.lower(): option for option in allowed}
        if value.lower() in folded:
            return folded[value.lower()]
        hint = difflib.get_close_matches(value.lower(), list(folded), n=1)
        suggestion = f"; did you mean {folded[hint[0]]!r}?" if hint else ""
        raise self.fail(node, f"{what} must be one of {', '.join(allowed)}, not {value!r}{suggestion}")

    def flag(self, node: yaml.Node, what: str) -> bool:
        self.check_tag(node)
        if node.tag != "tag:yaml.org,2002:bool":
            raise self.fail(node, f"{what} must be true or false")
        return node.value.lower() in ("true", "yes", "on")

    def isbn(self, node: yaml.Node) -> str:
        """An ISBN-10 or ISBN-13 with a valid check digit; hyphens and spaces are allowed and
        kept, since only the registration agency knows where they go."""
        written = self.text(node, "isbn")
        digits = written.replace("-", "").replace(" ", "").upper()
        if not _isbn_valid(digits):
            raise self.fail(node, f"isbn {written!r} is not a valid ISBN-10 or ISBN-13 "
                                  "(wrong length or check digit)")
        return written.strip()

    def proof(self, node: yaml.Node, what: str, inherited: ProofConfig) -> ProofConfig:
        """`proof: {paper: a4|letter}`; what is not given is inherited from the defaults."""
        entries = self.mapping(node, what, ("paper",))
        paper = inherited.paper
        if "paper" in entries:
            value = entries["paper"][1]
            paper = self.text(value, f"{what}.paper").strip().lower()
            if paper not in PAPERS:
                raise self.fail(value, f"{what}.paper must be one of {', '.join(PAPERS)}, "
                                       f"not {paper!r}")
        return ProofConfig(paper)


    def texts(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        """A list of non-empty texts, e.g. `subjects: [Drama, Dialogues]`."""
        values = []
        for item in self.sequence(node, what):
            value = self.text(item, f"an entry of {what}").strip()
            if not value:
                raise self.fail(item, f"an entry of {what} is empty")
            values.append(value)
        return tuple(values)

    def cover_exists(self, path: str, node: yaml.Node) -> None:
        """The cover passes the checks of every image (support/images.py): a regular file
        inside the project, its size on its status before it is read, its type by content
        (a PNG or JPEG, as its name says), its dimensions."""
        resolved = (self.root / path).resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise self.fail(node, f"cover {path!r} is outside the project")
        if resolved.suffix.lower() not in COVER_TYPES:
            raise self.fail(node, f"cover {path!r} must be a PNG or JPEG image")
        if not resolved.exists():
            raise self.fail(node, f"cover {path!r} does not exist")
        problem = image_problem(resolved)
        if problem is not None:
            raise self.fail(node, f"cover {path!r} is unusable: {problem}")

    def manuscript_exists(self, path: str, node: yaml.Node) -> None:
        resolved = (self.root / path).resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise self.fail(node, f"manuscript {path!r} is outside the project")
        if not resolved.is_file():
            kind = kind_of(resolved.stat().st_mode) if resolved.exists() else ""
            raise self.fail(node, f"manuscript {path!r} is {kind}, not a file" if kind
                            else f"manuscript {path!r} does not exist")


def _isbn_valid(digits: str) -> bool:
    if len(digits) == 13 and digits.isdigit():
        return sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        values = [int(d) for d in digits[:9]] + [10 if digits[9] == "X" else int(digits[9])]
        return sum((10 - i) * v for i, v in enumerate(values)) % 11 == 0
    return False


def _file_as(author: str) -> str:
    """"Jane Q. Doe" -> "Doe, Jane Q." for sorting in reading systems."""
    parts = author.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else author
