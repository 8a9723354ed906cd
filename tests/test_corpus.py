"""Issue 3: every manuscript normalizes without error, and correctly.

Sweeps the repository's own fixtures and manuscripts and, where ../shared is beside the
checkout, the author's 44 real manuscripts (../shared/seeds and ../shared/corpus): no exception,
no word lost, speech counts equal to an independent count of speaker-tag paragraphs, and no
link or `[...]` taken for a stage direction.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURE_FILES, FIXTURES_DIR, MANUSCRIPT_FILES, SHARED_DIR, author_files, needs_shared
from publish import model as m
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown

SHARED = SHARED_DIR
# The transcripts (issue 22): speakers by initials, quoted emails, the quoter's brackets.
TRANSCRIPT_FILES = sorted((FIXTURES_DIR / "transcripts").glob("*.md"))
FILES = FIXTURE_FILES + TRANSCRIPT_FILES + MANUSCRIPT_FILES + author_files()
WORD = re.compile(r"\w+")
BOLD_TAG = re.compile(r"^\*\*[^*\n]+\*\*(?:(?: and |, )\*\*[^*\n]+\*\*)*\s*:|^\*\*[^*\n]+:\*\*")
PLAIN_NAMES = "Doomimir|Simplicia|Doomer|Quince|Marmalade"  # the casts of the plain-dialect files
PLAIN_TAG = re.compile(rf"^(?:{PLAIN_NAMES})(?: and (?:{PLAIN_NAMES}))*: ")


@functools.cache
def _model(path: Path) -> tuple[m.Play, list]:
    text = path.read_text(encoding="utf-8")
    return normalize(parse_markdown(text, path.name), path.name)


def _model_words(play: m.Play) -> Counter:
    """Every word the model holds: titles, headings, labels, text, and URLs of links/images."""
    # A title taken from the file name is not the author's text.
    parts = [play.meta.title, play.meta.subtitle] if play.meta.title_in_text else []
    for division in play.body:
        parts += [division.kind if division.number else "", division.number or "", division.title or ""]
    for node in m.walk(play):
        if isinstance(node, m.Speech):
            parts.append(node.label)
        elif isinstance(node, m.HeaderField):
            parts.append(node.key)
        elif isinstance(node, (m.Link, m.Image)):
            parts.append(node.url)
            parts.append(node.title)
        elif isinstance(node, (m.Text, m.Code, m.CodeBlock)):
            parts.append(node.text)
    return Counter(word.casefold() for word in WORD.findall(" ".join(parts).replace("_", " ")))


def _source_words(text: str) -> Counter:
    # Markup is not words: `**`, `_`, `#`, `>`, `*` list markers, brackets are all \W. What
    # remains is exactly the author's words, link targets included. An ordered list's numbers
    # are markup too (the model keeps the list's start, not each item's number).
    text = re.sub(r"^[ \t]*\d+[.)](?=[ \t])", " ", text, flags=re.MULTILINE)
    return Counter(word.casefold() for word in WORD.findall(text.replace("_", " ")))


# Letters (docs/manuscript-format.md): a header block is two or more `**Key**: value` lines
# joined by hard breaks; it opens a letter, which a rule, a heading or a character's speech ends.
FIELD_LINE = re.compile(r"^\*\*[^*\n]+\*\*:|^\*\*[^*\n]+:\*\*")
ENDS_LETTER = re.compile(r"^(#|-{3,}\s*$|\*{3,}\s*$|_{3,}\s*$)")


def _is_header_block(paragraph: str) -> bool:
    lines = paragraph.split("\n")
    hard = all(line.endswith(("  ", "\\")) for line in lines[:-1])
    return len(lines) >= 2 and hard and sum(bool(FIELD_LINE.match(line)) for line in lines) >= 2 \
        and bool(FIELD_LINE.match(lines[0]))


def _speaker_paragraphs(text: str) -> int:
    """An independent count: paragraphs opening with a speaker tag, outside TODO notes and
    outside letters (where a tag names a character only if it speaks outside one)."""
    tag = PLAIN_TAG if not re.search(r"^\*\*\w", text, re.MULTILINE) else BOLD_TAG
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text)]
    characters: set[str] = set()
    while True:
        count, labels = _count_speeches(paragraphs, tag, characters)
        if labels <= characters:
            return count
        characters |= labels


def _count_speeches(paragraphs: list[str], tag: re.Pattern, characters: set[str]) -> tuple[int, set[str]]:
    count, note_depth, in_letter, labels = 0, 0, False, set()
    for stripped in paragraphs:
        if note_depth == 0 and re.match(r"\[TODO", stripped):
            note_depth, in_letter = stripped.count("[") - stripped.count("]"), False
            continue
        if note_depth > 0:
            note_depth += stripped.count("[") - stripped.count("]")
            continue
        if _is_header_block(stripped):
            in_letter = True
            continue
        if ENDS_LETTER.match(stripped):
            in_letter = False
        if tag.match(stripped):
            label = re.match(r"\*\*([^*]+?):?\*\*", stripped)
            if in_letter and label and label.group(1) not in characters:
                continue  # a field of the letter (`**Attachment**: …`)
            count += 1
            in_letter = False
            if label:
                labels.add(label.group(1))
    return count, labels


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_word_is_lost(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    play, _ = _model(path)
    source, model = _source_words(text), _model_words(play)
    assert source - model == Counter(), "words of the source missing from the model"
    assert model - source == Counter(), "words in the model that the source does not have"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_speech_count_matches_an_independent_count(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    play, _ = _model(path)
    speeches = [node for node in m.walk(play) if isinstance(node, m.Speech)]
    assert len(speeches) == _speaker_paragraphs(text)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_links_and_ellipses_are_never_directions(path: Path) -> None:
    play, _ = _model(path)
    for node in m.walk(play):
        if isinstance(node, m.StageDirection):
            inner = m.plain_text(node.inlines).strip()
            assert inner not in ("...", "…", ""), f"ellipsis taken for a direction at {node.span}"
            assert not any(isinstance(child, m.Link) for child in m.walk(node.inlines)) or inner, node.span
            assert not inner.upper().startswith("TODO"), f"TODO note taken for a direction at {node.span}"


def test_every_speaker_resolves_to_the_cast() -> None:
    for path in FILES:
        play, _ = _model(path)
        cast_ids = {member.id for member in play.cast}
        for node in m.walk(play):
            if isinstance(node, m.Speech):
                assert set(node.speakers) <= cast_ids, (path.name, node.label)


def test_joint_speakers_in_the_fixture() -> None:
    play, _ = _model(FIXTURES_DIR / "conventions.md")
    joint = [node.speakers for node in m.walk(play) if isinstance(node, m.Speech) and len(node.speakers) > 1]
    assert joint == [("quince", "marmalade"), ("quince", "marmalade", "medlar")]


@needs_shared
def test_joint_speakers_are_two_speakers() -> None:
    play, _ = _model(SHARED / "seeds" / "002_bce81a884f985e50.txt")
    joint = [node for node in m.walk(play) if isinstance(node, m.Speech) and len(node.speakers) == 2]
    assert [node.speakers for node in joint] == [("simplicia", "doomer")]
    assert joint[0].delivery is not None
    assert "in unison" in m.plain_text(joint[0].delivery.inlines)


@needs_shared
def test_plain_dialect_gives_the_markdown_model() -> None:
    """Seed 001 (plain) and its canonical Markdown form in manuscript/ give one model."""
    plain, _ = _model(SHARED / "seeds" / "001_2c02196818f0258b.txt")
    markdown = Path(__file__).resolve().parents[1] / "manuscript" / "shoggoths.md"
    canonical, _ = normalize(parse_markdown(markdown.read_text(encoding="utf-8"), "x"), "x")
    assert m.strip_spans(plain).body == m.strip_spans(canonical).body
    assert plain.meta.title == canonical.meta.title == "And All the Shoggoths Merely Players"
    assert len([n for n in m.walk(plain) if isinstance(n, m.Speech)]) == 46


@needs_shared
def test_a_note_closed_inside_a_list_item_keeps_what_follows() -> None:
    """`]` under a list joins the last item, with any line after it: the note ends at the
    bracket and the URL after it is prose (corpus evolution-notes 2024-05-14, line 16)."""
    path = SHARED / "corpus" / "evolution-notes" / "2024-05-14_3b1c09e_evolution-notes.md"
    play, _ = _model(path)
    notes = [node for node in m.walk(play) if isinstance(node, m.Note)]
    assert "deceptive-ai-deceptively-aligned-ai" not in m.plain_text(notes[0])
    assert "]" not in m.plain_text(notes[0]).rstrip()[-1:]
    prose_text = " ".join(m.plain_text(n) for n in m.walk(play) if isinstance(n, m.Prose))
    assert "deceptive-ai-deceptively-aligned-ai" in prose_text


@needs_shared
@pytest.mark.parametrize("manuscript, seed", [
    ("manuscript/drafts/shoggoths-draft.md", "000_f515717d11504b51.txt"),
    ("manuscript/drafts/llm-successes.md", "002_bce81a884f985e50.txt"),
    ("manuscript/drafts/evolution-notes.md", "003_d4908ac44e2d32e1.txt"),
])
def test_draft_manuscripts_are_the_seeds_in_canonical_form(manuscript: str, seed: str) -> None:
    """manuscript/drafts holds the seeds as `publish fmt` writes them (the author's files stay
    in ../shared); their models, with the cast of book.yaml, are the seeds' models."""
    from publish.config import load
    root = Path(__file__).resolve().parents[1]
    cast = load(root).play(manuscript).cast
    ours = normalize(parse_markdown((root / manuscript).read_text(encoding="utf-8"), "x"), "x", cast)[0]
    seed_text = (SHARED / "seeds" / seed).read_text(encoding="utf-8")
    theirs = normalize(parse_markdown(seed_text, "x"), "x", cast)[0]
    assert m.strip_spans(ours) == m.strip_spans(theirs)
