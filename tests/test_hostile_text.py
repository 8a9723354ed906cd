"""Issue 20, classes 4, 8 (environment) and 9: text an output cannot hold, the build date, and
limits that keep the cost of a manuscript proportional to its size.

- A character XML cannot hold (C0 and C1 controls, surrogates, non-characters), typed or
  written as a character reference, anywhere (a speech, a title, alt text, a link's URL):
  M502 at path:line:col, an error in a release (nothing at all is written, not even the
  outputs that would have passed), a warning in a draft, whose outputs show U+FFFD; nothing
  invalid ever reaches an EPUB. In book.yaml (YAML escapes write them) it is a config error.
- SOURCE_DATE_EPOCH that is not a date from 1970 to 9999: a usage error (exit 2).
- Past the limits (title and name length, scene and speech counts, brackets before emphasis
  marks in a paragraph), a message at once (exit 4); within them, overlong words laid out in
  time proportional to their length (break opportunities; WeasyPrint's page_values).
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from conftest import run_cli
from test_hostile import CAST_YAML, assert_clean_failure, project

# One of each kind no output may hold, as typed and as pandoc decodes a reference.
BAD = {"control": "\x01", "escape": "\x1b", "c1": "\x85", "noncharacter": "\ufdd0",
       "fffe": "\ufffe", "plane-end": "\U0010ffff"}
REFERENCES = {"ffff": "&#xFFFF;", "one": "&#1;", "surrogate": "&#xD800;", "nul": "&#0;",
              "vertical-tab": "&#11;", "plane-1": "&#x1FFFE;"}


def xhtml_texts(epub: Path) -> list[str]:
    with zipfile.ZipFile(epub) as archive:
        return [archive.read(name).decode("utf-8") for name in archive.namelist()
                if name.endswith((".xhtml", ".opf", ".ncx"))]


@pytest.mark.parametrize("text", [*BAD.values(), *REFERENCES.values()], ids=[*BAD, *REFERENCES])
def test_unrepresentable_characters_fail_a_release_at_their_place(tmp_path: Path, text: str) -> None:
    root = project(tmp_path, f"## T\n\n**Simplicia**: One {text} two.\n")
    result = run_cli("all", cwd=root)
    assert_clean_failure(
        result, 1, r"play\.md:3:20: error\[M502\]: character U\+[0-9A-F]{4,6} cannot be in a book")
    assert not (root / "dist").exists() or not list((root / "dist").iterdir()), "something was written"


@pytest.mark.parametrize("where, source, position", [
    ("title", "## Ti\x01tle\n\n**Simplicia**: Hi.\n", "1:6"),
    ("alt-text", "## T\n\n**Simplicia**: Look.\n\n![a &#1; picture](x.png)\n", "5:5"),
    ("link-url", "## T\n\n**Simplicia**: [here](http://example.com/&#x1;) now.\n", "3:16"),
    ("scene", "## T\n\n### Scene 1: The \uffff\n\n**Simplicia**: Hi.\n", "3:18"),
    ("speaker", "## T\n\n**Simp\x02licia**: Hi.\n", "3:7"),
    ("code", "## T\n\n**Simplicia**: `a\x01b`\n", "3:16"),
], ids=lambda value: value if isinstance(value, str) and len(value) < 12 else "")
def test_every_kind_of_text_is_checked(tmp_path: Path, where: str, source: str, position: str) -> None:
    """In a title the message named a temporary file, after the PDF and proof were written."""
    root = project(tmp_path, source, draft=False)
    result = run_cli("all", cwd=root)
    assert result.returncode == 1, result.stderr
    assert re.search(rf"play\.md:{position}: error\[M502\]", result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "dist").exists() or not list((root / "dist").iterdir())


def test_a_draft_shows_the_replacement_character_and_its_epub_is_xml(tmp_path: Path) -> None:
    from lxml import etree
    source = ("## Ti\x01tle &#xFFFF;\n\n### Scene 1: S\x7f\n\n**Simplicia**: One \x01 two &#1; three "
              "[link](http://x.org/&#2;) ![alt\x03](missing.png)\n\n**Do\x1bomimir**: Hi.\n")
    root = project(tmp_path, source, draft=True)
    result = run_cli("all", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "warning[M502]" in result.stderr
    texts = xhtml_texts(root / "dist" / "b.epub")
    joined = "".join(texts)
    assert "\ufffd" in joined
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]", joined)
    with zipfile.ZipFile(root / "dist" / "b.epub") as archive:
        for name in archive.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx")):
                etree.fromstring(archive.read(name))  # well-formed XML, or this raises


def test_a_draft_epub_with_replaced_characters_passes_epubcheck(tmp_path: Path) -> None:
    from epubcheck_support import check_epubs
    root = project(tmp_path, "## T &#xFFFF;\n\n**Simplicia**: One \x01 two &#1; three.\n", draft=True)
    assert run_cli("epub", cwd=root).returncode == 0
    report = check_epubs({"draft": root / "dist" / "b.epub"})["draft"]
    fatal = [m for m in report["messages"] if m["severity"] in ("FATAL", "ERROR")]
    assert not fatal, fatal


@pytest.mark.parametrize("yaml_text, pattern", [
    (CAST_YAML + 'books:\n  b:\n    title: "B\\x01"\n    manuscripts: [play.md]\n',
     r"book\.yaml:9:12: error: title holds the character U\+0001"),
    ("plays:\n  play.md:\n    cast:\n      - {id: simplicia, name: \"Simp\\uFFFFlicia\"}\n"
     "books:\n  b:\n    title: B\n    manuscripts: [play.md]\n",
     r"book\.yaml:4:31: error: name holds the character U\+FFFF"),
    ('defaults:\n  rights: "\\x1b[31m"\nbooks:\n  b:\n    title: B\n    manuscripts: [play.md]\n',
     r"book\.yaml:2:11: error: rights holds the character U\+001B"),
    ("books:\n  b:\n    title: " + "T" * 301 + "\n    manuscripts: [play.md]\n",
     r"book\.yaml:3:12: error: title is 301 characters long; the limit is 300"),
    ("plays:\n  play.md:\n    cast:\n      - {id: s, name: " + "N" * 101 + "}\n"
     "books:\n  b:\n    title: B\n    manuscripts: [play.md]\n",
     r"book\.yaml:4:\d+: error: name is 101 characters long; the limit is 100"),
], ids=["title", "cast-name", "rights", "long-title", "long-name"])
def test_book_yaml_texts_are_checked(tmp_path: Path, yaml_text: str, pattern: str) -> None:
    root = project(tmp_path, book_yaml=yaml_text)
    assert_clean_failure(run_cli("all", cwd=root), 3, pattern)


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=("Cs",)),
               max_size=20))
def test_no_character_reaches_a_model_unchecked(text: str) -> None:
    """Property: whatever a word holds, after reading every string of the model is XML text."""
    from publish import model as m
    from publish.reading.characters import xml_characters
    from publish.reading.normalize import normalize
    from publish.reading.pandoc import parse_markdown
    from publish.reading.source import decode
    from publish.support.xmlchars import INVALID

    source = decode(f"## T{text}\n\n**A**: x{text}y [l](u{text.replace(')', '')}) ![{text}](i.png)\n".encode(
        "utf-8", "surrogatepass"), "p.md")
    ast = parse_markdown(source, "p.md")
    xml_characters(ast, "p.md")
    play, _ = normalize(ast, "p.md")
    strings = [play.meta.title] + [value for node in m.walk(play) for value in vars(node).values()
                                   if isinstance(value, str)]
    assert not any(INVALID.search(value) for value in strings)


# ---------------------------------------------------------------- the build date


@pytest.mark.parametrize("epoch", ["-1", "abc", "1.5", "253402300800", "99999999999999", "0x10"])
def test_source_date_epoch_that_is_no_date_is_a_usage_error(tmp_path: Path, epoch: str) -> None:
    root = project(tmp_path)
    result = run_cli("pdf", cwd=root, SOURCE_DATE_EPOCH=epoch)
    assert_clean_failure(result, 2, rf"SOURCE_DATE_EPOCH='{re.escape(epoch)}' is not a build date")
    assert not (root / "dist" / "b.pdf").exists()


@pytest.mark.parametrize("epoch", ["0", "253402300799"], ids=["1970", "9999"])
def test_the_ends_of_the_date_range_build(tmp_path: Path, epoch: str) -> None:
    """A zip (an EPUB) holds dates from 1980 to 2107 only: the entries' dates are held there."""
    root = project(tmp_path)
    result = run_cli("all", "--no-cache", cwd=root, SOURCE_DATE_EPOCH=epoch)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(root / "dist" / "b.epub") as archive:
        assert archive.testzip() is None


