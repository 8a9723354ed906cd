"""Issue 22 on the repository's own fixtures (tests/fixtures/transcripts/, written here): an
interview with speakers by initials and aliases, a transcript quoting three emails with
attachments, and quotations with the quoter's brackets. Each has a golden model (JSON) and a
golden rendered text (the words of its EPUB chapter); the PDF, proof and EPUB of the book are
built once and checked for the letters, the personae and the brackets.

`pytest tests/test_transcripts.py --update-golden` rewrites the goldens; read the diff."""

from __future__ import annotations

import json
import shutil
import zipfile
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

import pdfplumber
import pytest

from conftest import FIXTURES_DIR, run_cli
from epubcheck_support import check_epubs, describe
from publish import model as m
from publish.build.assemble import read_play
from publish.commands.format_files import format_text
from publish.config import load

PROJECT = FIXTURES_DIR / "transcripts"
NAMES = ["interview.md", "emails.md", "quotations.md"]
GOLDEN_DIR = Path(__file__).resolve().parent / "golden" / "transcripts"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@cache
def parse(name: str) -> tuple[m.Play, tuple]:
    config = load(PROJECT)
    play, diagnostics = read_play(PROJECT, PROJECT / name, name, config.play(name))
    return play, tuple(diagnostics)


@pytest.fixture(scope="session")
def transcripts_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`publish all` once on a copy of the fixture project: its print PDF, EPUB and proof."""
    root = tmp_path_factory.mktemp("transcripts")
    for name in ["book.yaml", *NAMES]:
        shutil.copy2(PROJECT / name, root / name)
    result = run_cli("all", cwd=root, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "dist"


def _compare(golden: Path, actual: str, update: bool) -> None:
    if update:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.is_file(), f"{golden} is missing; run pytest with --update-golden once"
    expected = golden.read_text(encoding="utf-8")
    for number, (a, e) in enumerate(zip(actual.splitlines(), expected.splitlines(), strict=False), start=1):
        assert a == e, f"{golden.name} differs at line {number}:\n  golden: {e}\n  actual: {a}"
    assert actual == expected, f"{golden.name}: {len(actual.splitlines())} lines, golden {len(expected.splitlines())}"


# ---------------------------------------------------------------- goldens


@pytest.mark.parametrize("name", NAMES)
def test_model_matches_golden(name: str, update_golden: bool) -> None:
    play, _ = parse(name)
    actual = json.dumps(m.to_json(play), indent=1, ensure_ascii=False) + "\n"
    _compare(GOLDEN_DIR / f"{Path(name).stem}.json", actual, update_golden)
    assert m.from_json(json.loads(actual)) == play


def chapter_text(epub: Path, index: int) -> str:
    """The words of the EPUB's chapter for play `index`, as a reader sees them: one line per
    block; a speech as `PERSONA: words` (its blocks indented below it if it has several); the
    brackets the stylesheet draws around stage directions; a letter's fields `Key: value`;
    quoted lines opened by `> `."""
    with zipfile.ZipFile(epub) as archive:
        root = ElementTree.fromstring(archive.read(f"EPUB/play-{index + 1}.xhtml"))
    return "\n".join(_block_lines(root.find(f"{XHTML}body"))) + "\n"


def _tag(element) -> str:
    return element.tag.replace(XHTML, "")


def _inline_text(element) -> str:
    direction = "z3998:stage-direction" in element.get(EPUB_TYPE, "")
    parts = ["[" if direction else "", element.text or ""]
    for child in element:
        parts.append("\n" if _tag(child) == "br" else _inline_text(child))
        parts.append(child.tail or "")
    parts.append("]" if direction else "")
    return "".join(parts)


def _has_blocks(element) -> bool:
    return any(_tag(child) in ("p", "blockquote", "ul", "ol", "dl", "div", "figure") for child in element)


def _block_lines(element) -> list[str]:
    tag = _tag(element)
    if tag in ("p", "h1", "h2", "h3", "li", "figcaption") or (tag == "td" and not _has_blocks(element)):
        return [" ".join(line.split()) for line in _inline_text(element).split("\n") if line.strip()]
    if tag == "dl":
        children = list(element)
        return [f"{' '.join(_inline_text(dt).split())} {' '.join(_inline_text(dd).split())}".strip()
                for dt, dd in zip(children[::2], children[1::2], strict=True)]
    if tag == "tr":
        persona, words = list(element)
        name = " ".join(_inline_text(persona).split())
        lines = _block_lines(words)
        if len(lines) == 1 and not _has_blocks(words):
            return [f"{name}: {lines[0]}".strip()]
        return [f"{name}:"] + ["    " + line for line in lines]
    lines = [line for child in element for line in _block_lines(child)]
    return ["> " + line for line in lines] if tag == "blockquote" else lines


@pytest.mark.parametrize("index, name", list(enumerate(NAMES)))
def test_epub_chapter_text_matches_golden(transcripts_dist: Path, index: int, name: str,
                                          update_golden: bool) -> None:
    text = chapter_text(transcripts_dist / "transcripts.epub", index)
    _compare(GOLDEN_DIR / f"{Path(name).stem}.epub.txt", text, update_golden)


# ---------------------------------------------------------------- what the goldens must say


def _speeches(play: m.Play) -> list[m.Speech]:
    return [n for n in m.walk(play) if isinstance(n, m.Speech)]


def test_initials_and_short_forms_resolve_through_the_cast_aliases() -> None:
    play, diagnostics = parse("interview.md")
    assert [(s.label, s.speakers) for s in _speeches(play)] == [
        ("ZMD", ("zeb",)), ("CM", ("corinna",)), ("Zeb", ("zeb",)), ("CM", ("corinna",)),
        ("ZMD and CM", ("zeb", "corinna")), ("ZMD", ("zeb",)), ("CM", ("corinna",)),
        ("ZMD", ("zeb",)), ("Corinna Marsh", ("corinna",)), ("ZMD", ("zeb",))]
    assert [d.code for d in diagnostics if d.code == "M101"] == []
    refs = [n.id for n in m.walk(play) if isinstance(n, m.PersonaRef)]
    assert refs == ["zeb", "zeb"]  # **ZMD** and **Zeb** inside directions


def test_transcript_marks_are_directions_or_text_by_the_rule() -> None:
    play, _ = parse("interview.md")
    directions = [m.plain_text(n) for n in m.walk(play) if isinstance(n, m.StageDirection)]
    assert directions == ["Recorded at a kitchen table. ZMD sets up the microphone.", "laughing",
                          "crosstalk", "in unison", "pausing", "inaudible", "A beat.", "Zeb stops the recording."]
    text = m.plain_text(play.body)
    assert "Since [...] well" in text and "was [redacted]," in text
    links = [(m.plain_text(n.children), n.url) for n in m.walk(play) if isinstance(n, m.Link)]
    assert links == [("[00:00:04]", "https://example.com/audio.mp3#t=4"),
                     ("audio", "https://example.com/audio.mp3#t=312")]


def test_three_emails_with_their_attachments() -> None:
    play, diagnostics = parse("emails.md")
    letters = [n for n in m.walk(play) if isinstance(n, m.Letter)]
    assert [[f.key for f in letter.headers] for letter in letters] == [
        ["From", "To", "Date", "Subject"], ["From", "To", "Subject", "Attachment"],
        ["From", "To", "Subject"], ["Name", "Role", "Consent"]]
    attachments = [link.url for letter in letters for node in m.walk(letter)
                   if isinstance(node, m.HeaderField) and node.key.startswith("Attachment")
                   for link in m.walk(node.value) if isinstance(link, m.Link)]
    assert attachments == ["https://example.com/questions.pdf", "https://example.com/chart.png",
                           "https://example.com/draft-v1.pdf", "https://example.com/draft-v2.pdf"]
    # the first is read in ZMD's speech, the thread stands between speeches, the form is quoted
    first_speech = play.body[0].blocks[0]
    assert isinstance(first_speech, m.Speech) and letters[0] in first_speech.paragraphs
    assert letters[1] in play.body[1].blocks[0].blocks and letters[2] in play.body[1].blocks[0].blocks
    assert [member.id for member in play.cast] == ["zeb", "corinna"]
    assert not [d for d in diagnostics if d.code in ("M101", "M102")]
    assert [s.label for s in _speeches(play)] == ["ZMD", "CM", "CM", "CM", "ZMD"]


def test_quotations_keep_the_quoters_brackets() -> None:
    play, _ = parse("quotations.md")
    directions = [m.plain_text(n) for n in m.walk(play) if isinstance(n, m.StageDirection)]
    assert directions == ["frowning", "sighing", "laughs"]
    text = m.plain_text(play.body)
    for kept in ["perfectly learn*[ing]* and perfectly maximiz*[ing]*", "[the model] learn[s]",
                 "[emphasis added]", "[T]he policy", "[citation needed]", "That's [sic] what",
                 "[the policy network]", '"maximiz[ing]"', "[emphasis in original]",
                 "[Not a stage direction: the author's own bracket.]", "[i.e. the agent]", "[sic] lags"]:
        assert kept in text, kept


@pytest.mark.parametrize("name", NAMES)
def test_fmt_keeps_the_model_and_the_letters_as_written(name: str) -> None:
    cast = load(PROJECT).play(name).cast
    text = (PROJECT / name).read_text(encoding="utf-8")
    once = format_text(text, name, cast)
    assert format_text(once, name, cast) == once

    def model(source: str) -> m.Play:
        from publish.reading.normalize import normalize
        from publish.reading.pandoc import parse_markdown
        return m.strip_spans(normalize(parse_markdown(source, name), name, cast)[0])
    assert model(once) == model(text)
    for letter_line in [line for line in text.splitlines() if line.lstrip("> ").startswith("**From**")]:
        assert letter_line in once.splitlines()


# ---------------------------------------------------------------- the outputs


def test_the_epub_is_valid(transcripts_dist: Path) -> None:
    report = check_epubs({"transcripts": transcripts_dist / "transcripts.epub"})["transcripts"]
    counts = report["checker"]
    assert counts["nFatal"] + counts["nError"] + counts["nWarning"] == 0, describe(report)


def test_the_epub_marks_letters_as_standard_ebooks_does(transcripts_dist: Path) -> None:
    with zipfile.ZipFile(transcripts_dist / "transcripts.epub") as archive:
        root = ElementTree.fromstring(archive.read("EPUB/play-2.xhtml"))
    letters = [e for e in root.iter(f"{XHTML}blockquote") if e.get(EPUB_TYPE) == "z3998:letter"]
    assert len(letters) == 4
    keys = [dt.text for dt in letters[0].iter(f"{XHTML}dt")]
    assert keys == ["From:", "To:", "Date:", "Subject:", "Attachment:"]
    css = zipfile.ZipFile(transcripts_dist / "transcripts.epub").read("EPUB/css/epub.css").decode()
    assert "blockquote.letter" in css and "dl.letter-headers" in css


def test_the_print_pdf_sets_letters_apart_with_small_fields(transcripts_dist: Path) -> None:
    with pdfplumber.open(transcripts_dist / "transcripts.pdf") as pdf:
        (page,) = [p for p in pdf.pages if "Thanks again and one more request" in (p.extract_text() or "")
                   and "ZMD" in (p.extract_text() or "")]
        words = page.extract_words(extra_attrs=["size"])
        key = next(w for w in words if w["text"].lower().startswith("subject"))
        body = next(w for w in words if w["text"] == "Hello:")
        speech = next(w for w in words if w["text"] == "Then")
        assert key["size"] < body["size"] <= speech["size"]
        speaker = min((w for w in words if abs(w["top"] - speech["top"]) < 2), key=lambda w: w["x0"])
        assert body["x0"] > speaker["x0"] + 8  # set in from the dialogue
        # its rules, as wide as the letter and set in with it (print.css draws them in a
        # line of their own above the fields and below the body, clear of the speech's line)
        rules = [r for r in page.rects if r["width"] > 100 and r["x0"] > speaker["x0"] + 8]
        assert [r for r in rules if speech["bottom"] < r["top"] and r["bottom"] < key["top"]], page.rects
        assert [r for r in rules if r["top"] > body["bottom"]], page.rects
    names = " ".join(w["text"] for w in _personae_words(transcripts_dist / "transcripts.pdf"))
    assert "Zebulon M. Dace" in names and "Corinna Marsh" in names
    assert "From" not in names and "Attachment" not in names


def _personae_words(pdf_path: Path) -> list[dict]:
    with pdfplumber.open(pdf_path) as pdf:
        pages = [p for p in pdf.pages if "Char" in (p.extract_text() or "") and "acters" in (p.extract_text() or "")]
        return [w for page in pages for w in page.extract_words()]


def test_the_proof_shows_the_letters(transcripts_dist: Path) -> None:
    with pdfplumber.open(transcripts_dist / "transcripts-proof.pdf") as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Subject: Thanks again and one more request" in text.replace("SUBJECT", "Subject")
    assert "Attachments: draft-v1.pdf" in text.replace("ATTACHMENTS", "Attachments")


def test_a_call_in_a_letters_fields_is_two_thirds_of_their_size(transcripts_dist: Path) -> None:
    """A link in a field (`**Attachment**: [questions.pdf](…)`) is called in figures 60 to 70%
    of the fields' 8.5pt, as a call in running text is of 11pt: the call's size is set per
    context (print.css), and the fields are one."""
    with pdfplumber.open(transcripts_dist / "transcripts.pdf") as pdf:
        for page in pdf.pages:
            words = page.extract_words(extra_attrs=["size"], split_at_punctuation=False)
            field = next((w for w in words if w["text"].startswith("questions.pdf")), None)
            if field is None:
                continue
            line = [c for c in page.chars if abs(c["bottom"] - field["bottom"]) < 4]
            text = [c["size"] for c in line if c["text"].isalpha()]
            calls = [c["size"] for c in line if c["text"].isdigit() and c["x0"] > field["x0"] + 20]
            assert calls and text, [c["text"] for c in line]
            assert 0.6 <= max(calls) / max(text) <= 0.7, (calls, text)
            return
    raise AssertionError("no page holds the attachment field")
