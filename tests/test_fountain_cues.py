"""Issue 27: the cues of exported Fountain are the cast's display names.

For cast names with spaces, apostrophes, accents, digits, lowercase particles, a `ß` (whose
upper case is longer) and a `(`, each written as the name, an alias, the first name alone or
in capitals: the cue is the display name (upper case, or forced with `@`), it reads back as
the same speaker labelled with the display name (with the cast; without it, the same label),
and screenplain reads it as that character. The same over generated casts (hypothesis). Joint
speakers, speakers the cast lacks, an inferred cast and two members of one name by their own
rules; and the messages `publish export` prints."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from hypothesis import given, strategies as st
from screenplain.parsers import fountain as screenplain
from screenplain.types import Dialog, DualDialog

from publish import model as m
from publish.reading.fountain import read_fountain
from publish.reading.fountain_cues import cue_text
from publish.reading.fountain_scan import JOINER, cue_parts
from publish.reading.fountain_view import Loss, fountain_view
from publish.reading.fountain_write import write_fountain
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown
from publish.reading.recognize import Cast, slug

CAST = (
    m.CastMember("simplicia", "Simplicia Optimistovna Dobraya", ("Simplicia Optimistovna",)),
    m.CastMember("ned", "Ned O'Brien", ("The Lad",)),
    m.CastMember("darcy", "D'Arcy Lemon"),
    m.CastMember("jose", "José Núñez", ("Pepe",)),
    m.CastMember("r2", "R2-D2", ("Artoo",)),
    m.CastMember("agent", "Agent 47"),
    m.CastMember("maria", "Maria de la Cruz", ("La Cruz",)),
    m.CastMember("quince", "Quince of the Orchard", ("Quince",)),
    m.CastMember("weiss", "Gustav Weiß", ("Gus",)),
    m.CastMember("strasse", "Straße"),
    m.CastMember("mcclane", "John McClane"),
    m.CastMember("salt", "Salt and Pepper"),
    m.CastMember("bob", "Bob (the Elder)", ("Old Bob",)),
)
MEMBERS = {member.id: member for member in CAST}


def _labels(member: m.CastMember) -> list[str]:
    """The ways a manuscript may name a member: its name, in capitals, its aliases, and its
    first name alone (where it has one)."""
    first = member.name.split()[0]
    labels = [member.name, member.name.upper(), *member.aliases]
    if first != member.name and Cast((member,), True).resolve(first) == member.id:
        labels.append(first)
    return list(dict.fromkeys(labels))


CASES = [(member.id, label) for member in CAST if "(" not in member.name for label in _labels(member)]


def _play(text: str, cast: tuple[m.CastMember, ...] = CAST) -> m.Play:
    play, _ = normalize(parse_markdown("## T\n\n" + text, "t.md"), "t.md", cast)
    return play


def _export(play: m.Play, declared: bool = True) -> tuple[str, list[Loss]]:
    view, losses = fountain_view(play, cast_declared=declared)
    return write_fountain(view), losses


def _speeches(play: m.Play) -> list[m.Speech]:
    return [node for node in m.walk(play) if isinstance(node, m.Speech)]


def _cue_over(text: str, line: str) -> str:
    """The cue written right above a dialogue line."""
    return text.split("\n" + line + "\n")[0].rsplit("\n", 1)[-1]


def _screenplain_characters(text: str) -> list[str]:
    found = []
    for paragraph in screenplain.parse(io.StringIO(text)):
        dialogs = [paragraph.left, paragraph.right] if isinstance(paragraph, DualDialog) else \
            [paragraph] if isinstance(paragraph, Dialog) else []
        found += [str(dialog.character) for dialog in dialogs]
    return found


@pytest.mark.parametrize(("speaker", "label"), CASES, ids=[f"{s}:{label}" for s, label in CASES])
def test_the_cue_is_the_display_name(speaker: str, label: str) -> None:
    name = MEMBERS[speaker].name
    text, losses = _export(_play(f"**{label}**: A line.\n"))
    cue = _cue_over(text, "A line.")
    assert cue in (name.upper(), "@" + name)
    back = _speeches(read_fountain(text, "t.fountain", CAST)[0])
    assert [(s.speakers, s.label) for s in back] == [((speaker,), name)]
    # An exported file may be read without the cast: the same label, if not the same id.
    assert [s.label for s in _speeches(read_fountain(text, "t.fountain")[0])] == [name]
    assert _screenplain_characters(text) == [cue.removeprefix("@")]
    renamed = [loss.message for loss in losses]
    assert renamed == ([] if label == name else [
        f"cues are the cast's display names: the label {label!r} is written as {name!r} (1 speech, the first here)"
    ])


def test_upper_case_where_it_reads_back_else_forced() -> None:
    text, _ = _export(_play("".join(f"**{member.name}**: Line {index}.\n\n" for index, member in enumerate(CAST))))
    cues = {member.id: _cue_over(text, f"Line {index}.") for index, member in enumerate(CAST)}
    assert cues["simplicia"] == "SIMPLICIA OPTIMISTOVNA DOBRAYA"
    assert (cues["ned"], cues["darcy"], cues["jose"]) == ("NED O'BRIEN", "D'ARCY LEMON", "JOSÉ NÚÑEZ")
    assert (cues["r2"], cues["agent"]) == ("R2-D2", "AGENT 47")
    # Without the cast, upper case would read back as 'Maria De La Cruz', 'Gustav Weiss'...
    assert cues["maria"] == "@Maria de la Cruz" and cues["quince"] == "@Quince of the Orchard"
    assert (cues["weiss"], cues["strasse"], cues["mcclane"]) == ("@Gustav Weiß", "@Straße", "@John McClane")
    assert cues["salt"] == "SALT AND PEPPER"  # one character: the cast has that whole name


def test_a_name_holding_a_parenthesis_is_no_cue_so_the_label_stays() -> None:
    """`(` opens a cue's extension: `BOB (THE ELDER)` would read back as Bob, `(THE ELDER)`."""
    play = _play("**Old Bob**: One.\n\n[A beat.]\n\n**OLD BOB**: Two.\n")
    text, losses = _export(play)
    assert (_cue_over(text, "One."), _cue_over(text, "Two.")) == ("OLD BOB", "@OLD BOB")
    assert losses == []
    back = _speeches(read_fountain(text, "t.fountain", CAST)[0])
    assert [(s.speakers, s.label) for s in back] == [(("bob",), "Old Bob"), (("bob",), "OLD BOB")]
    assert _screenplain_characters(text) == ["OLD BOB", "OLD BOB"]


