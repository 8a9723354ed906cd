"""The normalizer on small Markdown cases: one convention per test, then "no word lost" on the
author's seeds."""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest

from conftest import FIXTURE_FILES, MANUSCRIPT_FILES, SEEDS_DIR, SHARED_PRESENT
from publish import model as m
from publish.build.assemble import read_play
from publish.config import PlayConfig
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown

# The repository's fixtures and manuscripts, and the author's seeds where ../shared is.
DOCUMENTS = FIXTURE_FILES + MANUSCRIPT_FILES + (sorted(SEEDS_DIR.glob("*.txt")) if SHARED_PRESENT else [])

CAST = (
    m.CastMember("simplicia", "Simplicia Optimistovna", ("Simplicia",)),
    m.CastMember("doomimir", "Doomimir Doomovitch", ("Doomimir", "Doomer")),
    m.CastMember("mail-carrier", "A Mail Carrier", ("Mail Carrier",)),
)


def parse(markdown: str, cast: tuple[m.CastMember, ...] = (), path: str = "play.md"):
    """(play, diagnostics) for a Markdown string, as `publish` reads a manuscript."""
    return normalize(parse_markdown(markdown, path), path, cast)


def nodes(tree, cls):
    return [node for node in m.walk(tree) if isinstance(node, cls)]


def blocks(play: m.Play) -> list:
    """The drama blocks of a play, front matter and every division, in order."""
    result = list(play.front)
    for division in play.body:
        result.extend(division.blocks)
    return result


def text(node) -> str:
    return m.plain_text(node)


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


# ---------------------------------------------------------------- speaker tags


@pytest.mark.parametrize("markdown", [
    "**Simplicia**: Hello there.",
    "**Simplicia:** Hello there.",
], ids=["colon-outside", "colon-inside"])
def test_speaker_tag_forms(markdown):
    play, _ = parse(markdown + "\n\n**Doomimir**: Go away.\n")
    speeches = nodes(play, m.Speech)
    assert [(s.speakers, s.label) for s in speeches] == [
        (("simplicia",), "Simplicia"), (("doomimir",), "Doomimir")]
    assert text(speeches[0].paragraphs) == "Hello there."
    assert speeches[0].delivery is None


def test_speaker_resolves_through_cast_aliases():
    play, diagnostics = parse("**Doomer**: No.\n\n**Simplicia Optimistovna**: Yes.\n", CAST)
    assert [s.speakers for s in nodes(play, m.Speech)] == [("doomimir",), ("simplicia",)]
    assert [s.label for s in nodes(play, m.Speech)] == ["Doomer", "Simplicia Optimistovna"]
    assert "M101" not in codes(diagnostics)


def test_joint_speakers():
    play, diagnostics = parse(
        "**Simplicia** and **Doomer**: _[in unison]_ We're hosed.\n", CAST)
    (speech,) = nodes(play, m.Speech)
    assert speech.speakers == ("simplicia", "doomimir")
    assert speech.label == "Simplicia and Doomer"
    assert text(speech.delivery) == "in unison"
    assert text(speech.paragraphs) == "We're hosed."
    assert "M101" not in codes(diagnostics)


def test_three_joint_speakers():
    play, _ = parse("**Simplicia**, **Doomimir** and **Mail Carrier**: Hello.\n", CAST)
    (speech,) = nodes(play, m.Speech)
    assert speech.speakers == ("simplicia", "doomimir", "mail-carrier")
    assert text(speech.paragraphs) == "Hello."


def test_speech_runs_over_following_paragraphs():
    play, _ = parse("**Simplicia**: One.\n\nTwo.\n\n * three\n\n> four\n\n**Doomimir**: Five.\n")
    first, second = nodes(play, m.Speech)
    assert [type(b) for b in first.paragraphs] == [m.Paragraph, m.Paragraph, m.ListBlock, m.BlockQuote]
    assert text(second.paragraphs) == "Five."


def test_bold_words_mid_paragraph_are_not_a_speaker():
    play, _ = parse("She said **Simplicia**: and left.\n")
    assert nodes(play, m.Speech) == []
    assert text(play) == "She said Simplicia: and left."


# ---------------------------------------------------------------- stage directions


