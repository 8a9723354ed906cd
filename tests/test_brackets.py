"""Issue 22: the rule for what a stage direction is (publish/brackets.py, written down in
docs/manuscript-format.md): a bracket glued to a word, inside quotation marks, escaped, or
holding no words of its own (an ellipsis, a reference, an editorial mark) is text; every other
bracket in drama is a direction. Checked on explicit cases and on generated contexts, and
through `publish fmt`, which must keep each bracket what it was."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from publish import model as m
from publish.commands.format_files import format_text
from publish.reading.normalize import normalize
from publish.reading.pandoc import parse_markdown


def _play(text: str) -> m.Play:
    return normalize(parse_markdown("## T\n\n" + text, "x.md"), "x.md")[0]


def _directions(text: str) -> list[str]:
    return [m.plain_text(n) for n in m.walk(_play(text)) if isinstance(n, m.StageDirection)]


def _text_of(text: str) -> str:
    return m.plain_text(_play(text).body)


# ---------------------------------------------------------------- the cases of the issue

@pytest.mark.parametrize("speech", [
    "**CM**: perfectly learn*[ing]* and perfectly maximiz*[ing]*",  # the quoter's brackets
    "**CM**: learn[ing], maximiz_[ing]_, learn[ing]s and [T]he",
    "**CM**: It was their[sic] words.",
    '**CM**: "it [the model] learns what it is rewarded for."',
    "**CM**: “the learner [i.e. the agent] adapts” and ‘the critic [sic] lags’",
    "**CM**: Redacted: [...] and […] and [redacted] and [name omitted].",
    "**CM**: What they wrote [emphasis added] and [citation needed] and [sic] and [sic!].",
    "**CM**: Whose: [my emphasis], [the translator’s ellipsis], [Editor’s note: renamed in 2024].",
    "**CM**: References [1], [12–14], [1, 3], [^2], [^note] and a time [00:12:31].",
    "**CM**: \\[the author's own bracket] and &#91;another]",
    "**CM**: [[00:12:31]](https://example.com/a.mp3) and [audio](https://example.com/a.mp3)",
    "**CM**: [text](<dest\nwith a newline>) is not a link",
    "**CM**: [a][b], Wow![x] and [the model]’s weights",
])
def test_these_brackets_are_never_directions(speech: str) -> None:
    assert _directions(speech) == []


def test_the_brackets_stay_in_the_text() -> None:
    text = _text_of("**CM**: perfectly learn*[ing]* and \"it [the model] learns\" [redacted]")
    assert text == 'perfectly learn*[ing]* and "it [the model] learns" [redacted]'


@pytest.mark.parametrize("speech, expected", [
    ("**CM**: [laughing] Yes.", ["laughing"]),
    ("**CM**: Yes. [crosstalk] No. [inaudible] Maybe [A beat.]", ["crosstalk", "inaudible", "A beat."]),
    ('**CM**: He said "go" [pausing] and left—[sighs]', ["pausing", "sighs"]),
    ("**CM**: _[scoffing]_ and *[shrugging]*, then (aside [nodding]) fine.", ["scoffing", "shrugging", "nodding"]),
    ("[**Simplicia** enters stage left.]", ["Simplicia enters stage left."]),
])
def test_brackets_standing_apart_are_directions(speech: str, expected: list[str]) -> None:
    assert _directions(speech) == expected


def test_a_glued_bracket_opening_a_speech_is_no_delivery() -> None:
    (speech,) = [n for n in m.walk(_play("**CM**: [T]he model [sighs] learns.")) if isinstance(n, m.Speech)]
    assert speech.delivery is None
    assert _directions("**CM**: [T]he model [sighs] learns.") == ["sighs"]


def test_an_escaped_bracket_is_text_and_warns_nothing() -> None:
    play, diagnostics = normalize(parse_markdown("## T\n\n**CM**: a \\[ b and c \\] d\n", "x.md"), "x.md")
    assert [d.code for d in diagnostics] == []
    assert "a [ b and c ] d" in m.plain_text(play.body)


# ---------------------------------------------------------------- the rule, on generated contexts

WORD = st.sampled_from(["ing", "the model", "laughing", "A beat.", "sic", "s", "emphasis added"])
GLUE = st.sampled_from(["learn", "maximiz*", "x_", "9"])


@given(WORD, GLUE, st.booleans())
def test_generated_brackets_glued_to_a_word_are_text(inner: str, glue: str, before: bool) -> None:
    written = f"{glue}[{inner}]" if before else f"[{inner}]{glue.rstrip('*_')}"
    assert _directions(f"**CM**: So {written} then.") == []


@given(WORD, st.sampled_from(['"{}"', "“{}”", "‘{}’"]), st.sampled_from(["", "x ", "x, "]))
def test_generated_brackets_inside_quotation_marks_are_text(inner: str, quotes: str, lead: str) -> None:
    quoted = quotes.format(f"{lead}[{inner}] y")
    assert _directions(f"**CM**: They wrote {quoted} and left.") == []


@given(st.sampled_from(["...", "…", "1", "12–14", "00:12:31", "^2", "^a note", " ", "sic", "redacted",
                        "emphasis added", "italics mine", "citation needed", "name omitted", "text deleted",
                        "my emphasis", "our italics", "the author’s translation", "Editor's ellipsis",
                        "Editor’s note: a later hand", "Ed.: see above", "Trans. note", "Note: sic"]))
def test_generated_brackets_without_words_of_their_own_are_text(inner: str) -> None:
    assert _directions(f"**CM**: So [{inner}] then.") == []


@given(st.sampled_from(["laughing", "inaudible", "crosstalk", "A beat.", "the model", "Simplicia nods."]),
       st.sampled_from(["", "So ", "(", "—", "“Go,” "]), st.sampled_from(["", " then.", ".", ", yes", ")"]))
def test_generated_brackets_standing_apart_are_directions(inner: str, before: str, after: str) -> None:
    assert _directions(f"**CM**: {before}[{inner}]{after}") == [inner]


# ---------------------------------------------------------------- fmt keeps each bracket what it was

@pytest.mark.parametrize("speech", [
    "**CM**: perfectly learn*[ing]* and perfectly maximiz*[ing]*",
    '**CM**: "it [the model] learns" [laughing] and \\[aside] then \\[TODO not a note]',
    "**CM**: \\[escaped] at the start",
    "[A beat.] \\[not one] [Another.]",
])
def test_fmt_keeps_brackets_and_directions(speech: str) -> None:
    text = "## T\n\n" + speech + "\n"
    once = format_text(text, "x.md")
    assert m.strip_spans(_play(once[len("## T\n\n"):])) == m.strip_spans(_play(speech))
    assert format_text(once, "x.md") == once


def test_fmt_no_longer_turns_the_quoters_brackets_into_directions() -> None:
    once = format_text("## T\n\n**CM**: perfectly learn*[ing]*\n", "x.md")
    assert once == "## T\n\n**CM**: perfectly learn\\*[ing]\\*\n"
    assert "_[" not in once


def test_fmt_escapes_an_escaped_bracket_that_would_be_a_direction() -> None:
    once = format_text("## T\n\n**CM**: \\[aside] and learn\\[ing]\n", "x.md")
    assert once == "## T\n\n**CM**: \\[aside] and learn[ing]\n"