# ---------------------------------------------------------------- limits


def random_word(length: int, seed: int = 1) -> str:
    import random
    pick = random.Random(seed)
    return "".join(pick.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(length))


@pytest.mark.parametrize("source, pattern", [
    ("## " + random_word(3000) + "\n\n**Simplicia**: Hi.\n",
     r"play\.md:1:1: error: the play's title is 3000 characters long; the limit is 300"),
    ("## T\n\n### Scene 1: " + random_word(400) + "\n\n**Simplicia**: Hi.\n",
     r"play\.md:3:1: error: a scene's title is 400 characters long; the limit is 300"),
    ("## T\n\n" + "".join(f"### Scene {n}: S\n\n**Simplicia**: Hi.\n\n" for n in range(10_000)),
     r"play\.md:\d+:1: error: more than 1000 scenes"),
    ("## T\n\n" + "".join(f"**Simplicia**: Hi {n}.\n\n" for n in range(100_000)),
     r"play\.md:\d+:1: error: more than 10000 speeches"),
    ("## T\n\n**Simplicia**: " + "_[" * 50_000 + "\n",
     r"play\.md:3:1: error: this paragraph mixes too many square brackets with emphasis marks"),
    ("## T\n\n**Simplicia**: " + "[a]" * 3000 + " x_" * 3000 + "\n",
     r"play\.md:3:1: error: this paragraph mixes too many square brackets"),
], ids=["title", "scene-title", "scenes", "speeches", "brackets-nested", "brackets-then-marks"])
def test_past_the_limits_is_a_message_at_once(tmp_path: Path, source: str, pattern: str) -> None:
    """Each took minutes (or did not finish) and gigabytes: now refused before any layout."""
    root = project(tmp_path, source)
    assert_clean_failure(run_cli("pdf", cwd=root, timeout=120), 4, pattern)