@pytest.mark.parametrize("markdown", [
    "**Doomimir**: _[scoffing]_ Have you tried?",
    "**Doomimir**: [_scoffing_] Have you tried?",
    "**Doomimir**: *[scoffing]* Have you tried?",
    "**Doomimir**: [scoffing] Have you tried?",
], ids=["emph-outside", "emph-inside", "star-emph-outside", "plain"])
def test_delivery(markdown):
    play, _ = parse(markdown + "\n")
    (speech,) = nodes(play, m.Speech)
    assert speech.delivery is not None, "a direction opening a speech is its delivery"
    assert speech.delivery.inlines == (m.Text("scoffing", speech.delivery.inlines[0].span),)
    assert speech.delivery.placement == "inline"
    assert text(speech.paragraphs) == "Have you tried?"
    # the delivery is not repeated inside the speech's text
    assert nodes(speech.paragraphs, m.StageDirection) == []


def test_delivery_only_speech_is_not_empty():
    play, diagnostics = parse("**Simplicia**: _[gives him a look]_\n")
    (speech,) = nodes(play, m.Speech)
    assert text(speech.delivery) == "gives him a look"
    assert "M102" not in codes(diagnostics)


def test_inline_direction_inside_speech():
    play, _ = parse("**Simplicia**: I understand. [A beat.] Sorry, that doesn't explain it.\n")
    (speech,) = nodes(play, m.Speech)
    assert speech.delivery is None
    (paragraph,) = speech.paragraphs
    directions = nodes(paragraph, m.StageDirection)
    assert [(text(d), d.placement) for d in directions] == [("A beat.", "inline")]
    assert text(paragraph) == "I understand. A beat. Sorry, that doesn't explain it."


def test_block_direction_is_its_own_block_and_ends_the_speech():
    play, _ = parse("**Simplicia**: One.\n\n[A beat.]\n\nStill Simplicia?\n\n"
                    "_[**Doomimir** takes the money.]_\n", CAST)
    kinds = [type(b).__name__ for b in blocks(play)]
    assert kinds == ["Speech", "StageDirection", "Prose", "StageDirection"]
    first, last = [b for b in blocks(play) if isinstance(b, m.StageDirection)]
    assert (text(first), first.placement) == ("A beat.", "block")
    assert (text(last), last.placement) == ("Doomimir takes the money.", "block")
    # bold names (and plain cast names) inside directions are persona references
    assert [(p.id, text(p.children)) for p in nodes(last, m.PersonaRef)] == [("doomimir", "Doomimir")]
    assert nodes(last, m.Emph) == [], "a direction is italic as a whole: no Emph left inside"


def test_plain_cast_name_in_direction_is_persona():
    play, _ = parse("[Simplicia beams and gives the audience a thumbs-up.]\n", CAST)
    (direction,) = nodes(play, m.StageDirection)
    assert [(p.id, text(p.children)) for p in nodes(direction, m.PersonaRef)] == [("simplicia", "Simplicia")]


@pytest.mark.parametrize("literal", ["[...]", "[…]", "[1]", "[2, 3]", "[sic]"])
def test_literal_brackets_are_text(literal):
    play, diagnostics = parse(f"**Doomimir**: How do I show you that {literal} it works?\n")
    assert nodes(play, m.StageDirection) == []
    (speech,) = nodes(play, m.Speech)
    assert text(speech.paragraphs) == f"How do I show you that {literal} it works?"
    assert speech.delivery is None
    assert "M202" not in codes(diagnostics)


def test_links_are_not_directions():
    play, _ = parse(
        "**Simplicia**: I can't stop thinking about [our last conversation](https://example.org/a).\n\n"
        "[The genie knows, but doesn't care.](https://example.org/b)\n\n"
        "**Doomimir**: [What's there not to get](https://example.org/c), even for you?\n")
    assert nodes(play, m.StageDirection) == []
    links = nodes(play, m.Link)
    assert [(text(link.children), link.url) for link in links] == [
        ("our last conversation", "https://example.org/a"),
        ("The genie knows, but doesn't care.", "https://example.org/b"),
        ("What's there not to get", "https://example.org/c")]
    speeches = nodes(play, m.Speech)
    assert speeches[-1].delivery is None, "a link opening a speech is not its delivery"


def test_unclosed_bracket_is_kept_and_reported():
    play, diagnostics = parse("**Doomimir**: It was [never closed.\n")
    assert text(play).endswith("It was [never closed.")
    assert "M202" in codes(diagnostics)


# ---------------------------------------------------------------- editorial notes


