"""Textual edits of `book.yaml` for `publish new`: add a play's cast under `plays:` and its
manuscript to a book's `manuscripts:`.

The file is the author's: its comments, anchors, key order and quoting must survive, which a
load-and-dump round trip would lose. So lines are inserted, nothing else is touched, and the
result is checked: loaded again, it must equal the old data plus exactly the two additions.
Anything this editor cannot place (flow-style `plays: {...}`, say) is refused with a message,
and the file is left as it was.
"""

from __future__ import annotations

import copy
import json
import re

import yaml

from publish.model.errors import ConfigError, Location
from publish.model import CastMember

SHOWN = "book.yaml"
PLAIN = re.compile(r"[A-Za-z0-9][\w .’'/-]*")


def scalar(value: str) -> str:
    """The value as a YAML scalar: plain when it reads back as the same string, else
    double-quoted (JSON strings are valid YAML)."""
    if PLAIN.fullmatch(value) and yaml.safe_load(value) == value and not value.endswith(" "):
        return value
    return json.dumps(value, ensure_ascii=False)


def add_play(text: str, path: str, cast: list[CastMember], book_id: str) -> str:
    """`text` with `path` and its cast under `plays:` and `path` appended to the manuscripts
    of book `book_id`; checked by loading both versions."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines()
    lines = _with_play_entry(lines, path, cast)
    lines = _with_manuscript(lines, book_id, path)
    result = newline.join(lines) + newline
    _verify(text, result, path, cast, book_id)
    return result


# ---------------------------------------------------------------- finding blocks


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block(lines: list[str], start: int, indent: int) -> int:
    """The end (exclusive) of the block opened by the key at `start`: the next content line
    indented at most `indent`, or the end of the file."""
    for index in range(start + 1, len(lines)):
        if _is_content(lines[index]) and _indent(lines[index]) <= indent:
            return index
    return len(lines)


def _last_content(lines: list[str], start: int, end: int) -> int:
    """The last content line of lines[start:end] (the key line itself if the block is empty):
    new lines go after it, so comments that open the next block stay with it."""
    for index in range(end - 1, start, -1):
        if _is_content(lines[index]):
            return index
    return start


def _key_line(lines: list[str], key: str, indent: int, start: int = 0, end: int | None = None
              ) -> tuple[int, str] | None:
    """The line (and what follows the colon) where `key:` opens at exactly `indent`."""
    pattern = re.compile(rf"^ {{{indent}}}{re.escape(key)}:(\s.*)?$")
    for index in range(start, len(lines) if end is None else end):
        match = pattern.match(lines[index])
        if match:
            return index, _strip_comment(match.group(1) or "")
    return None


def _strip_comment(rest: str) -> str:
    return re.sub(r"(^|\s)#.*$", "", rest).strip()


def _child_indent(lines: list[str], start: int, end: int, parent: int) -> int:
    for index in range(start + 1, end):
        if _is_content(lines[index]):
            return _indent(lines[index])
    return parent + 2


def _refuse(what: str) -> ConfigError:
    return ConfigError(f"cannot add {what} to book.yaml automatically; add it by hand",
                       Location(SHOWN))


# ---------------------------------------------------------------- the two edits


def _with_play_entry(lines: list[str], path: str, cast: list[CastMember]) -> list[str]:
    found = _key_line(lines, "plays", 0)
    if found is None:  # no plays: section yet: open one before books:
        books = _key_line(lines, "books", 0)
        at = books[0] if books else len(lines)
        return lines[:at] + ["plays:", *_entry(path, cast, 2)] + lines[at:]
    start, rest = found
    if rest not in ("", "{}"):
        raise _refuse("the play under `plays:` (written in flow style)")
    end = _block(lines, start, 0)
    child = _child_indent(lines, start, end, 0)
    head = lines[start].replace("{}", "", 1).rstrip() if rest == "{}" else lines[start]
    at = _last_content(lines, start, end) + 1
    return lines[:start] + [head] + lines[start + 1:at] + _entry(path, cast, child) + lines[at:]


def _entry(path: str, cast: list[CastMember], indent: int) -> list[str]:
    pad = " " * indent
    entry = [f"{pad}{scalar(path)}:"]
    if not cast:
        return entry + [f"{pad * 2}cast: []  # - {{id: ..., name: ..., description: ...}}"]
    entry.append(f"{pad * 2}cast:")
    for member in cast:
        entry.append(f"{pad * 3}- id: {scalar(member.id)}")
        entry.append(f"{pad * 3}  name: {scalar(member.name)}")
    return entry


def _with_manuscript(lines: list[str], book_id: str, path: str) -> list[str]:
    books = _key_line(lines, "books", 0)
    if books is None:
        raise ConfigError("book.yaml has no `books:`", Location(SHOWN))
    books_end = _block(lines, books[0], 0)
    book_indent = _child_indent(lines, books[0], books_end, 0)
    book = _key_line(lines, book_id, book_indent, books[0], books_end)
    if book is None:
        raise ConfigError(f"no book named {book_id!r} in book.yaml", Location(SHOWN))
    book_end = _block(lines, book[0], book_indent)
    key_indent = _child_indent(lines, book[0], book_end, book_indent)
    found = _key_line(lines, "manuscripts", key_indent, book[0], book_end)
    if found is None:
        raise _refuse(f"the manuscript to book {book_id!r} (it has no `manuscripts:`)")
    at, rest = found
    if rest.startswith("[") and rest.endswith("]"):
        return lines[:at] + [_flow_append(lines[at], path)] + lines[at + 1:]
    if rest:
        raise _refuse(f"the manuscript to book {book_id!r}")
    items = [i for i in range(at + 1, book_end)
             if _is_content(lines[i]) and lines[i].lstrip().startswith("- ")]
    if not items:
        raise _refuse(f"the manuscript to book {book_id!r} (its `manuscripts:` list is empty)")
    last = items[-1]
    item = " " * _indent(lines[last]) + "- " + scalar(path)
    return lines[:last + 1] + [item] + lines[last + 1:]


def _flow_append(line: str, path: str) -> str:
    """`manuscripts: [a, b]  # comment` -> `manuscripts: [a, b, path]  # comment`."""
    close = line.index("]", line.index("manuscripts:"))
    inside = line[line.index("[") + 1:close].strip()
    return line[:close].rstrip() + (", " if inside else "") + scalar(path) + line[close:]


# ---------------------------------------------------------------- the check


def _verify(old: str, new: str, path: str, cast: list[CastMember], book_id: str) -> None:
    try:
        before, after = yaml.safe_load(old), yaml.safe_load(new)
    except yaml.YAMLError as exc:
        raise _refuse(f"{path!r}") from exc
    expected = copy.deepcopy(before)
    entry = {"cast": [{"id": member.id, "name": member.name} for member in cast]}
    expected.setdefault("plays", {})
    if expected["plays"] is None:
        expected["plays"] = {}
    expected["plays"][path] = entry
    expected["books"][book_id]["manuscripts"].append(path)
    if after != expected:
        raise _refuse(f"{path!r}")
