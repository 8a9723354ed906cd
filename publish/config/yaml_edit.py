"""Edits of the author's `book.yaml` for `publish new`: add a play's cast under `plays:` and its
manuscript to a book's `manuscripts:`.

The file is the author's: its comments, anchors, key order and quoting must survive, which a
plain load-and-dump would lose. ruamel.yaml's round-trip mode keeps them, with the file's own
indentation (found in its text). The result is checked: loaded again with the reader's safe
loader, it must equal the old data plus exactly the two additions. Anything that fails the
check is refused with a message, and the file is left as it was.
"""

from __future__ import annotations

import copy
import io
import itertools
import re
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RoundTripError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from publish.model import CastMember
from publish.model.errors import ConfigError, Location

SHOWN = "book.yaml"


def add_play(text: str, path: str, cast: list[CastMember], book_id: str) -> str:
    """`text` with `path` and its cast under `plays:` and `path` appended to the manuscripts
    of book `book_id`; checked by loading both versions."""
    editor = _editor(text)
    try:
        data = editor.load(text)
    except RoundTripError as exc:
        raise _refuse(f"{path!r} (book.yaml does not parse: {exc})") from exc
    if not isinstance(data, CommentedMap):
        raise ConfigError("book.yaml has no `books:`", Location(SHOWN))
    _add_manuscript(data, book_id, path)
    _add_play_entry(data, path, cast)
    out = io.StringIO()
    editor.dump(data, out)
    result = out.getvalue()
    if "\r\n" in text:
        result = result.replace("\r\n", "\n").replace("\n", "\r\n")
    _verify(text, result, path, cast, book_id)
    return result


def _editor(text: str) -> YAML:
    """A round-trip YAML that writes with the file's own indentation."""
    editor = YAML(typ="rt")
    editor.preserve_quotes = True
    editor.width = 4096  # never fold a long line the author wrote on one
    mapping, offset = _indentation(text)
    editor.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    return editor


def _indentation(text: str) -> tuple[int, int]:
    """(a mapping's indent, a block sequence's dash offset from its key) as the file writes
    them; 2 and 2 where it shows none."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    mapping = offset = None
    for before, line in itertools.pairwise(lines):
        key = re.match(r"^( *)[^\s-][^:]*:\s*(#.*)?$", before)
        if not key:
            continue
        indent = len(line) - len(line.lstrip(" "))
        if line.lstrip().startswith("- "):
            offset = indent - len(key.group(1)) if offset is None else offset
        elif indent > len(key.group(1)) and mapping is None:
            mapping = indent - len(key.group(1))
    return mapping or 2, 2 if offset is None else max(offset, 0)


def _scalar(value: str) -> str:
    """`value`, double-quoted where book.yaml's reader (PyYAML, YAML 1.1) would read the plain
    scalar as something else (`yes`, `1.0`, `~`); ruamel writes YAML 1.2, which would not
    quote it."""
    try:
        plain_reads_back = yaml.safe_load(value) == value
    except yaml.YAMLError:
        plain_reads_back = False
    return value if plain_reads_back else DoubleQuotedScalarString(value)


def _refuse(what: str) -> ConfigError:
    return ConfigError(f"cannot add {what} to book.yaml automatically; add it by hand",
                       Location(SHOWN))


def _add_manuscript(data: CommentedMap, book_id: str, path: str) -> None:
    books = data.get("books")
    if not isinstance(books, dict):
        raise ConfigError("book.yaml has no `books:`", Location(SHOWN))
    book = books.get(book_id)
    if not isinstance(book, dict):
        raise ConfigError(f"no book named {book_id!r} in book.yaml", Location(SHOWN))
    manuscripts = book.get("manuscripts")
    if not isinstance(manuscripts, list):
        raise _refuse(f"the manuscript to book {book_id!r} (it has no `manuscripts:` list)")
    manuscripts.append(_scalar(path))


def _add_play_entry(data: CommentedMap, path: str, cast: list[CastMember]) -> None:
    if data.get("plays") is None:
        plays = CommentedMap()
        if "plays" in data:
            data["plays"] = plays
        else:  # a new `plays:` section, before `books:`
            data.insert(list(data).index("books"), "plays", plays)
    plays = data["plays"]
    if not isinstance(plays, dict):
        raise _refuse("the play under `plays:` (it is not a mapping)")
    members = CommentedSeq(CommentedMap([("id", _scalar(member.id)), ("name", _scalar(member.name))])
                           for member in cast)
    if not cast:
        members.fa.set_flow_style()
    entry = CommentedMap([("cast", members)])
    if not cast:
        entry.yaml_add_eol_comment("- {id: ..., name: ..., description: ...}", "cast")
    if isinstance(plays, CommentedMap) and plays.fa.flow_style():
        plays.fa.set_block_style()  # `plays: {}` becomes a block holding the new play
    trailing = _take_trailing_comment(plays)
    plays[_scalar(path)] = entry
    if trailing is not None:  # the blank line (and comments) before the next section
        _put_trailing_comment(plays, trailing)


def _last_holder(node: Any) -> tuple[Any, Any] | None:
    """(container, key) of the last value written in `node`'s block, deepest first: where
    ruamel keeps the comment (often a blank line) that follows the block."""
    holder = None
    while isinstance(node, (CommentedMap, CommentedSeq)) and node and not node.fa.flow_style():
        key = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        holder, node = (node, key), node[key]
    return holder


def _take_trailing_comment(node: Any) -> Any:
    found = _last_holder(node)
    if found is None:
        return None
    container, key = found
    slot = 2 if isinstance(container, CommentedMap) else 0
    items = container.ca.items.get(key)
    if not items or items[slot] is None:
        return None
    token, items[slot] = items[slot], None
    return token


def _put_trailing_comment(node: Any, token: Any) -> None:
    found = _last_holder(node)
    if found is None:
        return
    container, key = found
    slot = 2 if isinstance(container, CommentedMap) else 0
    items = container.ca.items.setdefault(key, [None, None, None, None])
    if items[slot] is None:
        items[slot] = token
    else:  # an end-of-line comment there already: the blank line follows it
        items[slot].value = items[slot].value.rstrip("\n") + token.value


def _verify(old: str, new: str, path: str, cast: list[CastMember], book_id: str) -> None:
    try:
        before, after = yaml.safe_load(old), yaml.safe_load(new)
    except yaml.YAMLError as exc:
        raise _refuse(f"{path!r}") from exc
    expected: dict[str, Any] = copy.deepcopy(before)
    entry = {"cast": [{"id": member.id, "name": member.name} for member in cast]}
    if expected.get("plays") is None:
        expected["plays"] = {}
    expected["plays"][path] = entry
    expected["books"][book_id]["manuscripts"].append(path)
    if after != expected:
        raise _refuse(f"{path!r}")
