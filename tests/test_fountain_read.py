"""Issue 27: Fountain manuscripts read into the same drama model as Markdown ones.

Golden models of the Fountain fixtures (tests/fixtures/fountain/: every element of the
syntax, and a stage play; refresh with `pytest --update-golden`), each element checked by
name too, the diagnostics with their positions, and hostile input."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from conftest import REPO_ROOT
from publish import model as m
from publish.build.assemble import read_play
from publish.config import load
from publish.reading.fountain import read_fountain
from publish.reading.fountain_view import fountain_view
from publish.reading.fountain_write import write_fountain

FOUNTAIN_DIR = REPO_ROOT / "tests" / "fixtures" / "fountain"
FOUNTAIN_FILES = sorted(FOUNTAIN_DIR.glob("*.fountain"))
GOLDEN_DIR = REPO_ROOT / "tests" / "golden" / "fountain"


def fixture_play(name: str) -> tuple[m.Play, list]:
    config = load(FOUNTAIN_DIR)
    return read_play(FOUNTAIN_DIR, FOUNTAIN_DIR / name, name, config.play(name))


def blocks(play: m.Play) -> list[m.DramaBlock]:
    return list(play.front) + [block for division in play.body for block in division.blocks]


@pytest.mark.parametrize("path", FOUNTAIN_FILES, ids=[p.name for p in FOUNTAIN_FILES])
def test_fountain_fixture_matches_golden(path: Path, update_golden: bool) -> None:
    play, diagnostics = fixture_play(path.name)
    actual = json.dumps({"play": m.to_json(play), "diagnostics": [d.format() for d in diagnostics]},
                        indent=1, ensure_ascii=False) + "\n"
    golden = GOLDEN_DIR / f"{path.stem}.json"
    if update_golden:
        GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    assert actual == golden.read_text(encoding="utf-8"), f"{path.name}: model differs from {golden}"


def test_title_page_keys_become_play_metadata() -> None:
    play, _ = fixture_play("elements.fountain")
    assert (play.meta.title, play.meta.subtitle) == ("The Orchard Heist", "A Test of Every Fountain Element")
    assert play.meta.title_in_text
    fields = {f.key: f.value for f in play.meta.title_page}
    assert fields == {"Credit": "Written by", "Author": "A. Test Author", "Source": "Story by the lemons",
                      "Draft date": "2026-01-01", "Contact": "A. Test Author\n1 Orchard Lane"}


def test_headings_and_sections_open_divisions() -> None:
    play, _ = fixture_play("elements.fountain")
    heads = [(d.kind, d.number, d.title, d.span.line) for d in play.body]
    assert heads == [
        ("act", "One", None, 12), ("scene", None, "The Gate", 16),
        ("scene", "1", "EXT. ORCHARD GATE - NIGHT", 18), ("scene", None, "THE TOOL SHED", 47),
        ("scene", None, "int. tool shed - continuous", 49), ("scene", "2A", "I/E. VAN - MOVING", 51),
        ("scene", None, "EST. THE WHOLE ORCHARD", 53), ("scene", "3", "INT./EXT. GREENHOUSE", 55),
    ]


def test_cues_extensions_forced_names_and_dual_dialogue() -> None:
    play, _ = fixture_play("elements.fountain")
    speeches = [b for b in blocks(play) if isinstance(b, m.Speech)]
    seen = [(s.label, s.speakers, s.extension, s.simultaneous) for s in speeches[:5]]
    assert seen == [
        ("Quince", ("quince",), "(V.O.)", False), ("McCLANE", ("mcclane",), "", False),
        ("Marmalade", ("marmalade",), "(O.S.)", False), ("Quince", ("quince",), "", False),
        ("Marmalade", ("marmalade",), "", True),
    ]
    assert speeches[1].span == m.Span("elements.fountain", 33, 2)  # after the `@`


def test_parentheticals_are_delivery_then_inline_directions() -> None:
    play, _ = fixture_play("elements.fountain")
    quince = next(b for b in blocks(play) if isinstance(b, m.Speech))
    assert m.plain_text(quince.delivery) == "whispering"
    first, second = quince.paragraphs
    kinds = [type(node).__name__ for node in first.inlines]
    assert kinds == ["Text", "StageDirection", "Text"]
    assert m.plain_text(first) == "We go in at midnight. beat Not a minute later."
    assert m.plain_text(second) == "Second paragraph, after a line of two spaces."
    marmalade = [b for b in blocks(play) if isinstance(b, m.Speech)][2]
    assert m.plain_text(marmalade.delivery) == "from behind the gate; still whispering"


def test_action_transitions_centred_lyrics_page_break() -> None:
    play, _ = fixture_play("elements.fountain")
    directions = [b for b in blocks(play) if isinstance(b, m.StageDirection)]
    assert [(m.plain_text(d).strip(), d.kind) for d in directions[-3:]] == [
        ("BLACKOUT.", "transition"), ("CUT TO:", "transition"), ("THE END", "centered")]
    assert m.plain_text(directions[1]) == "INT. THIS LINE IS ACTION, FORCED"  # `!`
    action = directions[0]
    assert any(isinstance(n, m.LineBreak) for n in action.inlines), "action keeps its line breaks"
    kinds = {type(n).__name__ for n in m.walk(action.inlines)}
    assert {"Emph", "PersonaRef", "Underline"} <= kinds  # *, ** (bold in a direction), _
    lyrics = [n for n in m.walk(play) if isinstance(n, m.Paragraph) and n.kind == "lyric"]
    assert [m.plain_text(p) for p in lyrics] == [
        "Lemons in the moonlight, lemons in the dark.", "A lyric of its own, sung offstage."]
    breaks = [n for n in m.walk(play) if isinstance(n, m.ThematicBreak)]
    assert [b.kind for b in breaks] == ["page"]


def test_notes_synopses_and_boneyard() -> None:
    play, diagnostics = fixture_play("elements.fountain")
    notes = [n for n in m.walk(play) if isinstance(n, (m.Note, m.InlineNote))]
    assert [(n.kind, n.span.line) for n in notes] == [
        ("synopsis", 14), ("comment", 71), ("todo", 74), ("cut", 76), ("todo", 89)]
    cut = notes[3]
    assert cut.blocks == (m.CodeBlock(" A cut scene:\n\nQUINCE\nThis never happened.\n", cut.span),)
    assert len(notes[4].blocks) == 2  # a line of two spaces parts a note's paragraphs
    # The cue inside the boneyard is no speech.
    assert all("never happened" not in m.plain_text(b) for b in blocks(play) if isinstance(b, m.Speech))
    assert [d.code for d in diagnostics].count("M201") == 3


def test_escapes_and_empty_dialogue() -> None:
    play, diagnostics = fixture_play("elements.fountain")
    speeches = [b for b in blocks(play) if isinstance(b, m.Speech)]
    escaped = speeches[-2]
    assert m.plain_text(escaped) == "Escaped *stars*, _underscores_ and a back\\slash. (Not a parenthetical.)"
    assert escaped.delivery is None
    bee = speeches[-1]
    assert (bee.label, bee.paragraphs, bee.delivery) == ("Bee", (), None)
    assert "elements.fountain:86:1: warning[M102]: empty speech for Bee" in [d.format().split("\n")[0]
                                                                          for d in diagnostics]


def test_stage_play_resolves_cues_through_the_cast() -> None:
    play, diagnostics = fixture_play("stage-play.fountain")
    speeches = [b for b in blocks(play) if isinstance(b, m.Speech)]
    assert Counter(s for sp in speeches for s in sp.speakers) == {"quince": 5, "marmalade": 4, "medlar": 1}
    # An upper-case cue takes the spelling of the cast name it matches: MARM is the alias.
    assert [s.label for s in speeches[:3]] == ["Quince", "Marm", "Quince and Marmalade"]
    assert [d.code for d in diagnostics] == ["M201"]
    directions = [b for b in blocks(play) if isinstance(b, m.StageDirection)]
    refs = [n.id for n in m.walk(directions[0]) if isinstance(n, m.PersonaRef)]
    assert refs == ["quince", "marmalade"]  # bold and plain cast names, as in Markdown


def test_speaker_resolution_is_the_markdown_one() -> None:
    cast = (m.CastMember("doomimir", "Doomimir Doomovitch", ("Doomer",)),
            m.CastMember("simplicia", "Simplicia Optimistovna"))
    text = ("DOOMIMIR\nBy first name.\n\nDOOMER\nBy alias.\n\nSIMPLICIA OPTIMISTOVNA\nBy name.\n\n"
            "@simplicia\nBy id.\n\nSIMPLICAI\nA typo.\n")
    play, diagnostics = read_fountain(text, "cues.fountain", cast)
    speeches = blocks(play)
    assert [s.speakers for s in speeches] == [("doomimir",), ("doomimir",), ("simplicia",), ("simplicia",),
                                              ("simplicai",)]
    assert [s.label for s in speeches] == ["Doomimir", "Doomer", "Simplicia Optimistovna", "simplicia",
                                           "Simplicai"]
    unknown = [d for d in diagnostics if d.code == "M101"]
    assert [str(d.location) for d in unknown] == ["cues.fountain:13:1"]
    assert "did you mean 'simplicia'" in unknown[0].hint.lower()  # M101's own suggestion


@pytest.mark.parametrize("text, code, where", [
    ("QUINCE\nHello [[never closed\n", "M204", "x.fountain:2:7"),
    ("QUINCE\nHello.\n\n/* never closed\n\nMORE\nText.\n", "M205", "x.fountain:4:1"),
    ("Title: T\n\n@QUINCE\n", "M102", "x.fountain:3:2"),
])
def test_fountain_diagnostics_name_path_line_col(text: str, code: str, where: str) -> None:
    _, diagnostics = read_fountain(text, "x.fountain")
    found = [str(d.location) for d in diagnostics if d.code == code]
    assert found == [where]


def test_unclosed_boneyard_and_note_keep_their_text() -> None:
    play, _ = read_fountain("QUINCE\nHello [[never closed\n\nAn /* open boneyard.\n", "x.fountain")
    assert "[[never closed" in m.plain_text(play)
    assert "/* open boneyard." in m.plain_text(play)


def test_every_node_has_a_position() -> None:
    for path in FOUNTAIN_FILES:
        play, _ = fixture_play(path.name)
        for node in m.walk(play):
            if isinstance(node, (m.Text, m.Speech, m.StageDirection, m.Note, m.Paragraph, m.Division,
                                 m.InlineNote, m.Emph, m.Strong, m.PersonaRef, m.Underline)):
                assert node.span is not None and node.span.line >= 1 and node.span.col >= 1, node


def test_positions_point_at_the_words() -> None:
    """Every text node's position is where its words are in the file (escapes aside)."""
    for path in FOUNTAIN_FILES:
        lines = path.read_text(encoding="utf-8").split("\n")
        play, _ = fixture_play(path.name)
        for node in m.walk(play):
            if isinstance(node, m.Text) and node.text.strip() and "\\" not in lines[node.span.line - 1]:
                line = lines[node.span.line - 1]
                # (a space the reader puts beside a parenthetical stands at the next word)
                # (and a parenthetical over two lines is one text from its first line on)
                found, wanted = line[node.span.col - 1:].lstrip(), node.text.strip()
                assert found.startswith(wanted) or wanted.startswith(found.rstrip()), (path.name, node)


