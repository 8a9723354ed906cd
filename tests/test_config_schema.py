"""book.yaml declared once (issue 19): the key lists, the JSON Schema editors read
(schema/book.schema.json) and the reference (docs/book-yaml.md) all come from the typed config
(publish/config/settings.py), and the schema agrees with the reader on real and generated
files."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from PIL import Image

from conftest import REPO_ROOT, run_cli
from publish.config import load
from publish.config.schema import book_yaml_reference, book_yaml_schema
from publish.config.settings import (
    BOOK_KEYS,
    BOOK_SETTINGS,
    CHOICE,
    DEFAULT_KEYS,
    PRINT_KEYS,
    SECTION,
    BookConfig,
    PrintConfig,
    section_class,
    settings_of,
)
from publish.model.errors import ConfigError

SCHEMA_FILE = REPO_ROOT / "schema" / "book.schema.json"
REFERENCE_FILE = REPO_ROOT / "docs" / "book-yaml.md"


def validator() -> jsonschema.Draft202012Validator:
    schema = book_yaml_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_and_reference_are_the_generated_ones():
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == book_yaml_schema(), (
        "run: publish schema book > schema/book.schema.json")
    assert REFERENCE_FILE.read_text(encoding="utf-8") == book_yaml_reference() + "\n", (
        "run: publish schema book --doc > docs/book-yaml.md")


def test_the_command_prints_them(tmp_path: Path):
    result = run_cli("schema", "book", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == book_yaml_schema()


def test_key_lists_are_the_typed_config():
    assert tuple(BOOK_SETTINGS) == BOOK_KEYS
    assert set(BOOK_KEYS) < {f for f in BookConfig.__dataclass_fields__}
    assert {"id", "location"}.isdisjoint(BOOK_KEYS)  # not written in book.yaml
    assert PRINT_KEYS == ("trim", "profile", "style", "pdf_variant")
    assert "isbn" not in DEFAULT_KEYS and "manuscripts" not in DEFAULT_KEYS
    # every key of the reference is a declared key, and every declared key is documented
    for key in BOOK_KEYS:
        assert f"| `{key}` |" in book_yaml_reference()
        assert BOOK_SETTINGS[key].metadata["doc"], f"{key} has no documentation"


@pytest.mark.parametrize("root", [REPO_ROOT, REPO_ROOT / "tests" / "fixtures"], ids=["default", "fixtures"])
def test_real_book_yaml_files_are_valid(root: Path):
    validator().validate(yaml.safe_load((root / "book.yaml").read_text(encoding="utf-8")))
    load(root)


def project(tmp_path: Path, book: str, defaults: str = "") -> Path:
    (tmp_path / "play.md").write_text("## P\n\n**A**: Hi.\n", encoding="utf-8")
    Image.new("RGB", (60, 90), "white").save(tmp_path / "cover.png")  # a cover is checked as an image
    (tmp_path / "font.ttf").write_bytes(b"\x00\x01\x00\x00")  # read as a font by its magic
    (tmp_path / "OFL.txt").write_text("SIL Open Font License 1.1", encoding="utf-8")
    text = (f"defaults:\n{defaults}" if defaults else "") + (
        f"books:\n  b:\n    title: T\n    manuscripts: [play.md]\n{book}")
    (tmp_path / "book.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def example_value(name: str, cls: type = BookConfig) -> str:
    """A valid value for a declared key, written as YAML."""
    declared = cls.__dataclass_fields__[name]
    kind = declared.metadata["kind"]
    if kind == CHOICE:
        return str(declared.metadata["choices"][-1])
    if kind == SECTION:
        inner = section_class(declared)
        key = next(iter(settings_of(inner)))
        return "{" + f"{key}: {example_value(key, inner)}" + "}"
    return {"text": "Some text", "texts": "[A, B]", "paths": "[play.md]", "path": "cover.png",
            "flag": "true", "isbn": "978-0-306-40615-7", "fonts": "[font.ttf]"}[kind]


@pytest.mark.parametrize("key", [k for k in BOOK_KEYS if k not in ("title", "manuscripts")])
def test_every_declared_key_is_read_and_valid_in_the_schema(tmp_path: Path, key: str):
    root = project(tmp_path, f"    {key}: {example_value(key)}\n")
    data = yaml.safe_load((root / "book.yaml").read_text(encoding="utf-8"))
    validator().validate(data)
    config = load(root)
    assert getattr(config.books[0], key) != getattr(load(project(tmp_path, "")).books[0], key)


@pytest.mark.parametrize("key", [k for k in DEFAULT_KEYS if k != "title"])  # the helper sets a title
def test_every_defaults_key_is_inherited(tmp_path: Path, key: str):
    root = project(tmp_path, "", defaults=f"  {key}: {example_value(key)}\n")
    validator().validate(yaml.safe_load((root / "book.yaml").read_text(encoding="utf-8")))
    assert getattr(load(root).books[0], key) != getattr(BookConfig("b", "T"), key)


@pytest.mark.parametrize("book, defaults", [
    ("    titel: Typo\n", ""),
    ("    print: {trim: 7x10in}\n", ""),
    ("    draft: maybe\n", ""),
    ("", "  isbn: 978-0-306-40615-7\n"),
    ("    print: {colour: red}\n", ""),
])
def test_schema_and_reader_refuse_the_same_files(tmp_path: Path, book: str, defaults: str):
    root = project(tmp_path, book, defaults)
    with pytest.raises(jsonschema.ValidationError):
        validator().validate(yaml.safe_load((root / "book.yaml").read_text(encoding="utf-8")))
    with pytest.raises(ConfigError):
        load(root)


def test_print_defaults_match_the_declared_defaults():
    assert PrintConfig() == PrintConfig(*(f.default for f in PrintConfig.__dataclass_fields__.values()))
