"""Reading `book.yaml`: YAML nodes checked against the declarations of config/settings.py,
so that every error has a file:line:col and a did-you-mean.

The YAML is read with the safe loader's composer so every value keeps its position; tags
such as `!!python/object` are refused.
"""

from __future__ import annotations

import difflib
import uuid
from pathlib import Path
from typing import Any

import yaml

from publish.config.settings import (
    BOOK_NAMESPACE,
    BOOK_SETTINGS,
    CAST_KEYS,
    CHOICE,
    CONFIG_NAME,
    COUNT,
    COVER_TYPES,
    DEFAULT_KEYS,
    FLAG,
    FONT_MAGIC,
    FONT_TYPES,
    FONTS,
    ISBN,
    LANGUAGE_TAG,
    LENGTH,
    LICENCE_NAMES,
    PATH,
    PATHS,
    PLAY_KEYS,
    SECTION,
    STYLE_TRIMS,
    TEXT,
    TEXTS,
    TOP_KEYS,
    BookConfig,
    Config,
    PlayConfig,
    PrintConfig,
    PrinterConfig,
    section_class,
    settings_of,
)
from publish.model import CastMember
from publish.model.errors import ConfigError, Location
from publish.model.limits import MAX_NAME_CHARS, MAX_TITLE_CHARS
from publish.support.images import image_problem
from publish.support.safe_io import NotRegularFile, TooLarge, kind_of, read_regular
from publish.support.xmlchars import describe, invalid_character

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
Entries = dict[str, tuple[yaml.Node, yaml.Node]]  # key -> (key node, value node)
MOST_INCHES = 10.0  # no bleed, gutter or page is thicker: a larger length is a slip


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
        raise ConfigError(f"cannot read {CONFIG_NAME}: {exc.strerror or exc}",
                          Location(shown)) from exc
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

    def mapping(self, node: yaml.Node, what: str, allowed: tuple[str, ...] | None) -> Entries:
        self.check_tag(node)
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping (key: value)")
        result: Entries = {}
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

    # -- the file's structure

    def config(self, node: yaml.Node) -> Config:
        top = self.mapping(node, "book.yaml", TOP_KEYS)
        defaults: Entries = {}
        if "defaults" in top:
            # An ISBN is refused there with its own message, below.
            defaults = self.mapping(top["defaults"][1], "defaults", (*DEFAULT_KEYS, "isbn"))
        plays = {}
        if "plays" in top:
            for key, (key_node, value) in self.mapping(top["plays"][1], "plays", None).items():
                plays[key] = self.play(key, key_node, value)
        if "books" not in top:
            raise self.fail(node, "book.yaml must declare `books:`")
        books = []
        for key, (key_node, value) in self.mapping(top["books"][1], "books", None).items():
            books.append(self.book(key, key_node, value, defaults))
        if not books:
            raise self.fail(top["books"][1], "`books:` declares no book")
        print_defaults = self.section(
            PrintConfig, [(defaults["print"][1], "defaults.print")] if "print" in defaults else [])
        return Config(self.root, tuple(books), plays, print_defaults)

    def play(self, path: str, key_node: yaml.Node, node: yaml.Node) -> PlayConfig:
        entries = self.mapping(node, f"plays.{path}", PLAY_KEYS)
        self.manuscript_exists(path, key_node)
        title = (self.text(entries["title"][1], "title", MAX_TITLE_CHARS) if "title" in entries
                 else None)
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
        language = self.language(entries["language"][1]) if "language" in entries else ""
        return PlayConfig(path, title, tuple(cast), language)

    def cast_member(self, node: yaml.Node) -> CastMember:
        entries = self.mapping(node, "a cast member", CAST_KEYS)
        for required in ("id", "name"):
            if required not in entries:
                raise self.fail(node, f"a cast member needs `{required}:`")
        aliases: tuple[str, ...] = ()
        if "aliases" in entries:
            aliases = tuple(self.text(a, "alias", MAX_NAME_CHARS)
                            for a in self.sequence(entries["aliases"][1], "aliases"))
        description = self.text(entries["description"][1], "description") if "description" in entries else ""
        return CastMember(self.text(entries["id"][1], "id", MAX_NAME_CHARS),
                          self.text(entries["name"][1], "name", MAX_NAME_CHARS), aliases, description)

    def book(self, book_id: str, key_node: yaml.Node, node: yaml.Node, defaults: Entries) -> BookConfig:
        """A book's settings: each declared key read by its kind, from the book or else (where
        `defaults:` may set it) from the defaults; a section merges the two key by key."""
        what = f"books.{book_id}"
        entries = self.mapping(node, what, tuple(BOOK_SETTINGS))
        if not book_id.replace("-", "").replace("_", "").isalnum():
            raise self.fail(key_node, f"book id {book_id!r} must be letters, digits, '-' or '_'")
        values: dict[str, Any] = {}
        for name, declared in BOOK_SETTINGS.items():
            kind = declared.metadata["kind"]
            if kind == SECTION:
                nodes = [(source[name][1], f"{where}.{name}")
                         for source, where in ((defaults, "defaults"), (entries, what)) if name in source]
                values[name] = self.section(section_class(declared), nodes)
                continue
            found = entries.get(name) or defaults.get(name)
            if found is not None:
                values[name] = self.value(kind, found[1], name)
            elif declared.metadata["required"]:
                raise self.fail(node, f"book {book_id!r} needs `{name}:`")
        if "isbn" in defaults:
            raise self.fail(defaults["isbn"][0], "an ISBN belongs to one book, not to `defaults:`")
        if not values.get("title"):
            raise self.fail(node, f"book {book_id!r} needs a `title:`")
        values.setdefault("language", "en")
        values["language"] = values["language"] or "en"
        values["author_file_as"] = values.get("author_file_as") or _file_as(values.get("author", ""))
        values["identifier"] = (values.get("identifier")
                                or f"urn:uuid:{uuid.uuid5(BOOK_NAMESPACE, book_id)}")
        return BookConfig(id=book_id, location=self.where(key_node), **values)

    def value(self, kind: str, node: yaml.Node, name: str) -> Any:
        """One key's value, read as its declared kind says."""
        if kind == TEXT:
            return self.text(node, name, TEXT_LIMITS.get(name, MAX_TEXT_CHARS))
        if kind == TEXTS:
            return self.texts(node, name)
        if kind == FLAG:
            return self.flag(node, name)
        if kind == ISBN:
            return self.isbn(node)
        if kind == PATHS:
            paths = []
            for item in self.sequence(node, name):
                path = self.text(item, "a manuscript path")
                self.manuscript_exists(path, item)
                paths.append(path)
            return tuple(paths)
        if kind == PATH:
            cover = self.text(node, name)
            self.cover_exists(cover, node)
            return cover
        if kind == FONTS:
            return self.fonts(node)
        raise AssertionError(f"no reader for the kind {kind!r} of {name!r}")

    # -- sections (print:, proof:): defaults' and a book's merge key by key

    def section(self, cls: type, nodes: list[tuple[yaml.Node, str]]) -> Any:
        """`cls` (PrintConfig, ProofConfig, PrinterConfig) from its mappings (node, where it
        is), later ones winning key by key. Each value is read as its key's kind says: one
        of its choices (matched without regard to case), a length, a count. `printer: kdp`
        is short for `printer: {service: kdp}`."""
        declared = settings_of(cls)
        values: dict[str, Any] = {}
        places: dict[str, yaml.Node] = {}
        for node, what in nodes:
            if cls is PrinterConfig and isinstance(node, yaml.ScalarNode):
                values["service"] = self.choice(node, what, declared["service"].metadata["choices"])
                places["service"] = node
                continue
            for key, (key_node, value_node) in self.mapping(node, what, tuple(declared)).items():
                values[key] = self.section_value(declared[key], value_node, f"{what}.{key}")
                places[key] = key_node
        if cls is PrintConfig:
            style = values.get("style") or "book"  # a choice when given: never empty
            values.setdefault("trim", STYLE_TRIMS[style])
        if cls is PrinterConfig:
            self.custom_only(values, places)
        return cls(**values)

    def section_value(self, declared: Any, node: yaml.Node, what: str) -> Any:
        kind = declared.metadata["kind"]
        if kind == LENGTH:
            return self.length(node, what)
        if kind == COUNT:
            return self.count(node, what)
        assert kind == CHOICE
        return self.choice(node, what, declared.metadata["choices"])

    def custom_only(self, values: dict[str, Any], places: dict[str, yaml.Node]) -> None:
        """A preset's rules are the service's own: only `service: custom` sets them."""
        service = values.get("service", "none")
        if service == "custom":
            return
        for key in values:
            if key not in ("service", "paper"):
                raise self.fail(places[key], f"printer.{key} is set by the {service!r} preset; "
                                             "use `service: custom` to set it yourself")

    def length(self, node: yaml.Node, what: str) -> float:
        """A length in inches: `0.125in`, `3.2mm`, `0.32cm` or `9pt`."""
        text = self.text(node, what).strip().lower()
        for unit, inches in (("in", 1.0), ("mm", 1 / 25.4), ("cm", 1 / 2.54), ("pt", 1 / 72)):
            number = text.removesuffix(unit)
            if number != text:
                try:
                    value = float(number) * inches
                except ValueError:
                    break
                if 0 <= value <= MOST_INCHES:
                    return round(value, 6)
                break
        raise self.fail(node, f"{what} must be a length from 0 to {MOST_INCHES:g}in, such as "
                              f"0.125in or 3mm, not {text!r}")

    def count(self, node: yaml.Node, what: str) -> int:
        self.check_tag(node)
        if node.tag != "tag:yaml.org,2002:int" or int(node.value) < 1:
            raise self.fail(node, f"{what} must be a whole number of pages, 1 or more")
        return int(node.value)

    def choice(self, node: yaml.Node, what: str, allowed: tuple[str, ...]) -> str:
        value = self.text(node, what)
        # Choices are matched without regard to case: "a5" and "Letter" mean what they say.
        folded = {option.lower(): option for option in allowed}
        if value.strip().lower() in folded:
            return folded[value.strip().lower()]
        hint = difflib.get_close_matches(value.lower(), list(folded), n=1)
        suggestion = f"; did you mean {folded[hint[0]]!r}?" if hint else ""
        raise self.fail(node, f"{what} must be one of {', '.join(allowed)}, not {value!r}{suggestion}")

    def flag(self, node: yaml.Node, what: str) -> bool:
        self.check_tag(node)
        if node.tag != "tag:yaml.org,2002:bool":
            raise self.fail(node, f"{what} must be true or false")
        return bool(node.value.lower() in ("true", "yes", "on"))

    def isbn(self, node: yaml.Node) -> str:
        """An ISBN-10 or ISBN-13 with a valid check digit; hyphens and spaces are allowed and
        kept, since only the registration agency knows where they go."""
        written = self.text(node, "isbn")
        digits = written.replace("-", "").replace(" ", "").upper()
        if not _isbn_valid(digits):
            raise self.fail(node, f"isbn {written!r} is not a valid ISBN-10 or ISBN-13 "
                                  "(wrong length or check digit)")
        return written.strip()

    def texts(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        """A list of non-empty texts, e.g. `subjects: [Drama, Dialogues]`."""
        values = []
        for item in self.sequence(node, what):
            value = self.text(item, f"an entry of {what}").strip()
            if not value:
                raise self.fail(item, f"an entry of {what} is empty")
            values.append(value)
        return tuple(values)

    def language(self, node: yaml.Node) -> str:
        value = self.text(node, "language").strip()
        if not LANGUAGE_TAG.fullmatch(value):
            raise self.fail(node, f"language {value!r} is not a language tag such as en, en-GB "
                                  "or zh-Hans")
        return value

    def fonts(self, node: yaml.Node) -> tuple[str, ...]:
        """`fonts: [a.otf, b.ttf]`: font files inside the project, each with its licence."""
        paths = []
        for item in self.sequence(node, "fonts"):
            path = self.text(item, "a font path").strip()
            self.font_usable(path, item)
            paths.append(path)
        return tuple(paths)

    def font_usable(self, path: str, node: yaml.Node) -> None:
        resolved = (self.root / path).resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise self.fail(node, f"font {path!r} is outside the project")
        if resolved.suffix.lower() not in FONT_TYPES:
            raise self.fail(node, f"font {path!r} must be an OpenType or TrueType file (.otf, .ttf)")
        try:
            with resolved.open("rb") as handle:
                start = handle.read(4)
        except OSError as exc:
            raise self.fail(node, f"font {path!r} does not exist") from exc
        if start not in FONT_MAGIC:
            raise self.fail(node, f"font {path!r} is not an OpenType or TrueType font")
        if not any(p.is_file() and p.name.lower().startswith(LICENCE_NAMES)
                   for p in resolved.parent.iterdir()):
            raise self.fail(node, f"font {path!r} has no licence beside it: put its licence "
                                  "(OFL.txt, LICENSE...) in the same folder")

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