def test_a_label_past_a_name_s_length_is_prose_laid_out_in_proportion(tmp_path: Path) -> None:
    """A 30,000-character bold "name" took over 60 s: no speaker's label is that long
    (recognize.MAX_LABEL_CHARS), so it is prose, one long word given break opportunities."""
    from publish.reading.recognize import MAX_LABEL_CHARS
    root = project(tmp_path, "## T\n\n**" + "x" * 30_000 + "**: Hi.\n")
    result = run_cli("pdf", cwd=root, timeout=120)
    assert result.returncode == 0, result.stderr
    assert MAX_LABEL_CHARS < 30_000
    text = subprocess.run(["pdftotext", str(root / "dist" / "b.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert text.count("x") >= 30_000, "the long word was not laid out whole"


def test_the_plain_dialect_counts_speeches_too(tmp_path: Path) -> None:
    """Speeches written `Name: text` are counted on the model (the text's first count sees
    only bold tags)."""
    source = "".join(f"Simplicia: Line {n}.\n\nDoomimir: Reply {n}.\n\n" for n in range(5001))
    root = project(tmp_path, source)
    assert_clean_failure(run_cli("check", cwd=root, timeout=300), 4, r"more than 10000 speeches")


def test_brackets_alone_stay_legal(tmp_path: Path) -> None:
    """What costs pandoc is emphasis marks after brackets, not brackets: escaped brackets
    are letters, and marks before the brackets cost nothing."""
    source = ("## T\n\n**Simplicia**: " + "\\[a\\]" * 3000 + " x_" * 3000 + "\n\n" + "_x_ " * 3000
              + "[" * 5000 + "\n")
    root = project(tmp_path, source)
    result = run_cli("check", cwd=root, timeout=120)
    assert result.returncode == 0, result.stderr


def test_overlong_words_get_break_opportunities_only_in_text() -> None:
    from publish.render.long_words import EVERY, LONG_RUN, ZERO_WIDTH_SPACE, breakable
    word = random_word(LONG_RUN * 4)
    url = "https://example.com/" + "a" * 300
    html = (f'<html><head><title>{word}</title></head><body><p class="x">{word} short '
            f'<a href="{url}">{word}&amp;{word}</a></p></body></html>')
    result = breakable(html)
    head, body = result.split("</head>")
    assert word in head and ZERO_WIDTH_SPACE not in head
    assert f'href="{url}"' in body, "attributes are left alone"
    assert "&amp;" in body
    assert word not in body.replace(ZERO_WIDTH_SPACE, "X")
    assert body.replace(ZERO_WIDTH_SPACE, "") == html.split("</head>")[1]
    pieces = re.split(f"[{ZERO_WIDTH_SPACE} <>;&]", body)
    assert max(len(piece) for piece in pieces if "=" not in piece) <= max(EVERY, LONG_RUN)


def test_short_words_are_left_as_they_are() -> None:
    from publish.render.long_words import LONG_RUN, breakable
    words = " ".join(random_word(LONG_RUN, seed) for seed in range(50))
    text = "<html><head></head><body><p>" + words + "</p></body></html>"
    assert breakable(text) == text


def test_page_values_correction_finds_the_same_children() -> None:
    """The corrected ParentBox.page_values uses the first and last children in flow, as the
    original's list did: checked on mixed children (floats, absolute, in flow)."""
    from publish.render.weasy.patches import flow_ends

    class Child:
        def __init__(self, flow: bool, floated: bool = False):
            self.flow, self.floated = flow, floated

        def is_in_normal_flow(self) -> bool:
            return self.flow

        def is_floated(self) -> bool:
            return self.floated

    import itertools
    kinds = [(True, False), (False, True), (False, False)]
    for length in range(6):
        for combination in itertools.product(kinds, repeat=length):
            children = [Child(*kind) for kind in combination]
            listed = [c for c in children if c.is_in_normal_flow() or c.is_floated()]
            expected = listed if len(listed) < 2 else [listed[0], listed[-1]]
            assert flow_ends(children) == expected