def test_joint_speakers_are_each_named_by_their_display_name() -> None:
    play = _play("**Simplicia** and **Gus**: Together.\n\n**Pepe**, **Artoo** and **Quince**: All three.\n")
    text, losses = _export(play)
    assert _cue_over(text, "Together.") == "@Simplicia Optimistovna Dobraya and Gustav Weiß"
    assert _cue_over(text, "All three.") == "@José Núñez, R2-D2 and Quince of the Orchard"
    back = _speeches(read_fountain(text, "t.fountain", CAST)[0])
    assert [(s.speakers, s.label) for s in back] == [
        (("simplicia", "weiss"), "Simplicia Optimistovna Dobraya and Gustav Weiß"),
        (("jose", "r2", "quince"), "José Núñez, R2-D2 and Quince of the Orchard"),
    ]
    assert len(losses) == 2
    cast = Cast(CAST, True)
    named = [[cast.resolve(part) for part in cue_parts(character, cast)[::2]]
             for character in _screenplain_characters(text)]
    assert named == [["simplicia", "weiss"], ["jose", "r2", "quince"]]


def test_joint_speakers_in_upper_case_where_it_reads_back() -> None:
    text, _ = _export(_play("**Simplicia** and **Pepe**: Together.\n"))
    assert _cue_over(text, "Together.") == "SIMPLICIA OPTIMISTOVNA DOBRAYA AND JOSÉ NÚÑEZ"


def test_a_speaker_the_cast_lacks_keeps_the_label() -> None:
    text, losses = _export(_play("**Nobody**: Hello.\n\n**Simplicia** and **Stranger**: Hi.\n"))
    assert _cue_over(text, "Hello.") == "NOBODY"
    assert _cue_over(text, "Hi.") == "SIMPLICIA OPTIMISTOVNA DOBRAYA AND STRANGER"
    back = _speeches(read_fountain(text, "t.fountain", CAST)[0])
    assert [(s.speakers, s.label) for s in back] == [
        (("nobody",), "Nobody"), (("simplicia", "stranger"), "Simplicia Optimistovna Dobraya and Stranger")]
    assert len(losses) == 1


def test_an_inferred_cast_keeps_the_labels() -> None:
    """With no cast declared, a member's name is only the first spelling met."""
    play = _play("**Simplicia**: One.\n\n[A beat.]\n\n**SIMPLICIA**: Two.\n", cast=())
    assert [member.name for member in play.cast] == ["Simplicia"]
    text, losses = _export(play, declared=False)
    assert (_cue_over(text, "One."), _cue_over(text, "Two.")) == ("SIMPLICIA", "@SIMPLICIA")
    assert losses == []


def test_two_members_of_one_name_keep_their_labels() -> None:
    """The display name would read back as the first of them: the label tells them apart."""
    cast = (m.CastMember("rex-1", "Rex", ("Rex the First",)), m.CastMember("rex-2", "Rex", ("Rex the Second",)))
    text, _ = _export(_play("**Rex the First**: One.\n\n**Rex the Second**: Two.\n", cast))
    assert (_cue_over(text, "One."), _cue_over(text, "Two.")) == ("REX", "@Rex the Second")
    back = _speeches(read_fountain(text, "t.fountain", cast)[0])
    assert [(s.speakers, s.label) for s in back] == [(("rex-1",), "Rex"), (("rex-2",), "Rex the Second")]


