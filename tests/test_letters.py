"""Issue 22: letters and forms. A paragraph of `**Key**: value` lines joined by hard breaks is
a header block, not speeches; it opens a `Letter` (header fields, then its body) that runs to
the next rule, heading, note, block direction, speech or letter (publish/letters.py, the rule
in docs/manuscript-format.md). Header keys never become characters; `publish fmt` writes a
letter back as the author wrote it; the renderers set it apart."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from publish import model as m
from publish.commands.format_files import format_text
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown
from publish.render.markup import Markup

EMAIL = (
    "**From**: A. Reporter  \n"
    "**To**: The Author  \n"
    "**Date**: Mon, 5 May 2025 09:25:59 -0700  \n"
    "**Subject**: Thanks again and one more request\n"
    "\n"
    "Hello: thanks again for the [interview].\n"
    "\n"
    "**Attachment**: [file.pdf](https://example.com/file.pdf)\n"
)


def _parse(text: str, cast=()):
    return normalize(parse_markdown(text, "x.md"), "x.md", cast)


def _letters(play: m.Play) -> list[m.Letter]:
    return [n for n in m.walk(play) if isinstance(n, m.Letter)]


def _speeches(play: m.Play) -> list[m.Speech]:
    return [n for n in m.walk(play) if isinstance(n, m.Speech)]


def test_the_issues_email_is_a_letter_not_speeches() -> None:
    play, diagnostics = _parse(f"## T\n\n**ZMD**: I got this:\n\n{EMAIL}\n-----\n\n**CM**: Ha.\n")
    assert [s.label for s in _speeches(play)] == ["ZMD", "CM"]
    assert [member.name for member in play.cast] == ["ZMD", "CM"]
    (letter,) = _letters(play)
    assert [(f.key, m.plain_text(f.value)) for f in letter.headers] == [
        ("From", "A. Reporter"), ("To", "The Author"), ("Date", "Mon, 5 May 2025 09:25:59 -0700"),
        ("Subject", "Thanks again and one more request")]
    assert [type(b) for b in letter.blocks] == [m.Paragraph, m.FieldList]
    (attachment,) = letter.blocks[1].fields
    assert attachment.key == "Attachment"
    assert isinstance(attachment.value[0], m.Link) and attachment.value[0].url == "https://example.com/file.pdf"
    # the letter's brackets are its writer's: no direction inside
    assert not [n for n in m.walk(letter) if isinstance(n, m.StageDirection)]
    assert "M104" not in [d.code for d in diagnostics]


def test_a_letter_after_a_speech_is_in_it_and_one_after_a_rule_stands_alone() -> None:
    play, _ = _parse(f"## T\n\n**ZMD**: Read it:\n\n{EMAIL}\n---\n\n{EMAIL}\n---\n\n**CM**: Ha.\n")
    first, second = _letters(play)
    blocks = play.body[0].blocks
    assert first in blocks[0].paragraphs  # ZMD reads the first
    assert isinstance(blocks[1], m.Prose) and blocks[1].blocks[1] is second  # the second stands alone
    assert isinstance(blocks[2], m.Speech) and blocks[2].label == "CM"


def test_header_keys_never_become_characters_nor_unknown_speakers() -> None:
    cast = (m.CastMember("zmd", "Zebulon M. Dace", ("ZMD",)), m.CastMember("cm", "Corinna Marsh", ("CM",)))
    play, diagnostics = _parse(f"## T\n\n**ZMD**: Read it:\n\n{EMAIL}\n**CM**: Ha.\n", cast)
    assert [d for d in diagnostics if d.code == "M101"] == []
    assert [s.speakers for s in _speeches(play)] == [("zmd",), ("cm",)]
    inferred, _ = _parse(f"## T\n\n**ZMD**: Hi.\n\n{EMAIL}\n**CM**: Ha.\n\n{EMAIL}\n**ZMD**: So.\n\n"
                         "---\n\n**CM**: Bye.\n")
    assert [member.id for member in inferred.cast] == ["zmd", "cm"]


def test_the_next_speaker_ends_a_letter_even_on_first_appearance() -> None:
    """A label that opens a speech anywhere outside a letter names a character: it ends the
    letter it follows, though its first speech is the one after the letter. A key that names
    no character stays in the letter."""
    play, _ = _parse(f"## T\n\n{EMAIL}\n**Cc**: a field, not a speech\n\n**CM**: First words.\n\n"
                     f"---\n\n**CM**: Second.\n")
    assert [s.label for s in _speeches(play)] == ["CM", "CM"]
    (letter,) = _letters(play)
    assert [f.key for block in letter.blocks if isinstance(block, m.FieldList) for f in block.fields] == [
        "Attachment", "Cc"]


def test_without_a_cast_a_label_heard_only_after_letters_is_a_field() -> None:
    """The documented limit of an inferred cast: nothing says `CM` is a character."""
    play, _ = _parse(f"## T\n\n{EMAIL}\n**CM**: Only ever after a letter.\n")
    assert _speeches(play) == []
    cast = (m.CastMember("cm", "Corinna Marsh", ("CM",)),)
    declared, _ = _parse(f"## T\n\n{EMAIL}\n**CM**: Only ever after a letter.\n", cast)
    assert [s.speakers for s in _speeches(declared)] == [("cm",)]


def test_a_thread_is_one_letter_per_header_block_of_the_same_first_key() -> None:
    reply = "**From**: The Author  \n**To**: A. Reporter\n\nSure.\n"
    play, _ = _parse(f"## T\n\n{EMAIL}\n{reply}\n**Attachment**: [b.pdf](https://x.y/b.pdf)  \n"
                     f"**Cc**: Nobody\n")
    first, second = _letters(play)
    assert [f.key for f in second.headers] == ["From", "To"]
    # a field block with another first key belongs to the open letter
    assert [f.key for f in second.blocks[-1].fields] == ["Attachment", "Cc"]


@pytest.mark.parametrize("text", [
    "**Simplicia**: One line with a bold tag is a speech.",
    "**Simplicia**: Verse may break  \nits lines by hand.",
    "**From**: Only one field line\nand a soft break.",
    "**From**: A\n**To**: B",  # soft breaks: one line to the reader, a speech
])
def test_what_is_not_a_header_block(text: str) -> None:
    play, _ = _parse(f"## T\n\n{text}\n")
    assert _letters(play) == []
    assert len(_speeches(play)) == 1


def test_a_form_in_a_quotation_runs_to_its_end() -> None:
    play, _ = _parse("## T\n\n**CM**: The form:\n\n> **Name**: C. Marsh  \n> **Role**:  \n> researcher  \n"
                     "> **Consent**: yes\n>\n> I agree.\n\n**ZMD**: Fine.\n")
    (letter,) = _letters(play)
    assert [f.key for f in letter.headers] == ["Name", "Role", "Consent"]
    assert m.plain_text(letter.headers[1].value).strip() == "researcher"
    assert m.plain_text(letter.blocks) == "I agree."


def test_the_personae_list_only_characters() -> None:
    play, _ = _parse(f"## T\n\n**ZMD**: Read it:\n\n{EMAIL}\n---\n\n**CM**: Ha.\n")
    assert {member.name for member in play.cast} == {"ZMD", "CM"}


# ---------------------------------------------------------------- fmt

def test_fmt_writes_the_issues_email_back_unchanged() -> None:
    text = f"## T\n\n**ZMD**: I got this:\n\n{EMAIL}\n---\n\n**CM**: Ha.\n"
    assert format_text(text, "x.md") == text


@given(st.lists(st.sampled_from(["From", "To", "Cc", "Date", "Subject", "Name", "Role"]), min_size=2, max_size=5),
       st.sampled_from(["  \n", "\\\n"]), st.booleans(), st.booleans())
def test_fmt_keeps_generated_letters(keys: list[str], hard: str, in_speech: bool, attachment: bool) -> None:
    header = hard.join(f"**{key}**: value of {key.lower()}" for key in keys)
    body = "Body [with a bracket] and learn[ing].\n\n" + (
        "**Attachment**: [a.pdf](https://x.y/a.pdf)\n\n" if attachment else "")
    opening = "**ZMD**: Read:\n\n" if in_speech else ""
    text = f"## T\n\n{opening}{header}\n\n{body}---\n\n**CM**: Ha.\n"
    once = format_text(text, "x.md")
    assert m.strip_spans(_parse(once)[0]) == m.strip_spans(_parse(text)[0])
    assert format_text(once, "x.md") == once
    (letter,) = _letters(_parse(once)[0])
    assert [f.key for f in letter.headers] == keys


# ---------------------------------------------------------------- rendering

def test_a_letter_renders_as_a_quoted_letter_with_its_fields() -> None:
    play, _ = _parse(f"## T\n\n{EMAIL}")
    (letter,) = _letters(play)
    html = Markup(epub=True).block(letter)
    assert html.startswith('<blockquote class="letter" epub:type="z3998:letter">')
    assert '<dl class="letter-headers">' in html and "<dt>From:</dt><dd>A. Reporter</dd>" in html
    assert '<dl class="letter-fields">\n<dt>Attachment:</dt>' in html
    assert "<p>Hello: thanks again for the [interview].</p>" in html
    assert Markup().block(letter).startswith('<blockquote class="letter">')  # print: no epub:type


def test_a_paragraph_opened_by_a_character_is_a_speech_even_with_field_lines() -> None:
    cast = (m.CastMember("zmd", "Zebulon M. Dace", ("ZMD",)), m.CastMember("cm", "Corinna Marsh", ("CM",)))
    text = ("## T\n\n**ZMD**: He wrote:  \n**From**: A. Reporter  \n**To**: The Author\n\nBody.\n\n"
            "**CM**: hi  \n**ZMD**: hello\n")
    play, _ = _parse(text, cast)
    first, second = _speeches(play)
    assert m.plain_text(first.paragraphs[0]) == "He wrote:"
    (letter,) = _letters(play)
    assert letter in first.paragraphs and [f.key for f in letter.headers] == ["From", "To"]
    assert m.plain_text(letter.blocks) == "Body."
    assert second.speakers == ("cm",) and "hello" in m.plain_text(second)  # a chat log stays a speech
    once = format_text(text, "x.md", cast)
    assert "**ZMD**: He wrote:\n\n**From**: A. Reporter  \n**To**: The Author\n\nBody." in once
    assert m.strip_spans(_parse(once, cast)[0]) == m.strip_spans(play)