def test_todo_note_with_list_closing_on_its_own_line():
    play, diagnostics = parse(
        "**Simplicia**: But empirically, deep learning can hit precise targets.\n\n"
        "[TODO—\n"
        " * We _can_ hit precise targets in images and text.\n"
        " * Worried about misalignment.\n"
        "]\n\n"
        "**Doomimir**: Your mother named you well.\n")
    kinds = [type(b).__name__ for b in blocks(play)]
    assert kinds == ["Speech", "Note", "Speech"]
    (note,) = nodes(play, m.Note)
    assert note.kind == "todo"
    assert [type(b) for b in note.blocks] == [m.Paragraph, m.ListBlock]
    assert text(note.blocks[0]) == "TODO—"
    assert [text(item) for item in note.blocks[1].items] == [
        "We can hit precise targets in images and text.", "Worried about misalignment."]
    assert "]" not in text(note)
    assert text(nodes(play, m.Speech)[-1].paragraphs) == "Your mother named you well."
    assert codes(diagnostics).count("M201") == 1


def test_todo_note_closing_bracket_then_text_without_blank_line():
    """Seed 003 line 18-19: `]` on its own line, the next line right after it. Markdown makes
    both lines lazy continuations of the last list item; the note must still end at the `]`
    and the line after it must stay in the play (not hidden in the note)."""
    play, _ = parse(
        "[TODO—sketch—\n"
        " * first point\n"
        " * second point\n"
        "]\n"
        "https://www.example.org/deceptive-ai\n\n"
        "**Doomimir**: After the note.\n")
    (note,) = nodes(play, m.Note)
    assert "]" not in text(note), f"the closing bracket is left inside the note: {text(note)!r}"
    assert "deceptive" not in text(note), f"text after the note is swallowed by it: {text(note)!r}"
    outside = " ".join(text(b) for b in blocks(play) if not isinstance(b, m.Note))
    assert "https://www.example.org/deceptive-ai" in outside
    assert text(nodes(play, m.Speech)[-1].paragraphs) == "After the note."
    # the rescued line keeps its own position (line 5), not the list item's (line 3)
    (after,) = [p for p in nodes(play, m.Paragraph) if "deceptive-ai" in text(p)]
    assert (after.span.line, after.span.col) == (5, 1), after.span


def test_todo_note_closing_bracket_then_speech_without_blank_line():
    play, _ = parse(
        "[TODO: list—\n"
        " * one\n"
        " * two\n"
        "]\n"
        "**Doomimir**: After.\n")
    speeches = nodes(play, m.Speech)
    assert [(s.speakers, text(s.paragraphs)) for s in speeches] == [(("doomimir",), "After.")], (
        "a speech right after a list note's closing bracket is swallowed into the note")
    assert (speeches[0].span.line, speeches[0].span.col) == (5, 1), speeches[0].span


def test_todo_note_text_after_bracket_in_same_paragraph_survives():
    play, _ = parse("[TODO: a note\nthat runs] and trailing words.\n\n**Doomimir**: Next.\n")
    (note,) = nodes(play, m.Note)
    assert text(note) == "TODO: a note that runs"
    outside = [text(b) for b in blocks(play) if not isinstance(b, m.Note)]
    assert "and trailing words." in outside[0]


def test_multi_paragraph_note_is_one_note():
    play, _ = parse("**Simplicia**: One.\n\n[TODO: first paragraph\n\nsecond paragraph\n\n"
                    " * a list item\n\nlast words]\n\n**Doomimir**: Two.\n")
    (note,) = nodes(play, m.Note)
    assert [type(b) for b in note.blocks] == [m.Paragraph, m.Paragraph, m.ListBlock, m.Paragraph]
    assert text(note.blocks[-1]) == "last words"
    assert [s.label for s in nodes(play, m.Speech)] == ["Simplicia", "Doomimir"]
    assert "second paragraph" not in " ".join(text(s) for s in nodes(play, m.Speech))


def test_todo_inside_speech_paragraph_is_inline_note_not_direction():
    play, _ = parse("**Simplicia**: I agree. [TODO: reply!] Anyway.\n")
    assert nodes(play, m.StageDirection) == []
    (note,) = nodes(play, m.InlineNote)
    assert text(note.inlines) == "TODO: reply!"


def test_note_diagnostic_quotes_only_the_note():
    """M201 names the note at its position and quotes the note, not the text after its `]`."""
    _, diagnostics = parse("**Simplicia**: Hi.\n\n[TODO: fix the ending] He leaves quietly.\n")
    (m201,) = [d for d in diagnostics if d.code == "M201"]
    assert (m201.location.line, m201.location.col) == (3, 1)
    assert "fix the ending" in m201.message
    assert "leaves quietly" not in m201.message and "]" not in m201.message, m201.message


