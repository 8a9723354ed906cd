"""The JSON Schema of `book.yaml` and its reference page, derived from config/settings.py.

`publish schema book` prints the schema (committed as schema/book.schema.json, so editors with
a YAML language server complete and check book.yaml) and `publish schema book --doc` the
reference (committed as docs/book-yaml.md); tests/test_config_schema.py keeps both equal to
what the declarations say.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from publish.config.settings import (
    BOOK_SETTINGS,
    CAST_KEYS,
    CHOICE,
    COUNT,
    FLAG,
    FONTS,
    ISBN,
    LENGTH,
    PATH,
    PATHS,
    SECTION,
    TEXT,
    TEXTS,
    PrinterConfig,
    section_class,
    settings_of,
)

# What config/reader.py's `length` reads: a number and a unit.
LENGTH_PATTERN = r"^ *[0-9]+(\.[0-9]*)? *(in|mm|cm|pt|IN|MM|CM|PT|In|Mm|Cm|Pt) *$"

def _string(doc: str) -> dict[str, Any]:
    return {"type": "string", "description": doc}


def _value_schema(declared: dataclasses.Field[Any]) -> dict[str, Any]:
    meta = declared.metadata
    kind, doc = meta["kind"], meta["doc"]
    if kind in (TEXT, PATH):
        return _string(doc)
    if kind == ISBN:
        return {"type": "string", "description": doc, "pattern": r"^[0-9Xx -]{10,17}$"}
    if kind in (TEXTS, PATHS):
        return {"type": "array", "items": {"type": "string", "minLength": 1}, "description": doc}
    if kind == FONTS:
        return {"type": "array", "description": doc,
                "items": {"type": "string", "pattern": r"(?i)\.(otf|ttf)$"}}
    if kind == FLAG:
        return {"type": "boolean", "description": doc}
    if kind == CHOICE:
        return {"enum": list(meta["choices"]), "description": doc}
    if kind == LENGTH:
        return {"type": "string", "pattern": LENGTH_PATTERN, "description": doc}
    if kind == COUNT:
        return {"type": "integer", "minimum": 1, "description": doc}
    if kind == SECTION:
        section = {"$ref": f"#/$defs/{declared.name}", "description": doc}
        if section_class(declared) is PrinterConfig:
            # `printer: kdp`, short for `printer: {service: kdp}`
            shorthand = _value_schema(settings_of(PrinterConfig)["service"])
            return {"anyOf": [shorthand, {"$ref": section["$ref"]}], "description": doc}
        return section
    raise AssertionError(f"no schema for the kind {kind!r} of {declared.name!r}")


def _section_schema(cls: type) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False,
            "properties": {name: _value_schema(f) for name, f in settings_of(cls).items()}}


def book_yaml_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of book.yaml."""
    book = {name: _value_schema(f) for name, f in BOOK_SETTINGS.items()}
    defaults = {name: value for name, value in book.items() if BOOK_SETTINGS[name].metadata["in_defaults"]}
    required = [name for name, f in BOOK_SETTINGS.items() if f.metadata["required"]]
    sections = {name: _section_schema(section_class(f))
                for name, f in BOOK_SETTINGS.items() if f.metadata["kind"] == SECTION}
    cast_member = {
        "type": "object", "additionalProperties": False, "required": ["id", "name"],
        "properties": {
            "id": _string("the stable id the model uses"),
            "name": _string("the name shown in the dramatis personae"),
            "aliases": {"type": "array", "items": {"type": "string"},
                        "description": "other labels the text uses (nicknames, old names, initials)"},
            "description": _string("shown beside the name in the dramatis personae"),
        }}
    assert tuple(cast_member["properties"]) == CAST_KEYS  # type: ignore[arg-type]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "publish book.yaml",
        "type": "object",
        "additionalProperties": False,
        "required": ["books"],
        "properties": {
            "defaults": {"type": "object", "additionalProperties": False, "properties": defaults,
                         "description": "settings every book inherits unless it sets its own"},
            "plays": {"type": "object", "description": "per manuscript (path relative to "
                      "book.yaml), what the file itself cannot say",
                      "additionalProperties": {"$ref": "#/$defs/play"}},
            "books": {"type": "object", "minProperties": 1,
                      "description": "each book's id (letters, digits, - and _) and settings",
                      "propertyNames": {"pattern": "^[A-Za-z0-9_-]+$"},
                      "additionalProperties": {"$ref": "#/$defs/book"}},
        },
        "$defs": {
            "book": {"type": "object", "additionalProperties": False, "required": required,
                     "properties": book},
            "play": {"type": "object", "additionalProperties": False, "properties": {
                "title": _string("overrides the title the manuscript's first heading gives"),
                "cast": {"type": "array", "items": {"$ref": "#/$defs/cast_member"},
                         "description": "optional: inferred from the speakers when absent"},
                "language": {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
                             "description": "the play's own language (BCP 47), when not the "
                                            "book's: its lang attributes and hyphenation"}}},
            "cast_member": cast_member,
            **sections,
        },
    }


def book_yaml_reference() -> str:
    """docs/book-yaml.md: every key, its kind, default and meaning."""
    lines = ["# `book.yaml` reference", "",
             "Generated from `publish/config/settings.py` by `publish schema book --doc`; the JSON",
             "Schema is `schema/book.schema.json` (see the README on pointing an editor at it).", "",
             "## A book's keys (under `books: <id>:`)", "",
             "| key | value | default | in `defaults:` | meaning |", "|---|---|---|---|---|"]
    for name, declared in BOOK_SETTINGS.items():
        lines.append(_row(name, declared))
    for name, declared in BOOK_SETTINGS.items():
        if declared.metadata["kind"] != SECTION:
            continue
        cls = section_class(declared)
        lines += ["", f"## `{name}:`", "", "| key | value | default | meaning |", "|---|---|---|---|"]
        for key, inner in settings_of(cls).items():
            lines.append(_row(key, inner, with_defaults_column=False))
    lines += ["", "## `plays: <manuscript path>:`", "",
              "| key | value | meaning |", "|---|---|---|",
              "| `title` | text | overrides the title the manuscript's first heading gives |",
              "| `cast` | list of `{id, name, aliases, description}` | the play's characters; "
              "labels in the text resolve to them by id, name, first name or alias |",
              "| `language` | text (BCP 47) | the play's own language, when not the book's: its "
              "lang attributes and hyphenation |", ""]
    return "\n".join(lines)


def _row(name: str, declared: dataclasses.Field[Any], with_defaults_column: bool = True) -> str:
    meta = declared.metadata
    kind = {TEXT: "text", TEXTS: "list of texts", PATHS: "list of paths", PATH: "path",
            FLAG: "true or false", ISBN: "text (ISBN)", SECTION: "mapping",
            FONTS: "list of font files", LENGTH: "length (`0.125in`, `3mm`)",
            COUNT: "number of pages"}.get(meta["kind"])
    if meta["kind"] == CHOICE:
        kind = ", ".join(f"`{c}`" for c in meta["choices"])
    default = "required" if meta["required"] else _default(declared)
    cells = [f"`{name}`", kind or "", default]
    if with_defaults_column:
        cells.append("yes" if meta["in_defaults"] else "")
    cells.append(meta["doc"])
    return "| " + " | ".join(cells) + " |"


def _default(declared: dataclasses.Field[Any]) -> str:
    if declared.default is dataclasses.MISSING:
        return ""
    value = declared.default
    if value in ("", (), None):
        return "none" if declared.metadata["kind"] == CHOICE else ""
    return f"`{str(value).lower() if isinstance(value, bool) else value}`"
