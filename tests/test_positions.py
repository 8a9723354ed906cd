"""Source positions (publish/positions.py): found in the text, as pandoc's own `+sourcepos`
would give them, for every word of the author's documents, and on the syntax that makes a
word's place hard to find (escapes, entities, links, code, emphasis, containers)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURE_FILES, MANUSCRIPT_FILES, author_files
from publish import model as m
from publish.reading.normalize import normalize
from publish.reading.pandoc import READER, pandoc_command, parse_markdown
from publish.reading.source import read_manuscript

DOCUMENTS = FIXTURE_FILES + MANUSCRIPT_FILES + author_files()


def pandoc_word_positions(text: str) -> list[tuple[int, int, str]]:
    """(line, column, word) of every word, as pandoc's `+sourcepos` places it."""
    result = subprocess.run([*pandoc_command(len(text)), "--from", READER + "+sourcepos",
                             "--to", "json"], input=text.encode(), capture_output=True, check=True)
    found = []

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if node.get("t") == "Span":
                attr, children = node["c"]
                pos = dict(attr[2]).get("data-pos", "")
                if pos and len(children) == 1 and children[0]["t"] == "Str":
                    line, col = pos.split("-")[0].split(":")
                    found.append((int(line), int(col), children[0]["c"]))
                    return
            walk(node.get("c"))

    walk(json.loads(result.stdout)["blocks"])
    return found


def our_characters(ast: dict) -> dict[tuple[int, int], str]:
    """(line, column) -> character, for every character of every located word."""
    placed = {}

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if node.get("t") == "Str" and node.get("pos"):
                spans = node.get("char_pos") or [
                    m.Span(node["pos"].path, node["pos"].line, node["pos"].col + i)
                    for i in range(len(node["c"]))]
                for span, character in zip(spans, node["c"], strict=True):
                    placed[(span.line, span.col)] = character
            walk(node.get("c"))

    walk(ast["blocks"])
    return placed


@pytest.mark.parametrize("document", DOCUMENTS, ids=[d.stem[:40] for d in DOCUMENTS])
def test_every_word_is_where_pandoc_itself_places_it(document: Path):
    text = read_manuscript(document)
    ours = our_characters(parse_markdown(text, document.name))
    theirs = pandoc_word_positions(text)
    assert len(theirs) > 30, "sourcepos gave too few words to compare"
    misplaced = [(line, col, word) for line, col, word in theirs
                 if ours.get((line, col)) != word[0] and "\t" not in text.split("\n")[line - 1]]
    assert not misplaced, f"{len(misplaced)} of {len(theirs)} words misplaced, first {misplaced[:5]}"


def located(markdown: str):
    """The blocks of a parsed string, each (kind, line, col, inlines)."""
    return parse_markdown(markdown, "p.md")["blocks"]


def pos(node: dict) -> tuple[int, int]:
    return node["pos"].line, node["pos"].col


def test_escaped_and_entity_characters_keep_their_own_columns():
    para = located("a \\[x\\] b&amp;c\n")[0]
    escaped = para["c"][2]  # "[x]" written \[x\]
    assert escaped["c"] == "[x]" and pos(escaped) == (1, 3)
    assert [(s.line, s.col) for s in escaped["char_pos"]] == [(1, 3), (1, 5), (1, 6)]
    entity = para["c"][4]  # "b&c" written b&amp;c
    assert entity["c"] == "b&c" and [s.col for s in entity["char_pos"]] == [9, 10, 15]


def test_a_word_after_a_link_is_not_found_in_its_address():
    para = located("[see](http://a.com/the) the end\n")[0]
    link, _, the = para["c"][:3]
    assert pos(link) == (1, 1) and pos(link["c"][1][0]) == (1, 2)
    assert the["c"] == "the" and pos(the) == (1, 25)


def test_emphasis_starts_at_its_own_delimiter_not_the_closing_one_before_it():
    blocks = located("_[a beat]_\n\n**Simplicia**: *no*\n")
    speech = blocks[1]
    assert pos(speech) == (3, 1) and pos(speech["c"][0]) == (3, 1)  # the `**`
    assert pos(speech["c"][3]) == (3, 16)  # the `*` of *no*


def test_code_spans_links_and_hard_breaks():
    para = located("x `a b` y  \nz\n")[0]
    kinds = [(node["t"], pos(node)) for node in para["c"] if "pos" in node]
    assert kinds == [("Str", (1, 1)), ("Space", (1, 2)), ("Code", (1, 3)), ("Space", (1, 8)),
                     ("Str", (1, 9)), ("LineBreak", (1, 10)), ("Str", (2, 1))]


def test_blocks_start_at_their_markers():
    blocks = located("# Title\n\n  Para one\n\n> quoted\n\n- item\n- two\n\n3. num\n\n---\n\n"
                     "```\ncode\n```\n\nSetext\n======\n\nafter\n")
    assert [(b["t"], pos(b)) for b in blocks] == [
        ("Header", (1, 1)), ("Para", (3, 3)), ("BlockQuote", (5, 1)), ("BulletList", (7, 1)),
        ("OrderedList", (10, 1)), ("HorizontalRule", (12, 1)), ("CodeBlock", (14, 1)),
        ("Header", (18, 1)), ("Para", (21, 1))]
    assert pos(blocks[2]["c"][0]) == (5, 3)  # the quoted paragraph, after `> `
    assert pos(blocks[3]["c"][1][0]) == (8, 3)  # the second item's text


def test_columns_count_characters_not_tab_stops():
    para = located("a\tb é [x\n")[0]
    assert [(n["c"], pos(n)) for n in para["c"] if n["t"] == "Str"] == [
        ("a", (1, 1)), ("b", (1, 3)), ("é", (1, 5)), ("[x", (1, 7))]


def test_a_diagnostic_points_at_the_bracket_inside_a_longer_word():
    _, diagnostics = normalize(parse_markdown("**Simplicia**: so.] Then.\n", "p.md"), "p.md")
    closes_nothing = [d for d in diagnostics if d.code == "M203"]
    assert [(d.location.line, d.location.col) for d in closes_nothing] == [(1, 19)]


def test_text_after_a_note_in_the_same_word_keeps_its_place():
    play, _ = normalize(parse_markdown("[TODO— check this],and go\n", "p.md"), "p.md")
    after = [b for d in play.body for b in d.blocks if not isinstance(b, m.Note)][0]
    assert after.span == m.Span("p.md", 1, 19)


def test_escaped_words_throughout_a_long_manuscript_keep_their_places():
    """Words written with escapes are looked for near the last word matched, not through the
    whole rest of the text each time (which made a megabyte of them take 24 s)."""
    line = "Ann \\[aside\\] a&amp;b \\*not emphasis\\* [link](http://x.org/a_b) end\n\n"
    blocks = located(line * 3000)
    last = blocks[-1]["c"]
    assert pos(blocks[-1]) == (5999, 1)
    aside = next(node for node in last if node.get("c") == "[aside]")
    assert pos(aside) == (5999, 5) and aside["char_pos"][-1].col == 12
    assert pos(next(node for node in last if node.get("c") == "end")) == (5999, 65)


def test_a_word_after_a_long_gap_is_still_found():
    blocks = located("first\n" + "\n" * 5000 + "second word\n")
    assert [(b["c"][0]["c"], pos(b)) for b in blocks] == [("first", (1, 1)), ("second", (5002, 1))]