def test_labels_are_listed_once_each_with_a_count() -> None:
    play = _play("**Simplicia**: One.\n\n**Gus**: Two.\n\n**Simplicia**: Three.\n\n"
                 "**Simplicia Optimistovna Dobraya**: Four.\n\n**Simplicia**: Five.\n")
    _, losses = _export(play)
    assert [loss.format() for loss in losses] == [
        "t.md:3:1: cues are the cast's display names: the label 'Simplicia' is written as "
        "'Simplicia Optimistovna Dobraya' (3 speeches, the first here)",
        "t.md:5:1: cues are the cast's display names: the label 'Gus' is written as 'Gustav Weiß' "
        "(1 speech, the first here)",
    ]


def test_cue_text_of_a_label() -> None:
    """A label's cue: upper case where it reads back as the label with and without the cast."""
    cast = Cast((m.CastMember("quince", "Quince of the Orchard", ("Quince",), "x"),), True)
    assert cue_text("Quince", cast) == "QUINCE"
    # Upper case would read back as 'Quince Of The Orchard' without the cast, as 'Quince' with it.
    assert cue_text("Quince of the Orchard", cast) == "@Quince of the Orchard"
    assert cue_text("QUINCE", cast) == "@QUINCE"


# ---------------------------------------------------------------- generated casts

LETTERS = "abcdefghijklmnopqrstuvwxyzéèñøüçßıABCDEFGHIJKLMNOPQRSTUVWXYZÉÑØÜİ"
WORD = st.builds(lambda head, tail: head + tail, st.sampled_from(LETTERS + "0123456789"),
                 st.text(st.sampled_from(LETTERS + "0123456789'’.-"), max_size=7))
PARTICLE = st.sampled_from(["de", "la", "von", "of the", "du", "y", "van der"])
# A name holding a joiner (`Salt and Pepper`) is one character only where the cast is
# declared: a joint speech of it is another matter (test_the_cue_is_the_display_name).
NAME = st.lists(st.one_of(WORD, WORD, PARTICLE), min_size=1, max_size=4).map(" ".join).filter(
    lambda name: not JOINER.search(name))


@dataclass(frozen=True)
class _Said:
    speakers: tuple[str, ...]
    label: str


@st.composite
def cast_and_speeches(draw: st.DrawFn) -> tuple[tuple[m.CastMember, ...], list[_Said]]:
    """A cast of generated names, each with an alias, and speeches of one or two of them,
    each labelled as a manuscript might: name, capitals, alias or first name."""
    names = draw(st.lists(NAME, min_size=1, max_size=4, unique_by=str.casefold))
    cast = tuple(m.CastMember(f"c{index}", name, (f"Alias {index}",)) for index, name in enumerate(names))
    resolver = Cast(cast, True)
    said = []
    for _ in range(draw(st.integers(1, 4))):
        members = draw(st.lists(st.sampled_from(cast), min_size=1, max_size=2, unique=True))
        labels = [draw(st.sampled_from(_labels(member))) for member in members]
        speakers = tuple(resolver.resolve(label) or slug(label) for label in labels)
        said.append(_Said(speakers, " and ".join(labels)))
    return cast, said


def _expected_label(said: _Said, cast: tuple[m.CastMember, ...]) -> str:
    """The display names (a speaker the cast lacks keeps its name), unless they would read
    back as someone else: then the label."""
    resolver = Cast(cast, True)
    members = {member.id: member.name for member in cast}
    labels = said.label.split(" and ")
    joined = " and ".join(members.get(speaker, label) for speaker, label in zip(said.speakers, labels, strict=True))
    parts = cue_parts(joined, resolver)[::2]
    reads_back = [resolver.resolve(part) or slug(part) for part in parts] == list(said.speakers)
    return joined if reads_back else said.label


@given(cast_and_speeches())
def test_generated_casts_are_cued_by_their_display_names(case: tuple[tuple[m.CastMember, ...], list[_Said]]) -> None:
    cast, said = case
    blocks = tuple(m.Speech(s.speakers, s.label, None, (m.Paragraph((m.Text(f"Line {i}."),)),))
                   for i, s in enumerate(said))
    play = m.Play(m.PlayMeta("T", source="t.md"), cast, (), (m.Division("scene", None, None, blocks),))
    text, _ = _export(play)
    back = _speeches(read_fountain(text, "t.fountain", cast)[0])
    assert [s.speakers for s in back] == [s.speakers for s in said]
    assert [s.label for s in back] == [_expected_label(s, cast) for s in said]
    assert [s.label for s in _speeches(read_fountain(text, "t.fountain")[0])] == [s.label for s in back]
    cues = [_cue_over(text, f"Line {i}.") for i in range(len(said))]
    assert [cue.removeprefix("@") for cue in cues] == _screenplain_characters(text)
    for cue, speech in zip(cues, back, strict=True):
        assert cue in (speech.label.upper(), "@" + speech.label)