def test_unclosed_note_is_reported():
    play, diagnostics = parse("[TODO: never closed\n\n**Simplicia**: Hello.\n")
    assert "M202" in codes(diagnostics)
    assert "Hello." in text(play), "the words of an unclosed note's tail are kept"


# ---------------------------------------------------------------- diagnostics


def test_empty_speech_reported_as_m102():
    play, diagnostics = parse("**Doomer**: Sure.\n\n**Simplicia**:\n\n\n**Doomer**: Well?\n")
    speeches = nodes(play, m.Speech)
    assert [s.label for s in speeches] == ["Doomer", "Simplicia", "Doomer"]
    assert speeches[1].paragraphs == () and speeches[1].delivery is None
    m102 = [d for d in diagnostics if d.code == "M102"]
    assert len(m102) == 1
    assert (m102[0].severity.value, m102[0].location.path, m102[0].location.line,
            m102[0].location.col) == ("warning", "play.md", 3, 1)
    assert "Simplicia" in m102[0].message


def test_unknown_speaker_reported_as_m101_with_declared_cast():
    play, diagnostics = parse("**Simplicia**: Hi.\n\n**Nobody**: Who?\n", CAST)
    m101 = [d for d in diagnostics if d.code == "M101"]
    assert len(m101) == 1
    assert m101[0].severity.value == "warning"
    assert (m101[0].location.line, m101[0].location.col) == (3, 1)
    assert "Nobody" in m101[0].message
    assert [s.speakers for s in nodes(play, m.Speech)] == [("simplicia",), ("nobody",)]


def test_no_m101_without_declared_cast():
    play, diagnostics = parse("**Simplicia**: Hi.\n\n**Nobody**: Who?\n")
    assert "M101" not in codes(diagnostics)
    assert [c.id for c in play.cast] == ["simplicia", "nobody"], "the cast is inferred from speakers"


def test_diagnostics_are_sorted_and_formatted():
    _, diagnostics = parse("**Nobody**: Who?\n\n**Simplicia**:\n\n[TODO: x]\n", CAST)
    assert [d.location.line for d in diagnostics] == sorted(d.location.line for d in diagnostics)
    for d in diagnostics:
        first = d.format().splitlines()[0]  # a hint may follow on indented lines
        assert re.fullmatch(r"play\.md:\d+:\d+: (error|warning|info)\[M\d{3}\]: .+", first), d.format()


# ---------------------------------------------------------------- plain dialect


def test_plain_dialect_names_opening_two_paragraphs_are_speakers():
    play, _ = parse(
        "Doomimir: [opening the door] Well? What do you want?\n\n"
        "Simplicia: I can't stop thinking about our last conversation.\n\n"
        "Doomimir: And why should I bother?\n\n"
        "Simplicia: [serenely] If the world is ending either way.\n\n"
        "Note: this is not a speaker, it opens one paragraph only.\n\n"
        "[He motions for her to come in.]\n")
    speeches = nodes(play, m.Speech)
    assert [s.speakers for s in speeches] == [
        ("doomimir",), ("simplicia",), ("doomimir",), ("simplicia",)]
    assert text(speeches[0].delivery) == "opening the door"
    assert text(speeches[0].paragraphs) == "Well? What do you want?"
    assert text(speeches[3].delivery) == "serenely"
    assert "Note: this is not a speaker" in text(play)
    assert [b.placement for b in nodes(play, m.StageDirection) if b.placement == "block"] == ["block"]


def test_plain_dialect_declared_cast_name_once_is_a_speaker():
    play, diagnostics = parse("Simplicia: Hello.\n\nDoomer: Go away.\n", CAST)
    assert [s.speakers for s in nodes(play, m.Speech)] == [("simplicia",), ("doomimir",)]
    assert "M101" not in codes(diagnostics)


def test_plain_dialect_is_off_in_bold_dialect_files():
    play, _ = parse("**Simplicia**: Hello.\n\nNote: a remark.\n\nNote: another remark.\n")
    assert [s.label for s in nodes(play, m.Speech)] == ["Simplicia"]
    assert "Note: a remark." in text(play)


# ---------------------------------------------------------------- titles and scenes