def test_hostile_lines_parse_in_linear_time() -> None:
    """Ten thousand delimiters in a line, or notes and boneyards never closed, parse at once
    (a naive backtracking parser takes hours on the first)."""
    for line in ["*a " * 5000, "***" * 3000 + "x", "_a" * 5000, "[[" * 3000, "(" * 5000]:
        play, _ = read_fountain(f"QUINCE\n{line}\n\n{line}\n", "x.fountain")
        assert [type(b).__name__ for b in blocks(play)] == ["Speech", "StageDirection"]
    play, _ = read_fountain("/*" * 3000 + "\n", "x.fountain")  # `/*/` opens, `*/` closes, `*` stays
    assert sum(isinstance(b, m.Note) and b.kind == "cut" for b in blocks(play)) == 1000


@given(st.text(alphabet=st.sampled_from(list("QUINCE Mm.:()@^~!#=*/_[]\\<>\n  ")), max_size=200))
def test_any_text_reads_and_writes_back_the_same_model(text: str) -> None:
    """The reader never fails, and the writer says everything it reads (Fountain in,
    Fountain out: the same model)."""
    play, _ = read_fountain(text, "x.fountain")
    view, losses = fountain_view(play, cast_declared=False)
    assert m.strip_spans(view) == m.strip_spans(play), losses
    again, _ = read_fountain(write_fountain(play), "x.fountain")
    assert m.strip_spans(again) == m.strip_spans(play)
