"""Issue 22: `publish fmt` on any Markdown, generated from the whole CommonMark grammar
(tests/commonmark_strategies.py): idempotent, and the model of its output is the model of
its input, up to source positions. Every failure the generator found is kept below as an
explicit regression case.

CI runs a small derandomized sample; `make fuzz` runs thousands of random documents."""

from __future__ import annotations

import pytest
from hypothesis import given

from commonmark_strategies import markdown_document
from publish import model as m
from publish.commands.format_files import format_text
from publish.reading.fmt import format_play
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown


def _model(text: str) -> m.Play:
    return m.strip_spans(normalize(parse_markdown(text, "x.md"), "x.md")[0])


def assert_fmt_keeps_the_model(text: str) -> str:
    once = format_text(text, "x.md")
    assert _model(once) == _model(text), f"fmt changed the model:\n{text!r}\n=>\n{once!r}"
    assert format_text(once, "x.md") == once, f"fmt is not idempotent:\n{text!r}\n=>\n{once!r}"
    return once


@given(markdown_document())
def test_fmt_keeps_the_model_of_generated_commonmark(text: str) -> None:
    assert_fmt_keeps_the_model(text)


# Written canonically by the formatter itself (fmt.py): the model alone gives them back.
CANONICAL = [
    # the issue's
    "a&#10;b c\n",                                   # an entity newline: one paragraph, not two
    "## T\n\na&#10;b c\n",
    "## T\n\n**A**: [text](<dest\nwith a newline>) is no link\n",
    "## T\n\n### foo \\###\n",                      # an escaped closing sequence
    "### foo \\###\n",
    "## T\n\n> ### foo \\###\n",
    "## T\n\n<http://a\\_b.com>\n",                  # an autolink with a backslash
    "## T\n\n<div>\nx\n\ny\n</div>\n",               # an HTML block over lines (kept as code)
    "## T\n\n`` `a` b `` and `  a  `\n",            # backticks and spaces in code spans
    "## T\n\n**CM**: perfectly learn*[ing]* and perfectly maximiz*[ing]*\n",
    # found by the generator
    "## T\n\n> [<https://example.com>](https://example.com/x)\n",
    "hello\n\n- hello\n  hello\n  ===\n",
    "hello\n\n&#9;\n",
    "hello\n\nhello\n\nhello\n\n- -\n\n  hello\n",
    "-\n\n[[hello](https://x.y/a b)](https://example.com/x)\n",
    '> [hello](https://example.com/x "a\n> line")\n> ===\n',
    "*_hello_*\n",
    "hello &#32; hello\n",
    "hello\n\n0. -     code\n",
    "*&nbsp;*\n",
    "a*&#9;*b\n",
    "hello __a**hello**b__\n",
    "-\n\n\\![hello](https://example.com/x)\n",
    "-\n\n[`[`](https://example.com/x)\n",
]


@pytest.mark.parametrize("text", CANONICAL)
def test_the_canonical_writer_keeps_these(text: str) -> None:
    play = normalize(parse_markdown(text, "x.md"), "x.md")[0]
    once = format_play(play)
    assert _model(once) == m.strip_spans(play), f"{text!r}\n=>\n{once!r}"
    assert format_play(normalize(parse_markdown(once, "x.md"), "x.md")[0]) == once
    assert_fmt_keeps_the_model(text)


# Constructs the canonical dialect cannot write back: `publish fmt` keeps their part of the
# play as it was written (reformat.py), byte for byte.
KEPT_AS_WRITTEN = [
    ("a***a*&amp;*b***b\n", "a***a*&amp;*b***b"),   # strong around emphasis, inside a word
    ("#\n\nhello\n", "#"),                           # an empty heading before a title-like line
]


@pytest.mark.parametrize("text, kept", KEPT_AS_WRITTEN)
def test_what_fmt_cannot_write_canonically_is_kept_as_written(text: str, kept: str) -> None:
    play = normalize(parse_markdown(text, "x.md"), "x.md")[0]
    assert _model(format_play(play)) != m.strip_spans(play)  # the canonical form would change it
    once = assert_fmt_keeps_the_model(text)
    assert kept in once.splitlines()