def test_scene_headings():
    play, _ = parse(
        "## And All the Shoggoths Merely Players: Another Debate in One Act\n\n"
        "### Scene 0: Prologue\n\n**Doomimir**: It wasn't supposed to end like this.\n\n"
        "### Scene 1: The Drunk Actress\n\n**Simplicia**: Hello.\n\n"
        "### Scene 2\n\n**Doomimir**: Bye.\n")
    assert (play.meta.title, play.meta.subtitle) == (
        "And All the Shoggoths Merely Players", "Another Debate in One Act")
    assert [(d.kind, d.number, d.title) for d in play.body] == [
        ("scene", "0", "Prologue"), ("scene", "1", "The Drunk Actress"), ("scene", "2", None)]
    assert [len(d.blocks) for d in play.body] == [1, 1, 1]
    assert play.body[1].span.line == 7


def test_scene_heading_first_is_not_the_title():
    play, _ = parse("### Scene 1: Title\n\n**Simplicia**: Hello.\n", path="my_play.md")
    assert [(d.kind, d.number, d.title) for d in play.body] == [("scene", "1", "Title")]
    assert play.meta.title == "My play"


def test_untitled_play_is_one_division():
    play, _ = parse("**Simplicia**: Hello.\n\n**Doomimir**: Bye.\n")
    assert len(play.body) == 1
    assert (play.body[0].number, play.body[0].title) == (None, None)
    assert play.front == ()


def test_spans_point_at_the_source():
    play, _ = parse("# T\n\n**Simplicia**: Hello.\n\n[A beat.]\n")
    speech, direction = blocks(play)
    assert (speech.span.path, speech.span.line, speech.span.col) == ("play.md", 3, 1)
    assert (direction.span.line, direction.span.col) == (5, 1)


# ---------------------------------------------------------------- no word lost
#
# What is compared: the multiset of words (runs of letters and digits: regex [^\W_]+, so `_`
# emphasis markers and `**` never count, and words are case-folded) of the seed's raw text,
# against the words of the model: every paragraph, heading and code block (plain_text of each,
# so inline directions, notes, link texts and image alts are in), every speech's label and
# delivery, every block direction, every link and image URL and title, every division's kind,
# number and title, and the play's title and subtitle. Each source word must occur in the
# model at least as often as in the source (the model may add words: "scene" for an untitled
# division, a title made from the file name).
# `plain_text` is taken per block, not over the whole play, because it joins adjacent blocks
# without a space ("...the door" + "Good..." -> "doorGood").

WORD = re.compile(r"[^\W_]+")


def model_words(play: m.Play) -> collections.Counter:
    parts = [play.meta.title, play.meta.subtitle]
    for node in m.walk(play):
        if isinstance(node, (m.Paragraph, m.Heading)):
            parts.append(m.plain_text(node))
        elif isinstance(node, m.CodeBlock):
            parts.append(node.text)
        elif isinstance(node, (m.Link, m.Image)):
            parts += [node.url, node.title]
        elif isinstance(node, m.Speech):
            parts.append(node.label)
            if node.delivery is not None:
                parts.append(m.plain_text(node.delivery))
        elif isinstance(node, m.Division):
            parts += [node.kind, node.number or "", node.title or ""]
    for block in blocks(play):
        if isinstance(block, m.StageDirection):
            parts.append(m.plain_text(block))
    return collections.Counter(WORD.findall(" ".join(parts).casefold()))


@pytest.mark.parametrize("seed", DOCUMENTS, ids=lambda p: p.name)
def test_no_word_lost(seed: Path):
    play, _ = read_play(seed.parent, seed, seed.name, PlayConfig(seed.name, None, ()))
    # An ordered list's numbers are markup: the model keeps the list's start, not each number.
    text = re.sub(r"^[ \t]*\d+[.)](?=[ \t])", " ", seed.read_text(encoding="utf-8"), flags=re.M)
    source = collections.Counter(WORD.findall(text.casefold()))
    lost = source - model_words(play)
    assert not lost, f"{seed.name}: words of the source missing from the model: {dict(lost)}"
    assert sum(source.values()) > 30, "too few words for the comparison to mean anything"


def test_no_word_lost_detects_a_loss():
    """The comparison above can fail: a model missing one paragraph is caught."""
    play, _ = parse("**Simplicia**: alpha beta.\n\n**Doomimir**: gamma.\n")
    division = play.body[0]
    cut = m.Play(play.meta, play.cast, play.front,
                 (m.Division(division.kind, division.number, division.title, division.blocks[:1]),))
    written = "**Simplicia**: alpha beta.\n\n**Doomimir**: gamma."
    source = collections.Counter(WORD.findall(written.casefold()))
    assert not source - model_words(play)
    assert source - model_words(cut) == collections.Counter({"doomimir": 1, "gamma": 1})
